"""One FilterSet per model, shared by the API and the pages. Parameter names are a public contract:
municipality (6-digit code), prefecture (2-digit code), organization (an organization's id or its
法人番号), field, kind, status, signed_after / signed_before, ends_before, zero_budget, published, q,
ordering.

``q`` follows ``partnerships.filters.search_words`` (NFKC, legal forms dropped, kana either way):
every word must match the title, summary, English title, public id, municipality name, or the
name, kana or English name of a party's organization, or a party's branch. Partners are looked for
with EXISTS, so an agreement with several matching partners is listed once and the page stays
one query."""

import django_filters as filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from partnerships.filters import (
    BooleanFilter,
    CodeFilter,
    OrganizationFilter,
    UpdatedSinceFilter,
    changed_since,
    municipality_filter,
    prefecture_filter,
    text_condition,
)
from partnerships.models import Organization

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

# municipality__kana: a city found by its reading (しじょうなわて finds 四條畷市: kana are stored in hiragana)
AGREEMENT_TEXT_FIELDS = ["title", "summary", "title_en", "public_id", "municipality__name", "municipality__kana"]
PARTY_TEXT_FIELDS = ["organization__name", "organization__kana", "organization__name_en", "branch"]


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


def partner_matches(spellings: list[str]) -> Exists:
    """An agreement with a party whose organization (or branch) is written like one of ``spellings``."""
    condition = Q()
    for spelling in spellings:
        for path in PARTY_TEXT_FIELDS:
            condition |= Q(**{f"{path}__icontains": spelling})
    return Exists(Party.objects.filter(condition, agreement=OuterRef("pk")))


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
        # Every word must match somewhere: in the agreement or in one of its partners.
        return queryset.filter(text_condition(value, AGREEMENT_TEXT_FIELDS, extra=partner_matches))

    @property
    def qs(self):
        # Filtering on the M2M "fields" can duplicate rows.
        queryset = super().qs
        return queryset.distinct() if self.form.cleaned_data.get("field") else queryset


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
        return queryset.filter(text_condition(value, ["name", "kana", "name_en"]))
