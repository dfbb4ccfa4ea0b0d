"""Partner names as cities write them: splitting cells, keys, branches, public bodies, matching (no database)."""

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerships.models import MunicipalityKind, OrganizationKind
from partnerships.municipality_data import rows_from_japancode
from partnerships.names import (
    LEGAL_FORM_ABBREVIATIONS,
    LEGAL_FORMS,
    Match,
    MunicipalityCandidate,
    PartnerName,
    find_exact,
    match_municipality,
    normalize_name,
    parse_partner,
    split_partners,
    suggest_similar,
)

# No .hypothesis/ folder in the work tree (it is not ignored by git); the examples are cheap to find again.
PROPERTIES = settings(database=None, max_examples=300, deadline=None)


# ---------------------------------------------------------------------------------------------
# split_partners
# ---------------------------------------------------------------------------------------------

SPLITS = [
    # separators that always separate
    ("株式会社ローソン、日本郵便株式会社", ["株式会社ローソン", "日本郵便株式会社"]),
    ("株式会社ローソン，日本郵便株式会社", ["株式会社ローソン", "日本郵便株式会社"]),
    ("株式会社ローソン, 日本郵便株式会社", ["株式会社ローソン", "日本郵便株式会社"]),
    ("株式会社ローソン；日本郵便株式会社", ["株式会社ローソン", "日本郵便株式会社"]),
    ("大塚製薬(株)及び(株)大塚製薬工場", ["大塚製薬(株)", "(株)大塚製薬工場"]),
    ("大塚製薬株式会社および株式会社大塚製薬工場", ["大塚製薬株式会社", "株式会社大塚製薬工場"]),
    ("四條畷市並びに大東市", ["四條畷市", "大東市"]),
    # full-width spaces and line breaks
    ("Ａ社\u3000Ｂ社", ["Ａ社", "Ｂ社"]),
    ("株式会社ローソン\u3000日本郵便株式会社", ["株式会社ローソン", "日本郵便株式会社"]),
    ("株式会社ローソン\n日本郵便株式会社", ["株式会社ローソン", "日本郵便株式会社"]),
    ("株式会社ローソン\r\n\r\n日本郵便株式会社\n", ["株式会社ローソン", "日本郵便株式会社"]),
    ("株式会社ローソン、\n日本郵便株式会社", ["株式会社ローソン", "日本郵便株式会社"]),
    # ... but not where one side is only a legal form, a branch or a note
    ("株式会社\u3000ローソン", ["株式会社\u3000ローソン"]),
    ("ＮＰＯ法人\u3000ひとと地域のネットワーク", ["ＮＰＯ法人\u3000ひとと地域のネットワーク"]),
    ("（一社）\u3000大阪府建築士会", ["（一社）\u3000大阪府建築士会"]),
    ("日本生命保険相互会社\u3000京阪支社", ["日本生命保険相互会社\u3000京阪支社"]),
    ("日本生命保険相互会社\n京阪支社", ["日本生命保険相互会社 京阪支社"]),
    ("東北財務局山形財務事務所\u3000(アドバイザー)", ["東北財務局山形財務事務所\u3000(アドバイザー)"]),
    # never inside brackets
    ("株式会社ローソン（代表、幹事）、日本郵便株式会社", ["株式会社ローソン（代表、幹事）", "日本郵便株式会社"]),
    ("東北財務局山形財務事務所(アドバイザー)", ["東北財務局山形財務事務所(アドバイザー)"]),
    (
        "（福）大阪府社会福祉事業団・（公財）大阪府保健医療財団",
        ["（福）大阪府社会福祉事業団", "（公財）大阪府保健医療財団"],
    ),
    # 「・」 only between whole names
    ("(株)セブン‐イレブン・ジャパン", ["(株)セブン‐イレブン・ジャパン"]),
    ("株式会社セブン-イレブン・ジャパン、株式会社ローソン", ["株式会社セブン-イレブン・ジャパン", "株式会社ローソン"]),
    ("ジョンソン・エンド・ジョンソン株式会社", ["ジョンソン・エンド・ジョンソン株式会社"]),
    ("日本ハム・ソーセージ工業協同組合", ["日本ハム・ソーセージ工業協同組合"]),
    ("ＳＯＭＰＯひまわり生命・損保ジャパン", ["ＳＯＭＰＯひまわり生命・損保ジャパン"]),
    ("寝屋川市・四條畷市・交野市", ["寝屋川市", "四條畷市", "交野市"]),
    ("株式会社ローソン・日本郵便株式会社", ["株式会社ローソン", "日本郵便株式会社"]),
    ("大阪大学・関西大学", ["大阪大学", "関西大学"]),
    # a prefecture and a city apart are two partners (as with any two names)
    ("大阪府\u3000四條畷市", ["大阪府", "四條畷市"]),
    # 「と」 never separates
    ("ひとと地域のネットワーク", ["ひとと地域のネットワーク"]),
    ("株式会社みなと銀行", ["株式会社みなと銀行"]),
    ("特定非営利活動法人まちとひと", ["特定非営利活動法人まちとひと"]),
    # ASCII spaces only between whole names; English legal suffixes keep their comma
    ("株式会社 ローソン", ["株式会社 ローソン"]),
    ("株式会社ローソン\u00a0日本郵便株式会社", ["株式会社ローソン", "日本郵便株式会社"]),
    ("株式会社ローソン 日本郵便株式会社 近畿支社", ["株式会社ローソン", "日本郵便株式会社 近畿支社"]),
    ("Japan Airlines Co., Ltd., Sony Group Corporation", ["Japan Airlines Co., Ltd.", "Sony Group Corporation"]),
    ("Amazon Japan G.K.", ["Amazon Japan G.K."]),
    # bullets, numbers and empty pieces
    ("・株式会社ローソン\n・日本郵便株式会社", ["株式会社ローソン", "日本郵便株式会社"]),
    ("①株式会社ローソン\n②日本郵便株式会社", ["株式会社ローソン", "日本郵便株式会社"]),
    ("1.株式会社ローソン\n2.日本郵便株式会社。", ["株式会社ローソン", "日本郵便株式会社"]),
    ("（一社）○○協会（オブザーバー）、、（公財）○○財団", ["（一社）○○協会（オブザーバー）", "（公財）○○財団"]),
    ("○○協会", ["○○協会"]),
    ("", []),
    ("\u3000 \n", []),
    # a stray bracket does not swallow the rest of the cell
    ("株式会社Ａ（アドバイザー、株式会社Ｂ", ["株式会社Ａ（アドバイザー", "株式会社Ｂ"]),
]


@pytest.mark.parametrize(("cell", "partners"), SPLITS)
def test_split_partners(cell, partners):
    assert split_partners(cell) == partners


# ---------------------------------------------------------------------------------------------
# normalize_name
# ---------------------------------------------------------------------------------------------

SAME_KEY = [
    ("(株)セブン‐イレブン・ジャパン", "株式会社セブン-イレブン・ジャパン"),
    ("㈱セブン－イレブン･ジャパン", "株式会社 セブン―イレブン・ジャパン"),
    ("（株）ローソン", "株式会社ローソン"),
    ("㍿ローソン", "㊑ローソン"),
    ("ローソン(株)", "ローソン株式会社"),
    ("(有)山田商店", "有限会社山田商店"),
    ("(同)ＡＢＣ", "合同会社abc"),
    ("（福）○○会", "社会福祉法人○○会"),
    ("(一社)○○協会", "一般社団法人○○協会"),
    ("㈳○○協会", "一般社団法人○○協会"),
    ("(公社)○○協会", "公益社団法人○○協会"),
    ("(一財)○○財団", "一般財団法人○○財団"),
    ("(公財)○○財団", "公益財団法人○○財団"),
    ("(特非)ひとと地域のネットワーク", "特定非営利活動法人ひとと地域のネットワーク"),
    ("ＮＰＯ法人ひとと地域のネットワーク", "特定非営利活動法人 ひとと地域のネットワーク"),
    ("npo法人ひとと地域のネットワーク", "(NPO)ひとと地域のネットワーク"),
    ("(医)○○会", "医療法人○○会"),
    ("(学)○○学園", "学校法人○○学園"),
    ("(独)都市再生機構", "独立行政法人都市再生機構"),
    ("(国)大阪大学", "国立大学法人大阪大学"),
    ("日本郵便\u3000株式会社", "日本郵便株式会社"),
    ("ｺｰﾋｰ・ﾁｪｰﾝ株式会社", "コーヒー・チェーン株式会社"),
    ("ロ-ソン", "ローソン"),
    ("ＮＴＴ－ＭＥ", "ntt-me"),
    ("四條畷市", "四条畷市"),
    ("髙島屋", "高島屋"),
    ("龍ヶ崎市", "竜ケ崎市"),
    ("ＳＯＭＰＯひまわり生命保険株式会社", "sompoひまわり生命保険株式会社"),
    ("株式会社\u200bローソン", "株式会社ローソン"),
]


@pytest.mark.parametrize(("a", "b"), SAME_KEY)
def test_same_key(a, b):
    assert normalize_name(a) == normalize_name(b)


DIFFERENT_KEY = [
    # 前株 and 後株 are different registered names: proposals, never an automatic match
    ("株式会社ローソン", "ローソン株式会社"),
    ("株式会社ローソン", "ローソン"),
    ("(株)ローソン", "(有)ローソン"),
    ("一般社団法人○○協会", "公益社団法人○○協会"),
    ("セブン‐イレブン", "セブンイレブン"),
    ("寝屋川市", "四條畷市"),
]


@pytest.mark.parametrize(("a", "b"), DIFFERENT_KEY)
def test_different_key(a, b):
    assert normalize_name(a) != normalize_name(b)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("(株)セブン‐イレブン・ジャパン", "株式会社セブンーイレブン・ジャパン"),
        ("ＪＲ－ＷＥＳＴ", "jr-west"),
        ("ＡＢＣ―アイ", "abc-アイ"),  # neither side decides: a hyphen
        ("東京‐大阪", "東京-大阪"),
        ("（公財）　大阪観光局", "公益財団法人大阪観光局"),
        ("認定ＮＰＯ法人 ○○", "認定特定非営利活動法人○○"),
        ("", ""),
    ],
)
def test_normalize_name(name, key):
    assert normalize_name(name) == key


def test_every_abbreviation_expands_to_a_known_form():
    assert set(LEGAL_FORM_ABBREVIATIONS.values()) <= set(LEGAL_FORMS)
    for abbreviation, form in LEGAL_FORM_ABBREVIATIONS.items():
        assert normalize_name(f"({abbreviation})テスト") == f"{form}テスト"


@PROPERTIES
@given(st.text())
def test_normalize_name_is_idempotent(text):
    key = normalize_name(text)
    assert normalize_name(key) == key


NAME_PARTS = list(
    "(株)（有）㈱㈳㊑ ー-‐―−ｰ・･アイカヶｶﾞﾞ゛ABCabcİǰß1２\u3000\n\u200b、及NPOnpo法人社会福祉市町村県支社大阪近畿"
)


@PROPERTIES
@given(st.lists(st.sampled_from(NAME_PARTS), max_size=30).map("".join))
def test_normalize_name_is_idempotent_on_name_like_text(text):
    key = normalize_name(text)
    assert normalize_name(key) == key
    assert " " not in key and "\u3000" not in key and "\n" not in key


# ---------------------------------------------------------------------------------------------
# parse_partner
# ---------------------------------------------------------------------------------------------

# text, name, branch, legal form, kind guess, public body kind
PARTNERS = [
    ("日本生命保険相互会社京阪支社", "日本生命保険相互会社", "京阪支社", "相互会社", "financial", None),
    ("株式会社三井住友銀行寝屋川支店", "株式会社三井住友銀行", "寝屋川支店", "株式会社", "financial", None),
    ("北おおさか信用金庫四條畷支店", "北おおさか信用金庫", "四條畷支店", "信用金庫", "financial", None),
    ("日本郵便株式会社近畿支社", "日本郵便株式会社", "近畿支社", "株式会社", "company", None),
    ("株式会社ローソン近畿支社", "株式会社ローソン", "近畿支社", "株式会社", "company", None),
    ("株式会社ローソン寝屋川支店", "株式会社ローソン", "寝屋川支店", "株式会社", "company", None),
    ("株式会社ローソン\u3000近畿支社", "株式会社ローソン", "近畿支社", "株式会社", "company", None),
    ("株式会社日立製作所関西支社", "株式会社日立製作所", "関西支社", "株式会社", "company", None),
    ("株式会社ＮＴＴドコモ関西支社", "株式会社ＮＴＴドコモ", "関西支社", "株式会社", "company", None),
    ("三井住友海上火災保険株式会社京都支店", "三井住友海上火災保険株式会社", "京都支店", "株式会社", "financial", None),
    ("和歌山県漁業協同組合連合会大阪支部", "和歌山県漁業協同組合連合会", "大阪支部", None, "cooperative", None),
    ("○○株式会社東大阪支店", "○○株式会社", "東大阪支店", "株式会社", "company", None),
    ("全国健康保険協会大阪支部", "全国健康保険協会", "大阪支部", None, "association", None),
    ("日本赤十字社大阪府支部", "日本赤十字社", "大阪府支部", None, "other", None),
    ("大阪法務局北大阪支局", "大阪法務局", "北大阪支局", None, "public", "national"),
    ("株式会社竹中工務店大阪本店", "株式会社竹中工務店大阪本店", None, "株式会社", "company", None),
    ("(株)セブン‐イレブン・ジャパン", "(株)セブン‐イレブン・ジャパン", None, "株式会社", "company", None),
    ("ＳＯＭＰＯひまわり生命保険株式会社", "ＳＯＭＰＯひまわり生命保険株式会社", None, "株式会社", "financial", None),
    ("（福）○○会", "（福）○○会", None, "社会福祉法人", "other", None),
    ("(一社)○○協会", "(一社)○○協会", None, "一般社団法人", "association", None),
    ("(公財)○○財団", "(公財)○○財団", None, "公益財団法人", "association", None),
    ("特定非営利活動法人ひとと地域のネットワーク", "特定非営利活動法人ひとと地域のネットワーク", None,
     "特定非営利活動法人", "npo", None),
    ("国立大学法人大阪大学", "国立大学法人大阪大学", None, "国立大学法人", "university", None),
    ("関西大学", "関西大学", None, None, "university", None),
    ("北河内農業協同組合", "北河内農業協同組合", None, "農業協同組合", "cooperative", None),
    ("独立行政法人都市再生機構", "独立行政法人都市再生機構", None, "独立行政法人", "public", None),
    ("大阪商工会議所", "大阪商工会議所", None, None, "association", None),
    ("大阪府社会福祉協議会", "大阪府社会福祉協議会", None, None, "association", None),
    ("寝屋川市", "寝屋川市", None, None, "public", "municipality"),
    ("大阪府四條畷市", "大阪府四條畷市", None, None, "public", "municipality"),
    ("北海道上川郡東川町", "北海道上川郡東川町", None, None, "public", "municipality"),
    ("札幌市中央区", "札幌市中央区", None, None, "public", "municipality"),
    ("寝屋川市役所", "寝屋川市役所", None, None, "public", "municipality"),
    ("栃木県", "栃木県", None, None, "public", "prefecture"),
    ("東京都", "東京都", None, None, "public", "prefecture"),
    ("栃木県庁", "栃木県庁", None, None, "public", "prefecture"),
    ("国土交通省関東地方整備局", "国土交通省関東地方整備局", None, None, "public", "national"),
    ("近畿地方整備局", "近畿地方整備局", None, None, "public", "national"),
    ("札幌管区気象台", "札幌管区気象台", None, None, "public", "national"),
    ("ハローワーク枚方", "ハローワーク枚方", None, None, "public", "national"),
    ("大阪地方検察庁", "大阪地方検察庁", None, None, "public", "national"),
    ("大阪市水道局", "大阪市水道局", None, None, "public", "municipality"),
    ("日本放送協会大阪放送局", "日本放送協会大阪放送局", None, None, "association", None),
    ("総務省", "総務省", None, None, "public", "national"),
    ("消費者庁", "消費者庁", None, None, "public", "national"),
    ("枚方税務署", "枚方税務署", None, None, "public", "national"),
    ("陸上自衛隊中部方面隊", "陸上自衛隊中部方面隊", None, None, "public", "national"),
    ("四條畷市議会", "四條畷市議会", None, None, "public", "council"),
    ("大阪府議会", "大阪府議会", None, None, "public", "council"),
    ("○○地区", "○○地区", None, None, "other", None),
]  # fmt: skip


@pytest.mark.parametrize(("text", "name", "branch", "legal_form", "kind", "public_body_kind"), PARTNERS)
def test_parse_partner(text, name, branch, legal_form, kind, public_body_kind):
    partner = parse_partner(text)
    assert (partner.text, partner.name, partner.branch) == (text, name, branch)
    assert (partner.legal_form, partner.kind_guess, partner.public_body_kind) == (legal_form, kind, public_body_kind)
    assert partner.key == normalize_name(name)
    assert partner.role_note is None


def test_role_note_is_kept_apart_from_the_name():
    partner = parse_partner("東北財務局山形財務事務所(アドバイザー)")
    assert partner == PartnerName(
        text="東北財務局山形財務事務所(アドバイザー)",
        name="東北財務局山形財務事務所",
        branch=None,
        legal_form=None,
        legal_form_position=None,
        role_note="アドバイザー",
        key="東北財務局山形財務事務所",
        kind_guess="public",
        public_body_kind="national",
    )


@pytest.mark.parametrize(
    ("text", "name", "note"),
    [
        ("株式会社ローソン（オブザーバー）", "株式会社ローソン", "オブザーバー"),
        ("日本放送協会 (NHK)", "日本放送協会", "NHK"),
        ("ローソン（株）", "ローソン（株）", None),  # a bracketed legal form is no note
        ("大塚製薬(NPO)", "大塚製薬(NPO)", None),
    ],
)
def test_trailing_bracket(text, name, note):
    partner = parse_partner(text)
    assert (partner.name, partner.role_note) == (name, note)


@pytest.mark.parametrize(
    ("text", "form", "position"),
    [("株式会社ローソン", "株式会社", "prefix"), ("ローソン(株)", "株式会社", "suffix"), ("ローソン", None, None)],
)
def test_legal_form_position(text, form, position):
    partner = parse_partner(text)
    assert (partner.legal_form, partner.legal_form_position) == (form, position)


def test_kind_guesses_are_organization_kinds():
    kinds = {row[4] for row in PARTNERS} | {parse_partner(text).kind_guess for text, _ in SPLITS if text}
    assert kinds <= set(OrganizationKind.values)


@PROPERTIES
@given(st.text())
def test_parse_partner_takes_any_text(text):
    partner = parse_partner(text)
    assert partner.text == text
    assert partner.key == normalize_name(partner.name)
    assert partner.kind_guess in OrganizationKind.values


# ---------------------------------------------------------------------------------------------
# split_partners: properties
# ---------------------------------------------------------------------------------------------

WHOLE_NAMES = [
    "株式会社ローソン",
    "日本郵便株式会社",
    "(株)セブン‐イレブン・ジャパン",
    "（公財）大阪観光局",
    "ひとと地域のネットワーク",
    "日本生命保険相互会社京阪支社",
    "東北財務局山形財務事務所（アドバイザー）",
    "四條畷市",
    "大阪大学",
    "ジョンソン・エンド・ジョンソン株式会社",
]


@PROPERTIES
@given(
    st.lists(st.sampled_from(WHOLE_NAMES), min_size=1, max_size=5),
    st.sampled_from(["、", "，", ",", "\n", "\u3000", "及び", "\r\n", "、\n"]),
)
def test_split_partners_undoes_joining(names, separator):
    assert split_partners(separator.join(names)) == names


@PROPERTIES
@given(st.text())
def test_split_partners_gives_trimmed_pieces(cell):
    for piece in split_partners(cell):
        assert piece and piece == piece.strip(" \t\r\n\u3000")


# ---------------------------------------------------------------------------------------------
# match_municipality
# ---------------------------------------------------------------------------------------------


def _kind(code: str, name: str) -> str:
    if code[2:5] == "000":
        return MunicipalityKind.PREFECTURE
    if code.startswith("131"):
        return MunicipalityKind.SPECIAL_WARD
    kinds = {"区": MunicipalityKind.WARD, "町": MunicipalityKind.TOWN, "村": MunicipalityKind.VILLAGE}
    return kinds.get(name[-1], MunicipalityKind.CITY)


@pytest.fixture(scope="module")
def national():
    """The national list (47 + 1,741 + 175) as the caller passes it."""
    candidates = []
    for row in rows_from_japancode():
        kind = _kind(row.code, row.name)
        prefecture = "" if kind == MunicipalityKind.PREFECTURE else row.prefecture_name
        candidates.append(MunicipalityCandidate(row.code, row.name, prefecture, str(kind)))
    assert len(candidates) == 1963
    return candidates


@pytest.mark.parametrize(
    ("name", "hint", "status", "codes"),
    [
        ("美郷町", None, "ambiguous", ["054348", "324485", "454311"]),
        ("島根県美郷町", None, "exact", ["324485"]),
        ("島根県 美郷町", None, "exact", ["324485"]),
        ("美郷町", "宮崎県", "exact", ["454311"]),
        ("美郷町", "宮崎", "exact", ["454311"]),
        ("美郷町", "45", "exact", ["454311"]),
        ("美郷町", "大阪府", "ambiguous", ["054348", "324485", "454311"]),  # a hint that rules out all is ignored
        ("島根県美郷町", "宮崎県", "exact", ["324485"]),  # the written prefecture wins
        ("鳥取県美郷町", None, "none", []),
        ("四條畷市", None, "exact", ["272299"]),
        ("四条畷市", None, "exact", ["272299"]),
        ("大阪府四條畷市", None, "exact", ["272299"]),
        ("寝屋川市役所", None, "exact", ["272159"]),
        ("府中市", None, "ambiguous", ["132063", "342084"]),
        ("東京都府中市", None, "exact", ["132063"]),
        ("龍ヶ崎市", None, "exact", ["082082"]),
        ("大和郡山市", None, "exact", ["292036"]),
        ("北海道上川郡東川町", None, "exact", ["014583"]),
        ("札幌市中央区", None, "exact", ["011011"]),
        ("北区", "東京都", "exact", ["131172"]),
        ("北区", "大阪府", "ambiguous", ["271276", "271462"]),
        ("栃木県", None, "exact", ["090000"]),
        ("東京都", None, "exact", ["130001"]),
        ("京都市", None, "exact", ["261009"]),
        ("四條畷市議会", None, "none", []),
        ("株式会社ローソン", None, "none", []),
        ("", None, "none", []),
    ],
)
def test_match_municipality(national, name, hint, status, codes):
    match = match_municipality(name, candidates=national, prefecture_hint=hint)
    assert (match.status, [c.code for c in match.choices]) == (status, codes)
    assert (match.choice is not None) == (status == "exact")


def test_bare_ward_name_is_ambiguous_without_a_hint(national):
    match = match_municipality("北区", candidates=national)
    assert match.status == "ambiguous"
    assert {"131172", "271276", "011029"} <= {c.code for c in match.choices}


def test_variant_kanji_keep_every_municipality_apart(national):
    keys = [(c.prefecture_name, normalize_name(c.name)) for c in national]
    assert len(set(keys)) == len(keys)


@dataclass
class Row:
    code: str
    name: str
    prefecture_name: str
    kind: str


def test_candidates_may_be_plain_tuples_or_objects():
    tuples = [("324485", "美郷町", "島根県", "town"), ("454311", "美郷町", "宮崎県", "town")]
    assert match_municipality("美郷町", candidates=tuples, prefecture_hint="島根県").choices == [tuples[0]]
    objects = [Row(*row) for row in tuples]
    assert match_municipality("宮崎県美郷町", candidates=objects) == Match("exact", [objects[1]])


# ---------------------------------------------------------------------------------------------
# find_exact and suggest_similar
# ---------------------------------------------------------------------------------------------

EXISTING = {
    1: "株式会社セブン-イレブン・ジャパン",
    2: "ローソン株式会社",
    3: "日本郵便株式会社",
    4: "株式会社ローソン",
    5: "公益財団法人大阪観光局",
    6: "有限会社ローソン",
    7: "大東市",
}


@pytest.mark.parametrize(
    ("name", "status", "ids"),
    [
        ("(株)セブン‐イレブン・ジャパン", "exact", [1]),
        ("㈱ローソン", "exact", [4]),
        ("ローソン（株）", "exact", [2]),
        ("（公財）　大阪観光局", "exact", [5]),
        ("ローソン", "none", []),
        ("", "none", []),
    ],
)
def test_find_exact(name, status, ids):
    assert find_exact(name, existing=EXISTING) == Match(status, ids)


def test_find_exact_reports_stored_duplicates():
    stored = {3: "日本郵便株式会社", 9: "日本郵便 株式会社"}
    assert find_exact("日本郵便(株)", existing=stored) == Match("ambiguous", [3, 9])


def test_other_position_of_the_legal_form_is_proposed_not_matched():
    assert find_exact("(株)ローソン", existing={2: "ローソン株式会社"}).status == "none"
    assert suggest_similar("(株)ローソン", existing={2: "ローソン株式会社"}) == [(2, "ローソン株式会社", 99.0)]


def test_suggest_similar_ranks_and_limits():
    assert suggest_similar("(株)ローソン", existing=EXISTING) == [
        (4, "株式会社ローソン", 100.0),
        (2, "ローソン株式会社", 99.0),
        (6, "有限会社ローソン", 89.0),
    ]
    assert suggest_similar("(株)ローソン", existing=EXISTING, limit=1) == [(4, "株式会社ローソン", 100.0)]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # no legal form on one side: 99 − 3, ties by name
        ("ローソン", [(2, "ローソン株式会社", 96.0), (6, "有限会社ローソン", 96.0), (4, "株式会社ローソン", 96.0)]),
        ("セブンイレブン・ジャパン", [(1, "株式会社セブン-イレブン・ジャパン", 92.7)]),
        ("日本郵政株式会社", []),  # a different company: 日本郵政 is not 日本郵便 (score 75)
        ("大東市役所", []),
        ("", []),
    ],
)
def test_suggest_similar(name, expected):
    assert suggest_similar(name, existing=EXISTING) == expected


def test_score_cutoff():
    assert suggest_similar("日本郵政株式会社", existing=EXISTING, score_cutoff=70) == [(3, "日本郵便株式会社", 75.0)]
