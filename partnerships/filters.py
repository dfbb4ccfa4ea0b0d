"""FilterSets of the partnerships app, shared by the API and the pages, and the free-text rules they
and the agreements' FilterSet share (:func:`search_words`)."""

import datetime
import re
import unicodedata

import django_filters as filters
from django import forms
from django.db.models import BooleanField, Case, Expression, Func, Q, Subquery, TextField, When
from django.db.models.functions import Lower
from django.db.models.lookups import Contains
from django.utils.translation import gettext_lazy as _

from .codes import validate_corporate_number
from .models import Municipality, MunicipalityKind
from .names import LEGAL_FORM_ABBREVIATIONS, LEGAL_FORMS

SEARCH_MAX_WORDS = 5

# Legal forms that only wrap a name (株式会社ローソン, (株)ローソン, ローソン株式会社 are one partner).
# Forms that carry meaning (信用金庫, 協同組合, …) stay in the word: 「京都信用金庫」 must not become 「京都」.
_WRAPPING_FORMS = [form for form in LEGAL_FORMS if form.endswith("会社") or "法人" in form]
_ABBREVIATED_FORMS = "|".join(re.escape(a) for a in sorted(LEGAL_FORM_ABBREVIATIONS, key=len, reverse=True))
_FORM_RE = re.compile(
    rf"^(?:認定)?(?:{'|'.join(_WRAPPING_FORMS)}|\((?:{_ABBREVIATED_FORMS})\)|npo法人)"
    rf"|(?:{'|'.join(_WRAPPING_FORMS)}|\((?:{_ABBREVIATED_FORMS})\))$",
    re.IGNORECASE,
)
# Hyphens and dashes people type in place of one another (NFKC leaves most of them distinct); the
# long-vowel mark ー is a letter of the word and stays.
_DASH_RE = re.compile("[-\u2010-\u2015\u2212\u2043\ufe63]+")


def _swap_kana(text: str, *, to_hiragana: bool) -> str:
    low, high, shift = ("ァ", "ヶ", -0x60) if to_hiragana else ("ぁ", "ゖ", 0x60)
    return "".join(chr(ord(c) + shift) if low <= c <= high else c for c in text)


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


# The 旧字体／異体字 people and records write for one another (四條畷 / 四条畷, 渡邊 / 渡辺 …): a word with
# one of them is also looked for with each other member of its group.
VARIANT_GROUPS = [
    "條条", "澤沢", "邊辺邉", "髙高", "﨑崎嵜", "濱浜", "齋斎齊斉", "廣広", "德徳", "眞真", "國国", "櫻桜",
    "龍竜", "藏蔵", "圓円", "壽寿", "淺浅", "實実", "榮栄", "繩縄", "邨村", "嶋島", "峯峰", "冨富",
]  # fmt: skip
_VARIANT_OF = {char: group for group in VARIANT_GROUPS for char in group}
MAX_VARIANT_SPELLINGS = 8
# Where a katakana or Latin run meets a kanji run, a query glued two words together (オンライン申請, AI活用):
# each part must match, not the whole. Hiragana stays attached (子育て, 見える化 are one word).
_SCRIPT_BREAK_RE = re.compile(
    r"(?<=[\u30a0-\u30ffA-Za-z0-9])(?=[\u4e00-\u9fff々])|(?<=[\u4e00-\u9fff々])(?=[\u30a0-\u30ffA-Za-z0-9])"
)


# Readings people type in hiragana (or katakana) for the kanji words of the cooperation fields and of
# common public services: ほいく finds 保育. A whole word only (ほいくえん is listed on its own), read as
# hiragana after NFKC; each reading adds the kanji spellings listed, nothing else. Homophones are listed
# only where both spellings are common in agreements (けんしん: 健診, 検診). Bounded on purpose: a
# curated table, not a dictionary — a reading missing here finds only text written in kana.
READINGS = {
    "ほいく": ["保育"], "ほいくえん": ["保育園"], "ほいくしょ": ["保育所"], "こそだて": ["子育て", "子育"],
    "こども": ["子ども", "子供"], "きょういく": ["教育"], "がっこう": ["学校"], "きゅうしょく": ["給食"],
    "しょくいく": ["食育"], "としょかん": ["図書館"], "ぼうさい": ["防災"], "さいがい": ["災害"],
    "ひなん": ["避難"], "じしん": ["地震"], "ぼうはん": ["防犯"], "あんぜん": ["安全"], "みまもり": ["見守り"],
    "かんこう": ["観光"], "かいご": ["介護"], "けんこう": ["健康"], "けんしん": ["健診", "検診"],
    "いりょう": ["医療"], "ふくし": ["福祉"], "こうれいしゃ": ["高齢者"], "こうれい": ["高齢"],
    "にんちしょう": ["認知症"], "しょうがいしゃ": ["障害者", "障がい者"], "かんきょう": ["環境"],
    "だつたんそ": ["脱炭素"], "ちいき": ["地域"], "かっせいか": ["活性化"], "ちほうそうせい": ["地方創生"],
    "まちづくり": ["まちづくり", "街づくり", "町づくり"], "あきや": ["空き家", "空家"], "いじゅう": ["移住"],
    "ていじゅう": ["定住"], "さんぎょう": ["産業"], "しょうてんがい": ["商店街"], "のうぎょう": ["農業"],
    "りんぎょう": ["林業"], "ぎょぎょう": ["漁業"], "こよう": ["雇用"], "しゅうろう": ["就労"],
    "ぶんか": ["文化"], "こうつう": ["交通"], "こうえん": ["公園"], "どうろ": ["道路"], "すいどう": ["水道"],
    "ぎょうせい": ["行政"], "しんせい": ["申請"], "てつづき": ["手続", "手続き"], "まどぐち": ["窓口"],
    "れんけい": ["連携"], "きょうてい": ["協定"], "ほうかつ": ["包括"], "たようせい": ["多様性"],
    "きょうせい": ["共生"], "じんざい": ["人材"], "そうぎょう": ["創業"], "きぎょう": ["起業", "企業"],
}  # fmt: skip


def reading_spellings(word: str) -> list[str]:
    """The kanji spellings of a word typed as its reading (READINGS), or none."""
    return READINGS.get(_swap_kana(word, to_hiragana=True), [])


def variant_spellings(word: str) -> list[str]:
    """The word and its spellings with each 旧字体／異体字 group swapped (at most MAX_VARIANT_SPELLINGS)."""
    spellings = [word]
    for char in dict.fromkeys(c for c in word if c in _VARIANT_OF):
        spellings = [s.replace(char, other) for s in spellings for other in _VARIANT_OF[char]]
        spellings = list(dict.fromkeys(spellings))[:MAX_VARIANT_SPELLINGS]
    return [word, *(s for s in spellings if s != word)]


def search_words(value: str) -> list[list[str]]:
    """The words of a free-text query, each with the spellings to look for (any one may match).

    The query is NFKC-normalised (ＡＢＣ → ABC, ﾛｰｿﾝ → ローソン, full-width spaces separate words);
    a legal form at either end of a word is dropped ((株)ローソン and 株式会社ローソン look for ローソン,
    so either spelling of the stored name is found); a word with hyphens looks for each part. Each
    spelling also comes in hiragana, katakana and full-width letters, for names stored that way. A
    katakana or Latin run glued to a kanji run is two words (オンライン申請 → オンライン, 申請: each must
    match somewhere), and a word with a 旧字体／異体字 is also looked for with its other forms
    (四条畷 ⇄ 四條畷, VARIANT_GROUPS); a word typed as the kana reading of a common kanji word is also
    looked for in kanji (ほいく → 保育, READINGS). At most SEARCH_MAX_WORDS words count, and at most
    MAX_VARIANT_SPELLINGS forms of a word, so one request builds a bounded query."""
    words = []
    for word in unicodedata.normalize("NFKC", value).split():
        stripped = _FORM_RE.sub("", word)
        for part in _DASH_RE.split(stripped or word):
            words.extend(piece for piece in _SCRIPT_BREAK_RE.split(part) if piece)
    result = []
    for word in words[:SEARCH_MAX_WORDS]:
        spellings = []
        for variant in variant_spellings(word):
            spellings += [variant, _swap_kana(variant, to_hiragana=True), _swap_kana(variant, to_hiragana=False)]
            spellings.append(_full_width(variant))
        spellings += reading_spellings(word)
        result.append(list(dict.fromkeys(spellings)))
    return result


class SearchDocument(Func):
    """``LOWER(a || ' ' || b || …)``: the text of a row that a bigram index covers (the migrations named
    ``*_search_indexes``). PostgreSQL uses the index only for this exact expression over the same
    columns in the same order, so the filters and the migrations name the same columns."""

    template = "LOWER(%(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = TextField()


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class DocumentContains(Expression):
    """``document`` contains ``text``, whatever the case. On PostgreSQL the row must first hold every
    2-character piece of the text (``kyoso_bigrams``, looked up in the document's GIN index), then the
    text itself (LIKE, which also orders the pieces). Elsewhere, and for a 1-character text, LIKE alone.

    Bigrams rather than pg_trgm's trigrams: most Japanese words are two characters (保育, 防災, 観光),
    from which pg_trgm extracts no trigram and falls back to reading every row (docs/performance.md)."""

    output_field = BooleanField()

    def __init__(self, document, text: str):
        super().__init__()
        self.document, self.text = document, text

    def get_source_expressions(self):
        return [self.document]

    def set_source_expressions(self, exprs):
        (self.document,) = exprs

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.document)
        like = f"{sql} LIKE LOWER(%s) ESCAPE '\\'"
        pattern = f"%{_like_escape(self.text)}%"
        if connection.vendor != "postgresql" or len(self.text) < 2:
            return like, (*params, pattern)
        bigrams = f"kyoso_bigrams({sql}) @> kyoso_bigrams(LOWER(%s))"
        if len(self.text) == 2 and " " not in self.text:
            # A 2-character text is its one bigram: the index answers exactly, and PostgreSQL's estimate
            # of how many rows hold it (statistics of the index) stays right for the plan.
            return bigrams, (*params, self.text)
        return f"({bigrams} AND {like})", (*params, self.text, *params, pattern)


class InArray(Expression):
    """``column = ANY(ARRAY(subquery))`` on PostgreSQL: unlike ``IN (subquery)``, an index condition
    that a bitmap scan can OR with others (the subquery runs once, before the scan). ``IN`` elsewhere."""

    output_field = BooleanField()

    def __init__(self, column, queryset):
        super().__init__()
        self.column, self.subquery = column, Subquery(queryset)

    def get_source_expressions(self):
        return [self.column, self.subquery]

    def set_source_expressions(self, exprs):
        self.column, self.subquery = exprs

    def as_sql(self, compiler, connection):
        column, column_params = compiler.compile(self.column)
        subquery, subquery_params = compiler.compile(self.subquery)
        if not subquery.startswith("("):
            subquery = f"({subquery})"
        template = "{} = ANY(ARRAY{})" if connection.vendor == "postgresql" else "{} IN {}"
        return template.format(column, subquery), (*column_params, *subquery_params)


def is_caseless(text: str) -> bool:
    """No letter of ``text`` has another case (kanji, kana, digits): LIKE needs no LOWER()."""
    return text.lower() == text == text.upper()


def columns_contain(fields: list[str], text: str) -> Q:
    """``text`` in one of ``fields``, whatever the case — what ``LOWER(a || ' ' || b …) LIKE`` finds
    for a text without spaces (a search word has none), one column at a time and without LOWER()
    for a caseless text, which is several times cheaper per row."""
    condition = Q()
    for field in fields:
        if is_caseless(text):
            condition |= Q(**{f"{field}__contains": text})
        else:
            condition |= Q(Contains(Lower(field), text.lower()))
    return condition


def document_matches(queryset, fields: list[str], spellings: list[str], *, column: str = "pk") -> list:
    """``column`` of the rows of ``queryset`` whose indexed document of ``fields`` (SearchDocument)
    holds one of ``spellings``: one subquery per spelling, each a bitmap scan of the bigram index whose
    rows are checked with LIKE alone. (One query with an OR of the spellings would make PostgreSQL
    recompute the bigrams of every row it found, about 0.5 ms a row.)"""
    document = SearchDocument(*fields)
    return [queryset.filter(DocumentContains(document, spelling)).order_by().values(column) for spelling in spellings]


def any_of(path: str, subqueries: list) -> Q:
    """``path`` in one of ``subqueries``."""
    condition = Q()
    for subquery in subqueries:
        condition |= Q(**{f"{path}__in": subquery})
    return condition


def text_condition_any(spellings: list[str], fields: list[str]) -> Q:
    """One of ``spellings`` in one of ``fields`` (icontains; no index: for small tables and for
    ranking the rows already found)."""
    condition = Q()
    for spelling in spellings:
        for field in fields:
            condition |= Q(**{f"{field}__icontains": spelling})
    return condition


def text_condition(value: str, fields: list[str], *, extra=None) -> Q:
    """Every word of ``value`` in at least one of ``fields`` (icontains); ``extra(spellings)`` may add
    a condition per word, e.g. an Exists over a related table."""
    condition = Q()
    for spellings in search_words(value):
        word = Q()
        for spelling in spellings:
            for field in fields:
                word |= Q(**{f"{field}__icontains": spelling})
        if extra is not None:
            word |= extra(spellings)
        condition &= word
    return condition


class CodeFilter(filters.CharFilter):
    """A filter whose value must match a pattern; a malformed value is a 400 with a message."""

    def __init__(self, *args, regex, message, validators=(), **kwargs):
        self.regex, self.message, self.validators = regex, message, list(validators)
        super().__init__(*args, **kwargs)

    @property
    def field(self):
        if not hasattr(self, "_field"):
            self._field = forms.RegexField(
                regex=self.regex,
                required=False,
                label=self.label,
                error_messages={"invalid": self.message},
                validators=self.validators,  # run after the pattern matched, e.g. a check digit
            )
        return self._field


def municipality_filter(path="municipality__code"):
    return CodeFilter(
        field_name=path,
        regex=r"^\d{6}$",
        label=_("municipality (6-digit code)"),
        message=_("Give a 6-digit local government code, e.g. 272299."),
    )


def _corporate_number_if_thirteen_digits(value):
    if value and len(value) == 13:
        validate_corporate_number(value)  # a wrong check digit is a 400 that names the parameter


class OrganizationFilter(CodeFilter):
    """An organization by its id or by its 法人番号 (13 digits, check digit verified).

    ``field_name`` is the path to the organization (e.g. ``organization``, ``responsible``); with a
    ``method`` the method decides how to filter and receives the raw value."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("organization (id or 法人番号)"))
        super().__init__(
            *args,
            regex=r"^\d{1,13}$",
            message=_("Give an organization id or a 13-digit corporate number (法人番号)."),
            validators=[_corporate_number_if_thirteen_digits],
            **kwargs,
        )

    @staticmethod
    def lookup(path: str, value: str) -> dict:
        """The filter() keyword for ``value`` at ``path``: a 法人番号 when it has 13 digits, else an id."""
        if len(value) == 13:
            return {f"{path}__corporate_number": value}
        return {f"{path}__pk": int(value)}

    def filter(self, qs, value):
        if not value or self.method is not None:
            return super().filter(qs, value)
        return qs.filter(**self.lookup(self.field_name, value))


def prefecture_filter(path="municipality__prefecture_code"):
    return CodeFilter(
        field_name=path,
        regex=r"^\d{2}$",
        label=_("prefecture (2-digit code)"),
        message=_("Give a 2-digit prefecture code, e.g. 27 for 大阪府."),
    )


_BOOLEAN = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


class StrictBooleanField(forms.CharField):
    """true/false (also 1/0, yes/no); anything else is an error rather than silently ignored."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in ("", None):
            return None
        try:
            return _BOOLEAN[value.strip().lower()]
        except KeyError:
            raise forms.ValidationError(_("Use true or false."), code="invalid") from None


class BooleanFilter(filters.Filter):
    field_class = StrictBooleanField

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(**{f"{self.field_name}__{self.lookup_expr}": value})


def utc_moment(value: datetime.datetime) -> datetime.datetime:
    """A moment in UTC. ISO 8601 allows offsets PostgreSQL refuses (-16:35); a moment its offset moves
    past year 1 or 9999 is before or after everything (found by schemathesis)."""
    try:
        return value.astimezone(datetime.UTC)
    except OverflowError:
        moment = datetime.datetime.min if value.year < 5000 else datetime.datetime.max
        return moment.replace(tzinfo=datetime.UTC)


class UpdatedSinceFilter(filters.IsoDateTimeFilter):
    """``updated_since``: the records whose public state changed at or after a moment (ISO 8601
    date-time; without an offset it is Japan time). ``condition(moment)`` gives the Q of "changed since"
    for the list's model; the list is then answered in keyset pages (api.views.base.UpdatedSinceMixin)."""

    def __init__(self, condition, **kwargs):
        self.condition = condition
        kwargs.setdefault("label", _("changed at or after (ISO 8601 date-time with offset)"))
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(self.condition(utc_moment(value)))


def changed_since(moment) -> Q:
    """For models with their own ``updated_at``."""
    return Q(updated_at__gte=moment)


class MunicipalityFilterSet(filters.FilterSet):
    """The national list. Current municipalities come first (by code), then those abolished or
    merged, which stay listed so that their agreements keep their place; ``current=true`` leaves
    them out, ``current=false`` lists only them."""

    prefecture = prefecture_filter("prefecture_code")
    kind = filters.MultipleChoiceFilter(choices=MunicipalityKind.choices, label=_("kind"))
    current = BooleanFilter(method="filter_current", label=_("current (not abolished)"))
    q = filters.CharFilter(method="filter_text", label=_("free text"))
    updated_since = UpdatedSinceFilter(changed_since)

    class Meta:
        model = Municipality
        fields = []

    def filter_current(self, queryset, name, value: bool):  # the type documents the parameter (OpenAPI)
        if value is None:
            return queryset
        current = Municipality.objects.current().values("pk")
        return queryset.filter(pk__in=current) if value else queryset.exclude(pk__in=current)

    def filter_text(self, queryset, name, value):
        return queryset.filter(text_condition(value, ["name", "kana"]) | Q(code__startswith=value.strip()))

    @property
    def qs(self):
        # Current ones first, by the one rule of what is current (Municipality.objects.current()).
        current = Q(pk__in=Municipality.objects.current().values("pk"))
        return super().qs.order_by(Case(When(current, then=0), default=1), "code")
