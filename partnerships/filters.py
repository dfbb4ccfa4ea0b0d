"""FilterSets of the partnerships app, shared by the API and the pages, and the free-text rules they
and the agreements' FilterSet share (:func:`search_words`)."""

import datetime
import re
import unicodedata

import django_filters as filters
from django import forms
from django.db.models import Case, Q, When
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
    (四条畷 ⇄ 四條畷, VARIANT_GROUPS). At most SEARCH_MAX_WORDS words count, and at most
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
        result.append(list(dict.fromkeys(spellings)))
    return result


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
