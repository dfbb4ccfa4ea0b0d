"""Partner names as cities write them in their published lists of agreements (協定一覧).

Pure functions, no database: the importer calls them and decides what to store.

* :func:`split_partners` cuts a cell that names several partners into one text per partner.
* :func:`normalize_name` gives the matching key of a name; :func:`find_exact` is the only automatic
  match (equal keys), :func:`suggest_similar` only proposes near matches for a person to confirm.
* :func:`parse_partner` separates the organisation from its branch (支社, 支店, …) and from a trailing
  note (「(アドバイザー)」), and guesses its kind and, for public bodies, which kind of body it is.
* :func:`match_municipality` finds a municipality in the national list, ambiguous names included
  (美郷町 is in 秋田県, 島根県 and 宮崎県).

Rules and their limits
----------------------
Splitting (:func:`split_partners`):

* Always a separator outside brackets: 、 ， , ､ ; ；, and the words 及び, および, 並びに, ならびに.
  A comma is kept between digits (1,000) and before an English legal suffix (``Co., Ltd.``).
  Limit: the rare name that contains 及び itself is cut in two.
* Full-width spaces and line breaks separate partners too, except where the piece on one side is
  only a legal form (「株式会社　ローソン」), a bare branch (「日本生命保険相互会社　京阪支社」) or only
  a bracketed note (「…　(アドバイザー)」): those pieces are joined back.
* 「・」 and ASCII spaces separate only when *both* sides look like complete organisation names: they
  begin or end with a legal form (株式会社, (株), 一般社団法人, NPO法人, …) or end with a word that
  closes names of organisations (大学, 銀行, 信用金庫, 組合, 協会, 財団, 法人, 会社, 社, 市, 町, 村,
  区, 都, 道, 府, 県, 省, 庁, 局, 事務所, 支社, 支店, 議会, 機関, …) and are not a bare branch. So
  「(株)セブン‐イレブン・ジャパン」 and 「ジョンソン・エンド・ジョンソン株式会社」 stay whole, and
  「寝屋川市・四條畷市」 is two partners. Limits: two companies written without legal forms
  (「ローソン・ファミリーマート」) stay one piece; a facility after its operator
  (「(公財)○○財団・○○センター」 with センター not in the list) is kept whole, while
  「○○株式会社・○○研究所」-like pairs where both sides end with a listed word are split.
* Never split on 「と」: it is inside too many names (「ひとと地域のネットワーク」, 「みなと銀行」).
  Nor inside brackets (「(株)」, 「（公財）」, 「○○（アドバイザー）」); a cell whose brackets do not
  balance is split as if it had none.
* A leading bullet or number (・, ●, ■, ①, 1., (1)) is dropped; ○ is kept because lists use it as a
  placeholder (「○○協会」).

Keys (:func:`normalize_name`): NFKC; no spaces of any kind; legal-form abbreviations expanded
((株) ㈱ ㍿ → 株式会社, …, see ``LEGAL_FORM_ABBREVIATIONS``; ㈳ and ㈶ → 一般社団法人 and 一般財団法人,
though some of the old 社団/財団法人 became 公益 ones); middle dots unified to 「・」; dash, minus and
long-vowel variants unified by context (between kana → ー, between Latin letters or digits → -,
elsewhere -); a few old or variant kanji folded (髙→高, 﨑→崎, 條→条, 澤→沢, 龍→竜, ヶ→ケ, …,
see ``_VARIANTS``); case folded.

前株/後株: the key keeps the legal form where it was written, so 「株式会社ローソン」 and
「ローソン株式会社」 have different keys. A 商号 with the form in front and one with it behind are
different registered names, and equal keys merge without asking: merging two different companies
silently attaches agreements to the wrong partner, while a missed merge only costs a click on a
proposal. :func:`suggest_similar` compares names without their legal forms, so the other position
is proposed with score 99 (and a name written without its form with 96).
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal, NamedTuple

from rapidfuzz import fuzz, process

__all__ = [
    "BRANCH_WORDS",
    "LEGAL_FORMS",
    "LEGAL_FORM_ABBREVIATIONS",
    "PREFECTURES",
    "Match",
    "MunicipalityCandidate",
    "PartnerName",
    "PublicBodyKind",
    "MunicipalityIndex",
    "find_exact",
    "match_municipality",
    "normalize_name",
    "parse_partner",
    "split_partners",
    "suggest_similar",
    "loose_cores",
]

# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------

PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
    "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
    "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
    "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
    "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
)  # fmt: skip
_PREFECTURE_SET = frozenset(PREFECTURES)

# Full legal forms (法人格). Longer forms come first wherever they are tried in order.
LEGAL_FORMS = tuple(
    sorted(
        {
            "株式会社", "有限会社", "合同会社", "合資会社", "合名会社", "相互会社", "有限責任事業組合",
            "一般社団法人", "公益社団法人", "一般財団法人", "公益財団法人", "社団法人", "財団法人",
            "特定非営利活動法人", "社会福祉法人", "医療法人社団", "医療法人財団", "医療法人",
            "学校法人", "国立大学法人", "公立大学法人", "大学共同利用機関法人",
            "独立行政法人", "地方独立行政法人", "国立研究開発法人",
            "宗教法人", "更生保護法人", "農事組合法人",
            "農業協同組合", "漁業協同組合", "生活協同組合", "事業協同組合", "協同組合", "企業組合",
            "信用金庫", "信用組合", "労働金庫",
            "監査法人", "税理士法人", "弁護士法人", "司法書士法人", "行政書士法人", "社会保険労務士法人",
        },
        key=lambda form: (-len(form), form),
    )
)  # fmt: skip

# What cities write between brackets for a legal form, after NFKC and case folding.
LEGAL_FORM_ABBREVIATIONS = {
    "株": "株式会社",
    "有": "有限会社",
    "同": "合同会社",
    "資": "合資会社",
    "名": "合名会社",
    "相": "相互会社",
    "福": "社会福祉法人",
    "社福": "社会福祉法人",
    "一社": "一般社団法人",
    "社": "一般社団法人",  # ㈳: the pre-2008 社団法人, most of which became 一般社団法人
    "公社": "公益社団法人",
    "一財": "一般財団法人",
    "財": "一般財団法人",  # ㈶: likewise
    "公財": "公益財団法人",
    "特非": "特定非営利活動法人",
    "特活": "特定非営利活動法人",
    "npo": "特定非営利活動法人",
    "医": "医療法人",
    "医社": "医療法人社団",
    "医財": "医療法人財団",
    "学": "学校法人",
    "独": "独立行政法人",
    "地独": "地方独立行政法人",
    "国": "国立大学法人",
    "国研": "国立研究開発法人",
    "宗": "宗教法人",
    "農": "農事組合法人",
    "協": "協同組合",
    "企": "企業組合",
    "生協": "生活協同組合",
    "監": "監査法人",
    "税": "税理士法人",
    "弁": "弁護士法人",
}

# Circled ideographs whose NFKC loses the brackets (㊑ → 株); the parenthesised ones (㈱) keep them.
_CIRCLED = str.maketrans(
    {"㊑": "(株)", "㊒": "(有)", "㊓": "(社)", "㊔": "(名)", "㊖": "(財)", "㊫": "(学)", "㊮": "(資)", "㊯": "(協)"}
)

# Old or variant kanji that cities and companies use interchangeably (四條畷/四条畷, 髙島屋/高島屋).
# Checked against the national list: no two municipalities of a prefecture fold to the same name.
_VARIANTS = str.maketrans(
    {
        "髙": "高", "﨑": "崎", "嵜": "崎", "德": "徳", "濵": "浜", "濱": "浜", "邊": "辺", "邉": "辺",
        "澤": "沢", "條": "条", "櫻": "桜", "廣": "広", "國": "国", "學": "学", "會": "会", "嶋": "島",
        "嶌": "島", "龍": "竜", "檮": "梼", "鰺": "鯵", "齋": "斎", "齊": "斉", "惠": "恵", "眞": "真",
        "瀨": "瀬", "ヶ": "ケ", "ヵ": "カ",
    }
)  # fmt: skip

_DOTS = str.maketrans(dict.fromkeys("·•‧∙⋅･", "・"))
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\u02d7\u2500\u2501\u2e3a\u2e3b\u30fc\uff0d\uff70\ufe63"
_DASH_RUN_RE = re.compile(f"[{re.escape(_DASHES)}]+")

_ABBREVIATIONS = "|".join(sorted(LEGAL_FORM_ABBREVIATIONS, key=len, reverse=True))
_ABBREVIATION_PATTERN = rf"\((?:{_ABBREVIATIONS})\)"
_ABBREVIATION_RE = re.compile(rf"\(({_ABBREVIATIONS})\)", re.IGNORECASE)
_NPO_RE = re.compile(r"npo法人", re.IGNORECASE)
_FORMS_PATTERN = "|".join(LEGAL_FORMS)
# A legal form as written, abbreviated or not, on NFKC text without spaces.
_ANY_FORM_PATTERN = rf"(?:{_FORMS_PATTERN}|{_ABBREVIATION_PATTERN}|npo法人)"
_PREFIX_FORM_RE = re.compile(rf"^(?:認定)?{_ANY_FORM_PATTERN}", re.IGNORECASE)
_SUFFIX_FORM_RE = re.compile(rf"{_ANY_FORM_PATTERN}$", re.IGNORECASE)
_FORM_ONLY_RE = re.compile(rf"(?:認定)?{_ANY_FORM_PATTERN}", re.IGNORECASE)
_KEY_PREFIX_FORM_RE = re.compile(rf"^(?:認定)?({_FORMS_PATTERN})")
_KEY_SUFFIX_FORM_RE = re.compile(rf"({_FORMS_PATTERN})$")

# Words that end the name of an organisation: a side of 「・」 or of an ASCII space must end with one.
_COMPLETE_SUFFIXES = tuple(
    sorted(
        {
            "会社", "大学", "大学校", "学校", "学園", "銀行", "金庫", "公庫", "組合", "連合会", "協会",
            "財団", "法人", "機構", "公社", "公団", "会議所", "商工会", "協議会", "社", "研究所", "病院",
            "市", "町", "村", "区", "都", "道", "府", "県", "省", "庁", "局", "署", "台", "事務所",
            "支社", "支店", "営業所", "出張所", "事業所", "事業部", "支部", "支局", "議会", "機関",
        },
        key=len,
        reverse=True,
    )
)  # fmt: skip

BRANCH_WORDS = ("支社", "支店", "営業所", "出張所", "事業部", "支局", "支部", "事業所")
_BRANCH_END_RE = re.compile(f"(?:{'|'.join(BRANCH_WORDS)})$")
# Where the organisation's own name ends, before a branch: a legal form or a word that ends names.
_HEAD_END_WORDS = sorted(
    {*LEGAL_FORMS, "会社", "銀行", "金庫", "公庫", "組合", "連合会", "協会", "大学", "機構", "公社", "公団",
     "新聞社", "赤十字社", "省", "庁", "局"},
    key=len,
    reverse=True,
)  # fmt: skip
_HEAD_END_RE = re.compile(f"{'|'.join(_HEAD_END_WORDS)}|{_ABBREVIATION_PATTERN}", re.IGNORECASE)
_REGIONS = sorted(
    {*PREFECTURES, *(p[:-1] for p in PREFECTURES if p != "北海道"),
     "東北", "北関東", "南関東", "関東", "首都圏", "甲信越", "甲信", "信越", "北陸", "東海", "中部", "近畿",
     "関西", "中国", "四国", "九州", "南九州", "北九州", "山陰", "山陽", "阪神", "京阪", "京滋", "北摂",
     "東日本", "西日本", "中日本", "北日本"},
    key=len,
    reverse=True,
)  # fmt: skip
_REGION_RE = re.compile("|".join(_REGIONS))
_KATAKANA_THEN_KANJI_TAIL_RE = re.compile(r"(?<=[\u30a1-\u30fa\u30fc])[\u4e00-\u9fff々]+$")

_OPENING = "(（[［【〔〈《「『{｛"
_CLOSING = ")）]］】〕〉》」』}｝"
_ROLE_NOTE_RE = re.compile(r"^(.*?\S)\s*[(（\[［【〔]([^()（）\[\]［］【】〔〕]+)[)）\]］】〕]\s*$", re.DOTALL)
_BULLET_RE = re.compile(r"^(?:[・･●■◆◇□▪•*＊※]|[①-⑳]|[(（]?[0-9０-９]{1,2}[.．)）])\s*")
_SEPARATOR_RE = re.compile(
    r"(?P<hard>[、，､;；,]|及び|および|並びに|ならびに)"
    r"|(?P<soft>[ \t]*[\r\n\u3000\u2028\u2029][\s\u3000]*)"
    r"|(?P<cond>[・･]|[ \t\u00a0]+)"
)
_ENGLISH_SUFFIX_RE = re.compile(r"\s*(?:ltd|inc|llc|l\.l\.c|corp|co\b|limited|plc|gmbh|s\.a|k\.k)", re.IGNORECASE)

PublicBodyKind = Literal["municipality", "prefecture", "national", "council"]
MatchStatus = Literal["exact", "ambiguous", "none"]

# Values of partnerships.models.OrganizationKind (this module does not import Django).
COMPANY, UNIVERSITY, NPO, FINANCIAL = "company", "university", "npo", "financial"
ASSOCIATION, COOPERATIVE, PUBLIC, OTHER = "association", "cooperative", "public", "other"

_MINISTRIES = (
    "内閣府", "内閣官房", "内閣法制局", "人事院", "会計検査院", "宮内庁", "公正取引委員会", "国家公安委員会",
    "個人情報保護委員会", "デジタル庁", "復興庁", "こども家庭庁", "総務省", "法務省", "外務省", "財務省",
    "文部科学省", "厚生労働省", "農林水産省", "経済産業省", "国土交通省", "環境省", "防衛省", "警察庁",
    "金融庁", "消費者庁", "消防庁", "公安調査庁", "出入国在留管理庁", "国税庁", "文化庁", "スポーツ庁",
    "林野庁", "水産庁", "資源エネルギー庁", "特許庁", "中小企業庁", "観光庁", "気象庁", "海上保安庁",
    "原子力規制委員会", "防衛装備庁", "衆議院", "参議院",
)  # fmt: skip
# Local offices of the ministries, by how their names end.
_NATIONAL_OFFICES = (
    "地方整備局", "財務局", "財務支局", "財務事務所", "運輸局", "運輸支局", "航空局", "農政局", "経済産業局",
    "法務局", "地方法務局", "労働局", "厚生局", "厚生支局", "国税局", "税務署", "森林管理局", "森林管理署",
    "気象台", "測候所", "出入国在留管理局", "総合通信局", "開発局", "開発建設部", "防衛局", "防衛支局",
    "地方協力本部", "国道事務所", "河川事務所", "ダム管理所", "港湾事務所", "港湾空港整備事務所", "空港事務所",
    "海上保安部", "海上保安本部", "海上保安署", "環境事務所", "労働基準監督署", "公共職業安定所", "検察庁",
    "裁判所", "刑務所", "拘置所", "少年院", "管区警察局",
)  # fmt: skip
_NATIONAL_RE = re.compile(
    f"^(?:{'|'.join(_MINISTRIES)}|ハローワーク)|(?:{'|'.join(_NATIONAL_OFFICES)})$|自衛隊|省$|(?<![都道府県市区町村])庁$"
)
_COUNCIL_RE = re.compile(r"[都道府県市区町村]議会(?:事務局)?$")
# Offices and organs that stand for the body itself, stripped before recognising it.
_ORGAN_SUFFIX_RE = re.compile(
    r"(?:役所|役場|庁|教育委員会|選挙管理委員会|消防本部|消防局|警察本部|上下水道局|水道局|交通局|企業局)$"
)
_MUNICIPALITY_RE = re.compile(r"[\u3041-\u30ff\u4e00-\u9fff々]{1,10}[市町村区]")
_NOT_MUNICIPALITY_END = ("地区", "学区", "校区", "特区", "選挙区", "管区")
_DISTRICT_RE = re.compile(r"^[^郡]{1,5}郡(?=.)")  # 上川郡東川町: the 郡 is not part of the official name
_WARD_RE = re.compile(r"^(.+?市)(.+区)$")
_PUNCTUATION_RE = re.compile(r"[・\-.,&'\"!?/()「」『』【】\[\]]")


# ---------------------------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------------------------


def _is_kana(ch: str) -> bool:
    return (
        "\u3041" <= ch <= "\u3096"
        or "\u309d" <= ch <= "\u309f"
        or "\u30a1" <= ch <= "\u30fa"
        or ("\u30fd" <= ch <= "\u30ff" or "\u31f0" <= ch <= "\u31ff")
    )


def _is_latin_or_digit(ch: str) -> bool:
    return (ch.isascii() and ch.isalnum()) or ("\u00c0" <= ch <= "\u024f" and ch.isalpha())


def _unify_dashes(text: str) -> str:
    """Dashes by what stands around them: the neighbours, not the dash, tell a long vowel from a hyphen."""

    def replace(match: re.Match) -> str:
        run = match.group()
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        if before and after and _is_kana(before) and _is_kana(after):
            return "ー" * len(run)
        if before and after and _is_latin_or_digit(before) and _is_latin_or_digit(after):
            return "-" * len(run)
        # Elsewhere keep a written long vowel and make every other dash a hyphen, so a second pass
        # (same neighbours) changes nothing.
        return "".join("ー" if ch == "ー" else "-" for ch in run)

    return _DASH_RUN_RE.sub(replace, text)


_INVISIBLE = {"Zs", "Zl", "Zp", "Cc", "Cf"}  # spaces, line breaks, controls, zero-width and format characters


def _strip_invisible(text: str) -> str:
    return "".join(ch for ch in text if not (ch.isspace() or unicodedata.category(ch) in _INVISIBLE))


def _compact(text: str) -> str:
    """NFKC without spaces: the form the detection rules read (abbreviations kept as written)."""
    return _strip_invisible(unicodedata.normalize("NFKC", text.translate(_CIRCLED)))


def _expand_abbreviation(match: re.Match) -> str:
    return LEGAL_FORM_ABBREVIATIONS[match.group(1).casefold()]


@lru_cache(maxsize=65536)
def normalize_name(name: str) -> str:
    """The matching key of a name: equal keys mean the same partner (see the module's rules)."""
    text = _compact(name)
    text = _ABBREVIATION_RE.sub(_expand_abbreviation, text)
    text = _NPO_RE.sub("特定非営利活動法人", text)
    text = text.translate(_DOTS).translate(_VARIANTS)
    # Case folding can leave a string that is no longer NFKC (ǰ → j + ◌̌); NFKC once more restores it.
    text = unicodedata.normalize("NFKC", text.casefold())
    return _unify_dashes(text)


def _key_legal_form(key: str) -> tuple[str | None, Literal["prefix", "suffix"] | None, str]:
    """The legal form of a key, where it stands, and the key without it."""
    match = _KEY_PREFIX_FORM_RE.match(key)
    if match and match.end() < len(key):
        return match.group(1), "prefix", key[match.end() :]
    match = _KEY_SUFFIX_FORM_RE.search(key)
    if match and match.start() > 0:
        return match.group(1), "suffix", key[: match.start()]
    return None, None, key


# ---------------------------------------------------------------------------------------------
# Splitting a cell
# ---------------------------------------------------------------------------------------------


def _split_role_note(text: str) -> tuple[str, str | None]:
    """Text without a trailing bracketed note, and the note; a bracketed legal form is no note."""
    match = _ROLE_NOTE_RE.match(text)
    if not match:
        return text, None
    inner = match.group(2).strip()
    if _compact(inner).casefold() in LEGAL_FORM_ABBREVIATIONS:
        return text, None
    return match.group(1), inner


def _is_form_only(compact: str) -> bool:
    return bool(_FORM_ONLY_RE.fullmatch(compact))


def _is_note_only(compact: str) -> bool:
    """Only a bracketed note: 「(アドバイザー)」 written apart from its partner."""
    if not compact or compact[0] not in _OPENING:
        return False
    body, note = _split_role_note("x" + compact)  # a stand-in partner in front
    return body == "x" and note is not None


def _is_bare_branch(compact: str) -> bool:
    """A branch written without its organisation: 「京阪支社」, 「大阪北支店」."""
    branch = _BRANCH_END_RE.search(compact)
    if not branch or len(compact) > 12:
        return False
    head = compact[: branch.start()]
    return not _HEAD_END_RE.search(head) and not _PREFIX_FORM_RE.match(compact)


def _looks_complete(text: str) -> bool:
    """Whether a side of 「・」 or of an ASCII space names a whole organisation by itself."""
    compact = _compact(_split_role_note(text.strip())[0])
    if len(compact) < 2 or _is_form_only(compact) or _is_bare_branch(compact):
        return False
    if _PREFIX_FORM_RE.match(compact) or _SUFFIX_FORM_RE.search(compact):
        return True
    return any(compact.endswith(word) and len(compact) > len(word) for word in _COMPLETE_SUFFIXES)


def _tokens(cell: str, *, brackets: bool) -> tuple[list[tuple[str, str]], bool]:
    """(kind, text) tokens: "text", "hard", "soft" or "cond"; and whether the brackets balanced."""
    tokens: list[tuple[str, str]] = []
    buffer: list[str] = []
    depth = 0
    i = 0
    while i < len(cell):
        ch = cell[i]
        if brackets and ch in _OPENING:
            depth += 1
        elif brackets and ch in _CLOSING:
            depth = max(0, depth - 1)
        elif depth == 0:
            match = _SEPARATOR_RE.match(cell, i)
            if match and not _is_kept_comma(cell, match):
                if buffer:
                    tokens.append(("text", "".join(buffer)))
                    buffer = []
                tokens.append((match.lastgroup, match.group()))
                i = match.end()
                continue
        buffer.append(ch)
        i += 1
    if buffer:
        tokens.append(("text", "".join(buffer)))
    return tokens, depth == 0


def _is_kept_comma(cell: str, match: re.Match) -> bool:
    """A comma inside a number (1,000) or before an English legal suffix (Co., Ltd.) is no separator."""
    if match.group() != ",":
        return False
    start, end = match.start(), match.end()
    if start > 0 and end < len(cell) and cell[start - 1].isdigit() and cell[end].isdigit():
        return True
    return bool(_ENGLISH_SUFFIX_RE.match(cell, end))


def _join_soft(pieces: list[tuple[str, list[tuple[str, str]]]]) -> list[list[tuple[str, str]]]:
    """Join pieces cut at full-width spaces or line breaks back where one side is not a name."""
    merged: list[list[tuple[str, str]]] = []
    for separator, piece in pieces:
        compact = _compact("".join(text for _, text in piece))
        if not compact:
            continue
        if merged:
            previous = _compact("".join(text for _, text in merged[-1]))
            if _is_form_only(previous) or _is_form_only(compact) or _is_note_only(compact) or _is_bare_branch(compact):
                # Keep a full-width space as written; a line break inside a name becomes a space.
                joiner = "\u3000" if "\u3000" in separator else " "
                merged[-1] = [*merged[-1], ("text", joiner), *piece]
                continue
        merged.append(piece)
    return merged


def _split_conditional(piece: list[tuple[str, str]]) -> list[str]:
    """Cut at 「・」 and ASCII spaces only where both neighbours look like whole names."""
    parts, separators = [""], []
    for kind, text in piece:
        if kind == "cond":
            separators.append(text)
            parts.append("")
        else:
            parts[-1] += text
    result = [parts[0]]
    for separator, part in zip(separators, parts[1:], strict=True):
        if _looks_complete(result[-1]) and _looks_complete(part):
            result.append(part)
        else:
            result[-1] += separator + part
    return result


def _clean_piece(piece: str) -> str:
    piece = piece.strip(" \t\r\n\u3000")
    while (bullet := _BULLET_RE.match(piece)) and bullet.end() < len(piece):
        piece = piece[bullet.end() :]
    return piece.rstrip("。．").strip(" \t\r\n\u3000")


def split_partners(cell: str) -> list[str]:
    """The partners named in one cell, each as written (trimmed); see the module's rules."""
    if not cell or not cell.strip():
        return []
    text = cell.replace("\r\n", "\n").replace("\r", "\n")
    tokens, balanced = _tokens(text, brackets=True)
    if not balanced:
        tokens, _ = _tokens(text, brackets=False)  # a stray 「(」 must not swallow the rest of the cell
    groups: list[list[tuple[str, str]]] = [[]]
    for kind, token in tokens:
        if kind == "hard":
            groups.append([])
        else:
            groups[-1].append((kind, token))
    partners = []
    for group in groups:
        pieces: list[tuple[str, list[tuple[str, str]]]] = [("", [])]
        for kind, token in group:
            if kind == "soft":
                pieces.append((token, []))
            else:
                pieces[-1][1].append((kind, token))
        for piece in _join_soft(pieces):
            partners.extend(_split_conditional(piece))
    return [cleaned for cleaned in map(_clean_piece, partners) if cleaned]


# ---------------------------------------------------------------------------------------------
# One partner
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerName:
    """One partner as written, taken apart."""

    text: str  # as written
    name: str  # the organisation as written, without branch and note
    branch: str | None  # 京阪支社
    legal_form: str | None  # the full form: 株式会社 also for (株)
    legal_form_position: Literal["prefix", "suffix"] | None  # 前株 or 後株
    role_note: str | None  # アドバイザー (or an alias such as NHK): a trailing bracketed note
    key: str  # normalize_name(name)
    kind_guess: str  # a value of OrganizationKind
    public_body_kind: PublicBodyKind | None


def _nfkc_with_origin(text: str) -> tuple[str, list[int]]:
    """NFKC character by character, with the index in ``text`` of each character produced."""
    out, origin = [], []
    for index, ch in enumerate(text):
        normalized = unicodedata.normalize("NFKC", ch.translate(_CIRCLED))
        out.append(normalized)
        origin.extend([index] * len(normalized))
    origin.append(len(text))
    return "".join(out), origin


def _branch_start(norm: str) -> int | None:
    """Where the branch begins in NFKC text, or None (see parse_partner)."""
    branch = _BRANCH_END_RE.search(norm)
    if not branch:
        return None
    end = branch.start()  # the place name of the branch lies before this
    # 1. Written apart: 「株式会社ローソン　近畿支社」.
    for space in re.finditer(r"\s+", norm):
        head, tail = norm[: space.start()], norm[space.end() :]
        if (
            _compact(head)
            and not _is_form_only(_compact(head))
            and _BRANCH_END_RE.search(tail)
            and not _HEAD_END_RE.search(_BRANCH_END_RE.sub("", _compact(tail)))
        ):
            return space.end()
    prefix = _PREFIX_FORM_RE.match(norm)
    start = prefix.end() if prefix else 0
    # 2. After the word that ends the organisation's name (chained: 協同組合連合会): 日本生命保険相互会社|京阪支社.
    marker = _HEAD_END_RE.search(norm, start + 1)
    if marker and marker.end() < end:
        boundary = marker.end()
        while (more := _HEAD_END_RE.match(norm, boundary)) and more.end() < end:
            boundary = more.end()
        return boundary
    # 3. Before a prefecture or region: 株式会社日立製作所|関西支社, 協会けんぽ|大阪支部.
    region = _REGION_RE.search(norm, start + 2, end)
    if region and region.end() <= end:
        boundary = region.start()
        if norm[boundary - 1] in "東西南北" and boundary - 1 >= start + 2:
            boundary -= 1  # 東大阪支店, 北九州…: the direction belongs to the place
        return boundary
    # 4. Where katakana gives way to a kanji place name: 株式会社ローソン|寝屋川支店.
    tail = _KATAKANA_THEN_KANJI_TAIL_RE.search(norm, start + 2)
    if tail and tail.start() < end:
        return tail.start()
    return None


def _public_body_kind(key: str, legal_form: str | None) -> PublicBodyKind | None:
    if legal_form or not key:
        return None
    if _COUNCIL_RE.search(key):
        return "council"
    if _NATIONAL_RE.search(key):
        return "national"
    base = _ORGAN_SUFFIX_RE.sub("", key) or key
    if base in _PREFECTURE_SET:
        return "prefecture"
    for prefecture in PREFECTURES:
        if base.startswith(prefecture) and len(base) > len(prefecture):
            base = base[len(prefecture) :]
            break
    base = _DISTRICT_RE.sub("", base)
    if _MUNICIPALITY_RE.fullmatch(base) and not base.endswith(_NOT_MUNICIPALITY_END):
        return "municipality"
    return None


_FINANCIAL_RE = re.compile(
    r"銀行|信用金庫|信用組合|信金|信組|労働金庫|中央金庫|公庫|証券|生命|損害保険|火災保険|海上保険|損保|ゆうちょ|共済"
)
_UNIVERSITY_RE = re.compile(r"大学|高等専門学校|高専|学園|学院|高等学校|専門学校")
_COOPERATIVE_RE = re.compile(r"協同組合|組合|農協|漁協|生協|^ja|コープ")
_ASSOCIATION_RE = re.compile(r"協会|財団|連合会|会議所|商工会|協議会|医師会|振興会|社団")
_PUBLIC_CORPORATION_RE = re.compile(r"公社|公団|事業団")
_COMPANY_RE = re.compile(r"co\.,?ltd|inc\.?$|llc$|corp(oration)?\.?$|ホールディングス|グループ$")
_COMPANY_FORMS = {"株式会社", "有限会社", "合同会社", "合資会社", "合名会社", "相互会社", "有限責任事業組合"}
_KIND_BY_FORM = {
    "特定非営利活動法人": NPO,
    "学校法人": UNIVERSITY,
    "国立大学法人": UNIVERSITY,
    "公立大学法人": UNIVERSITY,
    "大学共同利用機関法人": UNIVERSITY,
    "一般社団法人": ASSOCIATION,
    "公益社団法人": ASSOCIATION,
    "一般財団法人": ASSOCIATION,
    "公益財団法人": ASSOCIATION,
    "社団法人": ASSOCIATION,
    "財団法人": ASSOCIATION,
    "信用金庫": FINANCIAL,
    "信用組合": FINANCIAL,
    "労働金庫": FINANCIAL,
    "農業協同組合": COOPERATIVE,
    "漁業協同組合": COOPERATIVE,
    "生活協同組合": COOPERATIVE,
    "事業協同組合": COOPERATIVE,
    "協同組合": COOPERATIVE,
    "企業組合": COOPERATIVE,
    "農事組合法人": COOPERATIVE,
    "独立行政法人": PUBLIC,
    "地方独立行政法人": PUBLIC,
    "国立研究開発法人": PUBLIC,
}


def _kind_guess(key: str, legal_form: str | None, public_body_kind: str | None) -> str:
    """A value of OrganizationKind; the legal form decides first, then words of the name."""
    if public_body_kind:
        return PUBLIC
    if legal_form in _KIND_BY_FORM:
        return _KIND_BY_FORM[legal_form]
    for pattern, kind in (
        (_UNIVERSITY_RE, UNIVERSITY),
        (_FINANCIAL_RE, FINANCIAL),
        (_COOPERATIVE_RE, COOPERATIVE),
        (_ASSOCIATION_RE, ASSOCIATION),
        (_PUBLIC_CORPORATION_RE, PUBLIC),
    ):
        if pattern.search(key):
            return kind
    if legal_form in _COMPANY_FORMS or _COMPANY_RE.search(key):
        return COMPANY
    return OTHER  # 社会福祉法人, 医療法人, 宗教法人, and names that say nothing


def parse_partner(name: str) -> PartnerName:
    """Take one partner apart: organisation, branch, legal form, note, key and guessed kinds.

    Branches are the trailing 支社, 支店, 営業所, 出張所, 事業部, 支局, 支部 and 事業所 (not 本部 nor
    本社: 「○○大阪本部」 is often the organisation itself). The branch begins after a space, else after
    the word that ends the organisation's name (a legal form, 銀行, 信用金庫, 組合, 協会, 大学, 局, …),
    else at a prefecture or region name (関西, 近畿, 大阪…), else where katakana gives way to kanji. An
    all-kanji name with its legal form in front and an unlisted place (「株式会社竹中工務店寝屋川営業所」)
    keeps its branch inside ``name``.
    """
    text = name
    body, role_note = _split_role_note(name.strip())
    norm, origin = _nfkc_with_origin(body)
    start = _branch_start(norm)
    if start is None:
        organisation, branch = body.strip(), None
    else:
        organisation, branch = body[: origin[start]].strip(), body[origin[start] :].strip() or None
    key = normalize_name(organisation)
    legal_form, position, _ = _key_legal_form(key)
    public_body_kind = _public_body_kind(key, legal_form)
    return PartnerName(
        text=text,
        name=organisation,
        branch=branch,
        legal_form=legal_form,
        legal_form_position=position,
        role_note=role_note,
        key=key,
        kind_guess=_kind_guess(key, legal_form, public_body_kind),
        public_body_kind=public_body_kind,
    )


# ---------------------------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match[T]:
    """The outcome of a look-up: one choice (exact), several (ambiguous) or none."""

    status: MatchStatus
    choices: list[T] = field(default_factory=list)

    @property
    def choice(self) -> T | None:
        """The single match, when there is exactly one."""
        return self.choices[0] if self.status == "exact" else None

    @classmethod
    def of(cls, choices: list[T]) -> "Match[T]":
        return cls("none" if not choices else "exact" if len(choices) == 1 else "ambiguous", choices)


class MunicipalityCandidate(NamedTuple):
    """One row of the national list, as match_municipality reads it (tuples of 4 work too)."""

    code: str
    name: str
    prefecture_name: str  # "" or the prefecture's own name for a prefecture
    kind: str  # a value of MunicipalityKind


def _candidate_fields(candidate) -> MunicipalityCandidate:
    if hasattr(candidate, "name") and hasattr(candidate, "code"):
        return MunicipalityCandidate(
            candidate.code, candidate.name, getattr(candidate, "prefecture_name", "") or "", candidate.kind
        )
    code, name, prefecture_name, kind = candidate
    return MunicipalityCandidate(code, name, prefecture_name or "", kind)


def _resolve_prefecture(hint: str, prefectures: dict[str, str]) -> str | None:
    """The prefecture a hint means: 島根県, 島根, 32 or 320005 (its code)."""
    hint = normalize_name(hint)
    if hint.isdigit() and len(hint) in (2, 6):
        return prefectures.get(hint[:2])
    names = set(prefectures.values())
    if hint in names:
        return hint
    return next((p for p in names if p[:-1] == hint and p[-1] in "都府県"), None)


def match_municipality(
    name: str,
    *,
    candidates: Iterable,
    prefecture_hint: str | None = None,
) -> Match:
    """Find a local government in the national list by name.

    ``candidates`` are (code, name, prefecture_name, kind) tuples or objects with those attributes;
    the choices returned are the candidates themselves, by code. A prefecture written in front of
    the name (「島根県美郷町」) decides; else ``prefecture_hint`` narrows the choices when some are in
    that prefecture (partners are often far away: a hint that rules out every choice is ignored).
    「○○郡」 and 「…役所/役場/庁」 are ignored. A bare ward name (「北区」) stands for the special ward
    and for every ward of that name in a designated city, so it is ambiguous unless narrowed.
    A council (「四條畷市議会」) is not the municipality and matches nothing.

    To match many names against the same list, build a :class:`MunicipalityIndex` once.
    """
    return MunicipalityIndex(candidates).match(name, prefecture_hint=prefecture_hint)


class MunicipalityIndex:
    """The national list prepared once for :func:`match_municipality` (an importer matches thousands of
    partner names against ~1,900 local governments: building the keys each time cost ~10 ms a name)."""

    def __init__(self, candidates: Iterable) -> None:
        self.rows = [(candidate, _candidate_fields(candidate)) for candidate in candidates]
        self.by_key: dict[str, list[int]] = {}
        self.wards: dict[str, list[int]] = {}
        self.prefecture_of: list[str] = []
        self.prefectures: dict[str, str] = {}  # code[:2] → key of the prefecture's name
        for index, (_, row) in enumerate(self.rows):
            key = normalize_name(row.name)
            prefecture = normalize_name(row.prefecture_name or (row.name if row.kind == "prefecture" else ""))
            self.prefecture_of.append(prefecture)
            if prefecture:
                self.prefectures.setdefault(row.code[:2], prefecture)
            self.by_key.setdefault(key, []).append(index)
            if row.kind == "ward" and (ward := _WARD_RE.match(key)):
                self.wards.setdefault(ward.group(2), []).append(index)
        self.prefecture_names = sorted(set(self.prefectures.values()), key=len, reverse=True)

    def _lookup(self, k: str) -> list[int]:
        found = list(self.by_key.get(k, []))
        if k.endswith("区"):
            found += self.wards.get(k, [])
        if not found and (district := _DISTRICT_RE.match(k)):
            found = self._lookup(k[district.end() :])
        return found

    def match(self, name: str, *, prefecture_hint: str | None = None) -> Match:
        key = normalize_name(_split_role_note(name.strip())[0])
        key = re.sub(r"(?<=[都道府県市区町村])(?:役所|役場|庁)$", "", key)
        if not key:
            return Match.of([])
        found = self._lookup(key)
        written = next((p for p in self.prefecture_names if key.startswith(p) and key != p), None)
        if not found and written:
            found = [i for i in self._lookup(key[len(written) :]) if self.prefecture_of[i] == written]
        if not written and prefecture_hint and (hint := _resolve_prefecture(prefecture_hint, self.prefectures)):
            narrowed = [i for i in found if self.prefecture_of[i] == hint]
            found = narrowed or found
        chosen = sorted(set(found), key=lambda i: (self.rows[i][1].code, i))
        return Match.of([self.rows[i][0] for i in chosen])


def find_exact(name: str, *, existing: Mapping[int, str]) -> Match[int]:
    """The ids whose name has the same key as ``name``: the only automatic match.

    Pass ``parse_partner(text).name`` to ignore a branch and a note. Several ids mean duplicates
    already stored: the caller must not pick one.
    """
    key = normalize_name(name)
    if not key:
        return Match.of([])
    return Match.of(sorted(i for i, other in existing.items() if normalize_name(other) == key))


@lru_cache(maxsize=65536)
def _loose(name: str) -> tuple[str, str | None]:
    """What suggest_similar compares: the key without its legal form and punctuation, and the form."""
    form, _, core = _key_legal_form(normalize_name(name))
    return _PUNCTUATION_RE.sub("", core), form


def loose_cores(existing: Mapping[int, str]) -> dict[int, str]:
    """What :func:`suggest_similar` compares, for every name of ``existing``: build it once for many look-ups."""
    return {i: _loose(other)[0] for i, other in existing.items()}


def suggest_similar(
    name: str,
    *,
    existing: Mapping[int, str],
    limit: int = 3,
    score_cutoff: float = 85,
    cores: Mapping[int, str] | None = None,
) -> list[tuple[int, str, float]]:
    """Existing partners whose names look like ``name``, best first, as (id, name, score): proposals only.

    Scores are rapidfuzz's ratio (0–100) of the names without legal form and punctuation; 100 is kept
    for equal keys, a different key scores at most 99, 3 less when one side has no legal form and
    10 less when the legal forms differ. ``cores`` is ``loose_cores(existing)``, when already built.
    """
    query_key = normalize_name(name)
    query_core, query_form = _loose(name)
    if not query_core:
        return []
    if cores is None:  # many look-ups against the same names: pass loose_cores(existing) once
        cores = loose_cores(existing)
    proposals = []
    for _, score, i in process.extract(query_core, cores, scorer=fuzz.ratio, score_cutoff=score_cutoff, limit=None):
        other = existing[i]
        if normalize_name(other) == query_key:
            final = 100.0
        else:
            final = min(score, 99.0)
            other_form = _loose(other)[1]
            if other_form != query_form:
                final -= 10 if (other_form and query_form) else 3
        if final >= score_cutoff:
            proposals.append((i, other, round(final, 1)))
    proposals.sort(key=lambda proposal: (-proposal[2], proposal[1], proposal[0]))
    return proposals[:limit]
