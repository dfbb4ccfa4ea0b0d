"""The search form: AgreementFilterSet (the API's filters, same parameter names) with widgets and
labels made for people rather than programs. The filters and their messages are the API's, except
that the municipality and the partner may also be given by name (``NameOrCodeField``): a name is
resolved to the code or id the API's filter takes, so a shared URL with ``municipality=272299`` works
on both."""

import re
import unicodedata

from django import forms
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from agreements.choices import AgreementKind
from agreements.filters import AgreementFilterSet
from agreements.models import Party
from partnerships.filters import search_words, text_condition_any
from partnerships.models import Municipality, Organization

MAX_CANDIDATES = 20
# 「府中市（東京都）」: a name with its prefecture, as the suggestions write a name two places share.
_WITH_PREFECTURE_RE = re.compile(r"^(?P<name>.+?)\s*[（(](?P<prefecture>[^（）()]+)[）)]$")
# What a municipality's name or reading may end with that people leave out (四條畷 for 四條畷市).
_NAME_ENDINGS = ("市", "町", "村", "区")
_KANA_ENDINGS = ("し", "ちょう", "まち", "むら", "そん", "く")

YES_NO_ANY = [("", _("Any")), ("true", _("Yes")), ("false", _("No"))]

ORDERING = [
    # With words, the best match first (agreements.filters.relevance); without, the newest signature.
    ("", _("Best match first (without words: newest signature)")),
    ("-signed_on", _("Newest signature first")),
    ("signed_on", _("Oldest signature first")),
    ("ends_on", _("Ending soonest first")),
    ("-ends_on", _("Ending latest first")),
    ("-updated_at", _("Recently updated first")),
    ("updated_at", _("Least recently updated first")),
    ("public_id", _("Public id, ascending")),
    ("-public_id", _("Public id, descending")),
    ("title", _("Title, ascending")),
    ("-title", _("Title, descending")),
]

LABELS = {
    "q": (
        _("Words"),
        _("What it is about, a town or a partner, e.g. 保育, ほいく, 四条畷, ローソン. Every word must appear."),
    ),
    "municipality": (
        _("Municipality"),
        _("Its name or reading, e.g. 四條畷市 or しじょうなわて. Suggestions appear as you type."),
    ),
    "prefecture": (_("Prefecture"), ""),
    "organization": (
        _("Partner"),
        _("The company's or organization's name, e.g. ローソン. Suggestions appear as you type."),
    ),
    "field": (_("Cooperation field"), ""),
    "kind": (_("Kind of agreement"), ""),
    "status": (_("Status"), ""),
    "signed_after": (_("Signed on or after"), ""),
    "signed_before": (_("Signed on or before"), ""),
    "ends_before": (_("Ends on or before"), ""),
    "zero_budget": (_("Zero-budget (no cost to the municipality)"), ""),
    "published": (_("Published"), _("Members also see their unpublished agreements.")),
    "ordering": (_("Order"), ""),
}

# Shown in this order; "published" only to signed-in users (the public sees published records only).
PRIMARY = ["q", "prefecture", "field", "zero_budget"]
MORE = [
    "municipality",
    "organization",
    "kind",
    "status",
    "signed_after",
    "signed_before",
    "ends_before",
    "published",
    "ordering",
]


def _spellings(text: str) -> list[str]:
    """The spellings of a name as one word (search_words without splitting it)."""
    words = search_words(text.replace(" ", "").replace("\u3000", ""))
    if len(words) == 1:
        return words[0]
    return [unicodedata.normalize("NFKC", text).replace(" ", "")]


def municipality_candidates(text: str) -> list[Municipality]:
    """The municipalities (or prefectures) ``text`` may name, in one query: the name or its kana
    reading, with or without 市/町/村/区 (四條畷, 四条畷, しじょうなわて); failing that, names that begin
    with it; failing that, names that contain it. Current ones are preferred over abolished ones."""
    text = unicodedata.normalize("NFKC", text).strip()
    queryset = Municipality.objects.select_related("prefecture", "parent_city").order_by("code")
    if match := _WITH_PREFECTURE_RE.match(text):
        text, prefecture = match["name"], match["prefecture"]
        queryset = queryset.filter(Q(prefecture__name__startswith=prefecture) | Q(name__startswith=prefecture))
    spellings = _spellings(text)
    rows = list(queryset.filter(text_condition_any(spellings, ["name", "kana"]))[:500])
    today = timezone.localdate()
    rows = [m for m in rows if m.valid_until is None or m.valid_until >= today] or rows
    return _best(rows, lambda m: {m.name, m.kana}, spellings, (*_NAME_ENDINGS, *_KANA_ENDINGS))


def organization_candidates(text: str, agreements) -> list[Organization]:
    """The partners of ``agreements`` that ``text`` may name, in one query: the name (legal form
    ignored: ローソン, 株式会社ローソン, (株)ローソン), its kana or English name; an exact name first, then a
    name that begins with it, then one that contains it."""
    words = search_words(text)
    if not words:
        return []
    condition = Q()
    for spellings in words:
        condition &= text_condition_any(spellings, ["name", "kana", "name_en"])
    parties = Party.objects.filter(agreement__in=agreements.order_by().values("pk")).values("organization_id")
    rows = list(Organization.objects.filter(condition, pk__in=parties).order_by("name", "id")[:500])
    whole = unicodedata.normalize("NFKC", text).strip()
    return _best(rows, lambda o: {o.name, o.kana, o.name_en, _strip_form(o.name)}, [whole, *words[0]], ())


def _strip_form(name: str) -> str:
    words = search_words(name)
    return words[0][0] if len(words) == 1 else name


def _best(rows: list, names, spellings: list[str], endings: tuple[str, ...]) -> list:
    """The rows of the best grade: a name equal to a spelling (with one of ``endings``), then a name
    beginning with one, then the rest."""

    def grade(row) -> int:
        known = {name for name in names(row) if name}
        if known & {spelling + end for spelling in spellings for end in ("", *endings)}:
            return 0
        if any(name.startswith(spelling) for name in known for spelling in spellings):
            return 1
        return 2

    if not rows:
        return []
    best = min(grade(row) for row in rows)
    return [row for row in rows if grade(row) == best]


class NameOrCodeField(forms.CharField):
    """A municipality or a partner by name, or still by the code or id the API takes (digits are
    handed to the API's own field, ``code_field``). A name that names exactly one is that one's code;
    several are an error that lists them as links (``candidates``: label and URL of this search with
    that one chosen); none is an error too."""

    def __init__(self, *, code_field, resolve, label_of, value_of, query, param, messages, **kwargs):
        super().__init__(required=False, label=code_field.label, help_text=code_field.help_text, **kwargs)
        self.code_field, self.resolve, self.label_of, self.value_of = code_field, resolve, label_of, value_of
        self.query, self.param, self.messages = query, param, messages
        self.candidates = []

    def clean(self, value):
        value = unicodedata.normalize("NFKC", super().clean(value) or "").strip()
        if not value or value.isdigit():
            return self.code_field.clean(value)
        found = self.resolve(value)
        if len(found) == 1:
            return self.value_of(found[0])
        if not found:
            raise forms.ValidationError(self.messages["none"], code="not_found", params={"name": value})
        query = self.query.copy()
        query.pop("page", None)
        for row in found[:MAX_CANDIDATES]:
            query[self.param] = self.value_of(row)
            self.candidates.append((self.label_of(row), f"?{query.urlencode()}"))
        message = self.messages["many"] if len(found) <= MAX_CANDIDATES else self.messages["too_many"]
        raise forms.ValidationError(
            message, code="ambiguous", params={"name": value, "count": len(found), "shown": MAX_CANDIDATES}
        )


def _municipality_label(municipality: Municipality) -> str:
    parent = municipality.parent_city.name if municipality.parent_city else ""
    if municipality.kind == "prefecture" or municipality.prefecture is None:
        return municipality.name
    return f"{municipality.prefecture.name}{parent}{municipality.name}"


def _organization_label(organization: Organization) -> str:
    return f"{organization.name}（{organization.kana}）" if organization.kana else organization.name


MUNICIPALITY_MESSAGES = {
    "none": _(
        "No municipality is called “%(name)s”. Check the spelling, or type its first letters and choose a suggestion."
    ),
    "many": _("“%(name)s” may be %(count)s municipalities. Choose one in the list under this field."),
    "too_many": _(
        "“%(name)s” may be %(count)s municipalities; the first %(shown)s are under this field. Type more of the name."
    ),
}
ORGANIZATION_MESSAGES = {
    "none": _("No partner called “%(name)s” has an agreement you can see. Check the spelling."),
    "many": _("“%(name)s” may be %(count)s partners. Choose one in the list under this field."),
    "too_many": _(
        "“%(name)s” may be %(count)s partners; the first %(shown)s are under this field. Type more of the name."
    ),
}


def prefecture_choices() -> list[tuple[str, str]]:
    """The 47 prefectures by code, named in the page's language (one query)."""
    english = translation.get_language() == "en"
    rows = Municipality.objects.prefectures().order_by("code").values_list("prefecture_code", "name", "name_en")
    return [("", _("All prefectures"))] + [
        (code, (name_en or name) if english else name) for code, name, name_en in rows
    ]


def _suggesting(datalist: str, source: str) -> dict:
    """A text input whose suggestions (static/js/search.js) come from an API list's ``q``."""
    return {"list": datalist, "data-suggest": source, "autocomplete": "off", "spellcheck": "false"}


def search_filterset(data, *, queryset, request) -> AgreementFilterSet:
    """AgreementFilterSet over ``queryset`` with a friendlier form."""
    filterset = AgreementFilterSet(data, queryset=queryset, request=request)
    filterset.form.label_suffix = ""
    fields = filterset.form.fields
    for name, (label, help_text) in LABELS.items():
        fields[name].label = label
        fields[name].help_text = help_text
    fields["q"].widget = forms.TextInput(attrs={"type": "search", "autocomplete": "off"})
    # A name or, as before, a code (municipality=272299, organization=<id or 法人番号> in shared URLs).
    fields["municipality"] = NameOrCodeField(
        code_field=fields["municipality"],
        resolve=municipality_candidates,
        label_of=_municipality_label,
        value_of=lambda municipality: municipality.code,
        query=data,
        param="municipality",
        messages=MUNICIPALITY_MESSAGES,
        widget=forms.TextInput(attrs=_suggesting("municipality-suggestions", "/api/v1/municipalities/")),
    )
    fields["organization"] = NameOrCodeField(
        code_field=fields["organization"],
        resolve=lambda text: organization_candidates(text, queryset),
        label_of=_organization_label,
        value_of=lambda organization: str(organization.pk),
        query=data,
        param="organization",
        messages=ORGANIZATION_MESSAGES,
        widget=forms.TextInput(attrs=_suggesting("organization-suggestions", "/api/v1/organizations/")),
    )
    fields["prefecture"].widget = forms.Select(choices=prefecture_choices())
    english = translation.get_language() == "en"
    fields["field"].empty_label = _("All fields")
    fields["field"].label_from_instance = lambda field: (field.name_en or field.name) if english else field.name
    fields["kind"].empty_label = _("All kinds")
    fields["kind"].choices = AgreementKind.choices
    fields["status"].widget = forms.CheckboxSelectMultiple(choices=fields["status"].choices)
    for name in ("signed_after", "signed_before", "ends_before"):
        fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    for name in ("zero_budget", "published"):
        fields[name].widget = forms.Select(choices=YES_NO_ANY)
    fields["ordering"].choices = ORDERING
    fields["ordering"].widget.choices = ORDERING
    return filterset
