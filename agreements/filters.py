"""One FilterSet per model, shared by the API and the pages. Parameter names are a public contract:
municipality (6-digit code), prefecture (2-digit code), organization (an organization's id or its
法人番号), field, kind, status, signed_after / signed_before, ends_before, zero_budget, published, q,
ordering.

``q`` follows ``partnerships.filters.search_words`` (NFKC, legal forms dropped, kana either way,
旧字体／異体字, readings): every word must match the title, summary, English title, public id,
municipality name or kana, or the name, kana or English name of a party's organization, or a party's
branch. Each word is one condition on the agreement's own row (``word_condition``) that PostgreSQL
answers with a bitmap scan of indexes (the stored bigrams of migration ``agreements.0010``, the
organizations' and branches' bigram indexes of ``partnerships.0004`` / ``agreements.0009``), so an
agreement with several matching partners is listed once, each match is read once and the page stays
one query. Without an ``ordering`` the results of ``q`` come best match first (``relevance``)."""

import django_filters as filters
from django.db import connections
from django.db.models import BooleanField, Case, Expression, F, Q, Value, When
from django.utils.translation import gettext_lazy as _

from partnerships.filters import (
    BooleanFilter,
    CodeFilter,
    InArray,
    OrganizationFilter,
    UpdatedSinceFilter,
    any_of,
    changed_since,
    columns_contain,
    document_matches,
    municipality_filter,
    prefecture_filter,
    search_words,
    text_condition_any,
)
from partnerships.models import Municipality, Organization

from .choices import AgreementKind, AgreementStatus, DeliverableStatus, InitiativeStatus, ReviewStatus
from .models import (
    Agreement,
    CooperationField,
    Deliverable,
    Document,
    Initiative,
    Measurement,
    OutcomeIndicator,
    Party,
    ProgressUpdate,
    PublicChange,
)


def public_change_since(agreement_id_path: str, *, own: bool = False):
    """ "Changed since" for a record under an agreement: its agreement's public state changed at or
    after the moment (the outbox of public changes — the same entries as /api/v1/changes/, kept
    KYOSO_PUBLIC_CHANGES_RETENTION_DAYS days) or, with ``own``, the record's own ``updated_at``. The
    outbox holds few entries after a recent moment (an index on created_at), so this is a short IN list."""

    def condition(moment) -> Q:
        changed = PublicChange.objects.filter(created_at__gte=moment)
        result = Q(**{f"{agreement_id_path}__in": changed.values("agreement_id")})
        return result | changed_since(moment) if own else result

    return condition


def organization_change_since(moment) -> Q:
    """An organization changed, or one of its agreements' public state did (it may have become public
    or left the public with it)."""
    changed = PublicChange.objects.filter(created_at__gte=moment).values("agreement_id")
    return changed_since(moment) | Q(pk__in=Party.objects.filter(agreement_id__in=changed).values("organization_id"))


# The columns of the bigram-indexed documents (partnerships.filters.SearchDocument): the migrations
# partnerships.0004_search_indexes and agreements.0009_search_indexes index exactly these, in this order,
# and agreements.0010_search_bigrams_column stores the agreement's (its column search_bigrams).
AGREEMENT_DOCUMENT = ["title", "summary", "title_en", "public_id"]
ORGANIZATION_DOCUMENT = ["name", "kana", "name_en"]
BRANCH_DOCUMENT = ["branch"]


class HasBigrams(Expression):
    """The agreement's ``search_bigrams`` (its own text's bigrams, a stored column: migration
    agreements.0010_search_bigrams_column) hold every 2-character piece of ``text``: answered by the
    column's GIN index, exact for a 2-character text, a superset otherwise. PostgreSQL only."""

    output_field = BooleanField()

    def __init__(self, text: str):
        super().__init__()
        self.anchor, self.text = F("pk"), text

    def get_source_expressions(self):
        return [self.anchor]

    def set_source_expressions(self, exprs):
        (self.anchor,) = exprs

    def as_sql(self, compiler, connection):
        anchor, params = compiler.compile(self.anchor)  # "<alias>"."id": the column of the same row
        column = f'{anchor.rsplit(".", 1)[0]}."search_bigrams"' if "." in anchor else '"search_bigrams"'
        return f"{column} @> kyoso_bigrams(LOWER(%s))", (*params, self.text)


def _partner_matches(spellings: list[str]):
    """The agreements where one of ``spellings`` appears in a party's organization or branch (through
    their bigram indexes, document_matches)."""
    parts = [
        *(
            Party.objects.filter(organization__in=found).order_by().values("agreement_id")
            for found in document_matches(Organization.objects.all(), ORGANIZATION_DOCUMENT, spellings)
        ),
        *document_matches(Party.objects.exclude(branch=""), BRANCH_DOCUMENT, spellings, column="agreement_id"),
    ]
    return parts[0].union(*parts[1:], all=True)


def word_condition(spellings: list[str], *, indexed: bool = True) -> Q:
    """One of ``spellings`` in the agreement's own text (AGREEMENT_DOCUMENT, whatever the case), its
    municipality's name or kana, or a partner's name or branch.

    A condition on the agreement's own row, so that PostgreSQL reads each match once: the first part
    is an OR of index conditions — the bigrams of the own text (HasBigrams), the municipalities found
    and the partners' agreements as ``= ANY(ARRAY(…))`` (each subquery runs once) — that it answers
    with one BitmapOr of index scans; the second, only when a spelling is longer than its one bigram,
    checks the text itself on the rows found (LIKE column by column, shortest spelling first). A
    1-character spelling has no bigram: LIKE alone. Without ``indexed`` (not PostgreSQL), LIKE alone."""
    places = Municipality.objects.filter(text_condition_any(spellings, ["name", "kana"])).order_by().values("pk")
    partners = _partner_matches(spellings)
    found, checked = Q(), Q()
    for spelling in sorted(spellings, key=len):
        # a 2-character spelling is exact by its bigram (a stored array: cheap to read on a found row)
        exact = indexed and len(spelling) == 2
        checked |= Q(HasBigrams(spelling)) if exact else columns_contain(AGREEMENT_DOCUMENT, spelling)
        found |= (
            Q(HasBigrams(spelling)) if indexed and len(spelling) >= 2 else columns_contain(AGREEMENT_DOCUMENT, spelling)
        )
    # the text first: the municipalities and partners are looked up (hashed) only for rows it misses
    checked |= Q(municipality__in=places) | Q(pk__in=partners)
    if not indexed:
        return checked
    found |= Q(InArray(F("municipality_id"), places)) | Q(InArray(F("pk"), partners))
    return found if all(len(spelling) <= 2 for spelling in spellings) else found & checked


def _contains_any(spellings: list[str], fields: list[str]) -> Q:
    # LIKE, not ILIKE: ranking reads only the rows already found, and UPPER() of every title and summary
    # for each spelling costs more than the search itself on a broad word; Latin letters are compared
    # as typed and in lower case.
    # shortest first: the kanji of a reading (防災 for ぼうさい) is the likeliest to be there, and OR
    # stops at the first that is
    condition = Q()
    forms = dict.fromkeys(form for spelling in spellings for form in (spelling, spelling.lower()))
    for form in sorted(forms, key=len):
        for field in fields:
            condition |= Q(**{f"{field}__contains": form})
    return condition


def relevance(value: str) -> Case | None:
    """Best match first: the whole phrase in the title (0), every word in the title (1), the phrase in
    the summary (2), every word in the title or summary (3), then the rest — found through the English
    title, the public id, the municipality or a partner (4). Ties are broken by the usual order."""
    words = search_words(value)
    if not words:
        return None
    phrases = list(dict.fromkeys(joiner.join(spellings[0] for spellings in words) for joiner in ("", " ")))

    def every_word(fields):
        condition = Q()
        for spellings in words:
            condition &= _contains_any(spellings, fields)
        return condition

    # A row reaches grade 3's test only when grade 1's failed: with one word (not in the title), the
    # summary alone decides.
    grades = [(every_word(["title"]), 1), (every_word(["title", "summary"] if len(words) > 1 else ["summary"]), 3)]
    if len(words) > 1:  # one word is its own phrase: the phrase grades would repeat the word's
        grades[1:1] = [(_contains_any(phrases, ["summary"]), 2)]
        grades.insert(0, (_contains_any(phrases, ["title"]), 0))
    return Case(*(When(condition, then=Value(grade)) for condition, grade in grades), default=Value(4))


class AgreementFilterSet(filters.FilterSet):
    municipality = municipality_filter()
    prefecture = prefecture_filter()
    organization = OrganizationFilter(method="filter_organization")
    field = filters.ModelChoiceFilter(
        field_name="fields",
        to_field_name="code",
        queryset=CooperationField.objects.all(),
        label=_("cooperation field"),
    )
    kind = filters.ChoiceFilter(choices=AgreementKind.choices, label=_("kind"))
    status = filters.MultipleChoiceFilter(choices=AgreementStatus.choices, label=_("status"))
    signed_after = filters.DateFilter(field_name="signed_on", lookup_expr="gte", label=_("signed on or after"))
    signed_before = filters.DateFilter(field_name="signed_on", lookup_expr="lte", label=_("signed on or before"))
    ends_before = filters.DateFilter(field_name="ends_on", lookup_expr="lte", label=_("ends on or before"))
    zero_budget = BooleanFilter(label=_("zero-budget"))
    published = BooleanFilter(label=_("published"))
    q = filters.CharFilter(method="filter_text", label=_("free text"))
    updated_since = UpdatedSinceFilter(public_change_since("pk", own=True))
    ordering = filters.OrderingFilter(
        fields=(
            ("signed_on", "signed_on"),
            ("ends_on", "ends_on"),
            ("public_id", "public_id"),
            ("title", "title"),
            ("updated_at", "updated_at"),
        ),
        label=_("ordering"),
    )

    class Meta:
        model = Agreement
        fields = []

    def filter_organization(self, queryset, name, value):
        parties = Party.objects.filter(**OrganizationFilter.lookup("organization", value))
        return queryset.filter(pk__in=parties.values("agreement_id"))

    def filter_text(self, queryset, name, value):
        # Every word must match somewhere: in the agreement, its municipality or one of its partners.
        # One IN over the ids every word found (INTERSECT), which PostgreSQL joins once to the rows.
        indexed = connections[queryset.db].vendor == "postgresql"
        for spellings in search_words(value):
            queryset = queryset.filter(word_condition(spellings, indexed=indexed))
        return queryset

    @property
    def qs(self):
        queryset = super().qs
        data = self.form.cleaned_data
        if data.get("q") and not data.get("ordering"):
            rank = relevance(data["q"])
            if rank is not None:
                queryset = queryset.order_by(rank, *Agreement._meta.ordering)
        # Filtering on the M2M "fields" can duplicate rows.
        return queryset.distinct() if data.get("field") else queryset


class AgreementChildFilterSet(filters.FilterSet):
    """Filters every record under an agreement shares: by agreement, municipality, prefecture, published."""

    agreement = filters.CharFilter(field_name="agreement__public_id", label=_("agreement (public id)"))
    municipality = municipality_filter("agreement__municipality__code")
    prefecture = prefecture_filter("agreement__municipality__prefecture_code")
    published = BooleanFilter(field_name="agreement__published", label=_("published"))
    updated_since = UpdatedSinceFilter(public_change_since("agreement_id"))


class PartyFilterSet(AgreementChildFilterSet):
    organization = OrganizationFilter(field_name="organization")

    class Meta:
        model = Party
        fields = ["role"]


class InitiativeFilterSet(AgreementChildFilterSet):
    updated_since = UpdatedSinceFilter(public_change_since("agreement_id", own=True))
    field = filters.CharFilter(field_name="field__code", label=_("cooperation field"))
    status = filters.MultipleChoiceFilter(choices=InitiativeStatus.choices, label=_("status"))
    zero_budget = BooleanFilter(label=_("zero-budget"))

    class Meta:
        model = Initiative
        fields = []


class DeliverableFilterSet(filters.FilterSet):
    agreement = filters.CharFilter(field_name="initiative__agreement__public_id", label=_("agreement (public id)"))
    initiative = filters.NumberFilter(field_name="initiative_id", label=_("initiative"))
    municipality = municipality_filter("initiative__agreement__municipality__code")
    organization = OrganizationFilter(field_name="responsible", label=_("responsible (id or 法人番号)"))
    status = filters.MultipleChoiceFilter(choices=DeliverableStatus.choices, label=_("status"))
    due_after = filters.DateFilter(field_name="due_on", lookup_expr="gte", label=_("due on or after"))
    due_before = filters.DateFilter(field_name="due_on", lookup_expr="lte", label=_("due on or before"))
    updated_since = UpdatedSinceFilter(public_change_since("initiative__agreement_id", own=True))

    class Meta:
        model = Deliverable
        fields = []


class ProgressUpdateFilterSet(filters.FilterSet):
    deliverable = filters.NumberFilter(field_name="deliverable_id", label=_("deliverable"))
    agreement = filters.CharFilter(
        field_name="deliverable__initiative__agreement__public_id", label=_("agreement (public id)")
    )
    municipality = municipality_filter("deliverable__initiative__agreement__municipality__code")
    review_status = filters.ChoiceFilter(choices=ReviewStatus.choices, label=_("review"))
    updated_since = UpdatedSinceFilter(public_change_since("deliverable__initiative__agreement_id"))

    class Meta:
        model = ProgressUpdate
        fields = []


class IndicatorFilterSet(AgreementChildFilterSet):
    class Meta:
        model = OutcomeIndicator
        fields = ["direction"]


class MeasurementFilterSet(filters.FilterSet):
    indicator = filters.NumberFilter(field_name="indicator_id", label=_("indicator"))
    agreement = filters.CharFilter(field_name="indicator__agreement__public_id", label=_("agreement (public id)"))
    municipality = municipality_filter("indicator__agreement__municipality__code")
    period_after = filters.DateFilter(field_name="period_start", lookup_expr="gte", label=_("period from"))
    period_before = filters.DateFilter(field_name="period_end", lookup_expr="lte", label=_("period to"))
    review_status = filters.ChoiceFilter(choices=ReviewStatus.choices, label=_("review"))
    verified = BooleanFilter(label=_("verified"))
    updated_since = UpdatedSinceFilter(public_change_since("indicator__agreement_id"))

    class Meta:
        model = Measurement
        fields = []


class DocumentFilterSet(AgreementChildFilterSet):
    class Meta:
        model = Document
        fields = ["kind"]


class OrganizationFilterSet(filters.FilterSet):
    prefecture = CodeFilter(
        field_name="prefecture__prefecture_code",
        regex=r"^\d{2}$",
        label=_("prefecture (2-digit code)"),
        message=_("Give a 2-digit prefecture code, e.g. 27 for 大阪府."),
    )
    corporate_number = CodeFilter(
        field_name="corporate_number",
        regex=r"^\d{13}$",
        label=_("法人番号"),
        message=_("Give a 13-digit corporate number (法人番号)."),
    )
    q = filters.CharFilter(method="filter_text", label=_("free text"))
    updated_since = UpdatedSinceFilter(organization_change_since)

    class Meta:
        model = Organization
        fields = ["kind"]

    def filter_text(self, queryset, name, value):
        # name, kana and English name, through their bigram index (partnerships 0004)
        condition = Q()
        for spellings in search_words(value):
            condition &= any_of("pk", document_matches(Organization.objects.all(), ORGANIZATION_DOCUMENT, spellings))
        return queryset.filter(condition)
