import json

from django.db import models
from django.db.models import Aggregate, Case, F, JSONField, OuterRef, Subquery, Value, When
from django.db.models.functions import JSONArray
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from agreements.history import is_member, parent_shown, parent_shown_q
from agreements.models import (
    Agreement,
    CooperationField,
    Deliverable,
    Document,
    Initiative,
    Measurement,
    OutcomeIndicator,
    Party,
    ProgressUpdate,
)
from agreements.querysets import NOTHING, agreement_member_q, agreement_visible_q
from partnerships.access import access_for
from partnerships.models import Department, Municipality, Organization

from .base import ValidatedModelSerializer


def visible_agreements(user):
    return Agreement.objects.visible_to(user)


def visible_initiatives(user):
    return Initiative.objects.filter(agreement_visible_q(user, "agreement__"))


def visible_deliverables(user):
    return Deliverable.objects.filter(agreement_visible_q(user, "initiative__agreement__"))


def visible_indicators(user):
    return OutcomeIndicator.objects.filter(agreement_visible_q(user, "agreement__"))


class PartySerializer(ValidatedModelSerializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    organization_corporate_number = serializers.CharField(
        source="organization.corporate_number", read_only=True, allow_null=True, help_text="法人番号"
    )
    organization_municipality = serializers.SerializerMethodField(
        help_text="6-digit local government code when the party is a municipality or prefecture itself"
    )

    class Meta:
        model = Party
        fields = [
            "id",
            "organization",
            "organization_name",
            "organization_corporate_number",
            "organization_municipality",
            "role",
            "signatory_title",
            "branch",
            "signed_on",
        ]

    immutable_fields = ("organization",)

    def get_organization_municipality(self, party) -> str | None:
        # Read only for a public body (rare), so lists of ordinary partners cost no extra query.
        organization = party.organization
        return organization.municipality.code if organization.municipality_id else None

    def prepare_instance(self, instance):
        if instance.agreement_id is None and "agreement" in self.context:
            instance.agreement = self.context["agreement"]


def zero_budget_field():
    return serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text="true: cost stated as 0; false: a stated cost above 0; null: cost unknown",
    )


class AgreementSerializer(ValidatedModelSerializer):
    zero_budget = zero_budget_field()
    municipality = serializers.SlugRelatedField(
        slug_field="code", queryset=Municipality.objects.all(), help_text="6-digit local government code"
    )
    parent = serializers.SlugRelatedField(
        slug_field="public_id",
        queryset=Agreement.objects.all(),
        required=False,
        allow_null=True,
        help_text="public id of the comprehensive agreement this one is made under",
    )
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), required=False, allow_null=True)
    fields = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        queryset=CooperationField.objects.all(),
        required=False,
        help_text="codes of the cooperation fields, e.g. childcare, dx_public_services",
    )
    parties = PartySerializer(many=True, read_only=True)
    source_columns = serializers.JSONField(
        read_only=True,
        allow_null=True,
        help_text="columns of the city's list with no Kyoso field, {header: text}: for members of the "
        "agreement only (null for other readers)",
    )

    immutable_fields = ("municipality",)
    clean_exclude = ("public_id",)

    class Meta:
        model = Agreement
        fields = [
            "public_id",
            "title",
            "title_en",
            "summary",
            "summary_en",
            "kind",
            "status",
            "municipality",
            "department",
            "parent",
            "fields",
            "fields_text",
            "signed_on",
            "signed_on_precision",
            "starts_on",
            "ends_on",
            "period_text",
            "auto_renewal",
            "renewal_term_months",
            "selection_method",
            "municipal_cost_jpy",
            "partner_contribution_jpy",
            "zero_budget",
            "data_sharing_terms",
            "source_ref",
            "title_generated",
            "source_columns",
            "published",
            "published_at",
            "parties",
            "updated_at",
        ]
        read_only_fields = ["public_id", "status", "zero_budget", "published", "published_at", "updated_at"]
        extra_kwargs = {
            "municipal_cost_jpy": {"help_text": "yen; null: unknown (the city did not say); 0: a zero-budget project"},
            "signed_on_precision": {
                "help_text": "day, month or year: with month or year, signed_on is the first day of that month or year"
            },
        }

    scoped_fields = {"parent": visible_agreements}

    def to_representation(self, agreement):
        data = super().to_representation(agreement)
        if data["parent"] is not None and not parent_shown(agreement.parent, _reader(self)):
            data["parent"] = None  # an unpublished parent is named to its city's officers only
        if agreement.pk is None or not is_member(_reader(self), agreement):
            data["source_columns"] = None  # the city's raw columns: members of the agreement only
        return data


def _reader(serializer):
    """The user the serializer writes for (None without a request: the public)."""
    request = serializer.context.get("request")
    return getattr(request, "user", None)


def _date(value):
    return value.isoformat() if value else None


def _datetime(value):
    """As DRF's DateTimeField writes it: ISO 8601 in the current time zone, "Z" for UTC."""
    if not value:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class JSONArrayAgg(Aggregate):
    """The values of a group as a JSON array (PostgreSQL jsonb_agg, SQLite json_group_array), unordered."""

    function = "JSONB_AGG"
    name = "JSONArrayAgg"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


def _json_rows(model, link: str, *columns: str) -> Subquery:
    """A correlated subquery: the rows of ``model`` whose ``link`` is the outer agreement, as a JSON
    array of arrays of ``columns`` (NULL when there is none)."""
    rows = model.objects.filter(**{link: OuterRef("pk")}).order_by().values(link)
    rows = rows.annotate(rows=JSONArrayAgg(JSONArray(*columns))).values("rows")
    return Subquery(rows, output_field=JSONField())


# What a list of agreements reads: one row per agreement, its fields and parties included as JSON, so a
# page is two queries (the count and the rows). Related values are correlated subqueries rather than
# joins, so that the page's COUNT(*) reads the agreements alone (Django leaves unused subqueries out
# of a count, not joins).
AGREEMENT_COLUMNS = (
    "id",
    "public_id",
    "title",
    "title_en",
    "summary",
    "summary_en",
    "kind",
    "status",
    "department_id",
    "fields_text",
    "signed_on",
    "signed_on_precision",
    "starts_on",
    "ends_on",
    "period_text",
    "auto_renewal",
    "renewal_term_months",
    "selection_method",
    "municipal_cost_jpy",
    "partner_contribution_jpy",
    "zero_budget",
    "data_sharing_terms",
    "source_ref",
    "title_generated",
    "published",
    "published_at",
    "updated_at",
)
_PARTY_COLUMNS = ("role", "id", "organization_id", "organization__name", "organization__corporate_number")
_PARTY_COLUMNS += ("organization__municipality__code", "signatory_title", "branch", "signed_on")


def agreement_values(queryset, *, reader=None):
    """``queryset`` as the rows ``agreements_data`` reads, for ``reader`` (None: the public), who reads
    a parent agreement's public id by the rule of ``agreements.history.parent_shown_q``."""
    parents = Agreement.objects.filter(parent_shown_q(reader, prefix=""), pk=OuterRef("parent_id"))
    return queryset.values(
        *AGREEMENT_COLUMNS,
        source_columns_shown=_members_source_columns(reader),
        municipality_code=Subquery(Municipality.objects.filter(pk=OuterRef("municipality_id")).values("code")),
        parent_public_id=Subquery(parents.values("public_id")),
        field_rows=_json_rows(
            Agreement.fields.through, "agreement", "cooperationfield__sort_order", "cooperationfield__code"
        ),
        party_rows=_json_rows(Party, "agreement", *_PARTY_COLUMNS),
    )


def _members_source_columns(reader):
    """The city's raw columns for members of the agreement, NULL for every other reader (in SQL)."""
    member = agreement_member_q(reader)
    if member == NOTHING:
        return Value(None, output_field=JSONField())
    return Case(When(member, then=F("source_columns")), default=Value(None), output_field=JSONField())


def _party(role, pk, organization, name, number, public_body, title, branch, signed) -> dict:
    return {
        "id": pk,
        "organization": organization,
        "organization_name": name,
        "organization_corporate_number": number,
        "organization_municipality": public_body,
        "role": role,
        "signatory_title": title,
        "branch": branch,
        "signed_on": signed,  # already ISO 8601 text in JSON
    }


def agreements_data(rows) -> list[dict]:
    """``AgreementSerializer(many=True).data`` for ``agreement_values()`` rows, without model instances
    or per-field serializer calls. Fields and parties are sorted here as their prefetches sort them
    (CooperationField's and Party's Meta.ordering).

    The output is the serializer's, key for key (tests/api/test_fast_reads.py compares them)."""
    return [
        {
            "public_id": r["public_id"],
            "title": r["title"],
            "title_en": r["title_en"],
            "summary": r["summary"],
            "summary_en": r["summary_en"],
            "kind": r["kind"],
            "status": r["status"],
            "municipality": r["municipality_code"],
            "department": r["department_id"],
            "parent": r["parent_public_id"],
            "fields": [code for _order, code in sorted(r["field_rows"] or ())],
            "fields_text": r["fields_text"],
            "signed_on": _date(r["signed_on"]),
            "signed_on_precision": r["signed_on_precision"],
            "starts_on": _date(r["starts_on"]),
            "ends_on": _date(r["ends_on"]),
            "period_text": r["period_text"],
            "auto_renewal": r["auto_renewal"],
            "renewal_term_months": r["renewal_term_months"],
            "selection_method": r["selection_method"],
            "municipal_cost_jpy": r["municipal_cost_jpy"],
            "partner_contribution_jpy": r["partner_contribution_jpy"],
            "zero_budget": r["zero_budget"],
            "data_sharing_terms": r["data_sharing_terms"],
            "source_ref": r["source_ref"],
            "title_generated": r["title_generated"],
            "source_columns": _json_value(r["source_columns_shown"]),
            "published": r["published"],
            "published_at": _datetime(r["published_at"]),
            "parties": [_party(*party) for party in sorted(r["party_rows"] or (), key=lambda p: (p[0], p[1]))],
            "updated_at": _datetime(r["updated_at"]),
        }
        for r in rows
    ]


def _json_value(value):
    """A JSON column read through a CASE may come back as text (SQLite): decode it."""
    if isinstance(value, str):
        return json.loads(value)
    return value


class AgreementTransitionSerializer(serializers.Serializer):
    signed_on = serializers.DateField(required=False, help_text="signature date, when activating")


class InitiativeSerializer(ValidatedModelSerializer):
    zero_budget = zero_budget_field()
    agreement = serializers.SlugRelatedField(slug_field="public_id", queryset=Agreement.objects.all())
    field = serializers.SlugRelatedField(
        slug_field="code", queryset=CooperationField.objects.all(), required=False, allow_null=True
    )
    progress = serializers.FloatField(
        source="progress_weighted",
        read_only=True,
        allow_null=True,
        help_text="weighted mean progress (%) of its deliverables, cancelled ones excluded",
    )

    immutable_fields = ("agreement",)
    scoped_fields = {"agreement": visible_agreements}

    class Meta:
        model = Initiative
        fields = [
            "id",
            "agreement",
            "title",
            "title_en",
            "summary",
            "field",
            "status",
            "starts_on",
            "ends_on",
            "municipal_cost_jpy",
            "zero_budget",
            "in_kind_value_jpy",
            "journey_before",
            "journey_after",
            "progress",
            "updated_at",
        ]
        read_only_fields = ["zero_budget", "updated_at"]


class DeliverableSerializer(ValidatedModelSerializer):
    responsible = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        required=False,
        allow_null=True,
        help_text="id of the responsible organization (a party to the agreement)",
    )
    responsible_name = serializers.CharField(source="responsible.name", read_only=True, allow_null=True)

    immutable_fields = ("initiative",)
    scoped_fields = {"initiative": visible_initiatives}

    class Meta:
        model = Deliverable
        fields = [
            "id",
            "initiative",
            "title",
            "description",
            "responsible",
            "responsible_name",
            "due_on",
            "status",
            "progress",
            "met_on",
            "weight",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]


class ProtectedFileField(serializers.FileField):
    """Written as an upload; read back as the URL of the view that checks who may download it (uploads
    are never served from /media/)."""

    def __init__(self, *, view_name: str, **kwargs):
        self.view_name = view_name
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return instance

    def to_representation(self, instance):
        file = getattr(instance, self.source)
        if not file:
            return None
        url = reverse(self.view_name, kwargs={"pk": instance.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class ProgressUpdateSerializer(ValidatedModelSerializer):
    submitted_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    evidence = ProtectedFileField(view_name="workspace:evidence", required=False, allow_null=True)

    immutable_fields = ("deliverable",)
    scoped_fields = {"deliverable": visible_deliverables}
    # The one-pending-report rule is checked by the service, after its role check: a caller who may not
    # report at all hears 403, not that a report is already waiting.
    clean_exclude = ("deliverable",)

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "deliverable",
            "progress",
            "status",
            "met_on",
            "note",
            "evidence",
            "review_status",
            "review_comment",
            "submitted_by",
            "submitted_at",
            "reviewed_at",
        ]
        read_only_fields = ["review_status", "review_comment", "submitted_at", "reviewed_at"]
        validators = []  # DRF's copy of progress_update_one_pending: the service checks it after the role


class ReviewSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=5000, help_text="what the partner should fix")


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField(source="baseline_period_start")
    end = serializers.DateField(source="baseline_period_end")


class IndicatorSerializer(ValidatedModelSerializer):
    agreement = serializers.SlugRelatedField(slug_field="public_id", queryset=Agreement.objects.all())
    baseline_period = PeriodSerializer(source="*")
    reporter = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        required=False,
        allow_null=True,
        help_text="id of the partner that reports measurements (null: the municipality)",
    )

    immutable_fields = ("agreement",)
    scoped_fields = {"agreement": visible_agreements, "initiative": visible_initiatives}

    class Meta:
        model = OutcomeIndicator
        fields = [
            "id",
            "agreement",
            "initiative",
            "code",
            "name",
            "name_en",
            "unit",
            "direction",
            "baseline_value",
            "baseline_period",
            "target_value",
            "target_on",
            "data_source",
            "method",
            "frequency",
            "reporter",
        ]


def _review_readers(user, measurements):
    """A test of whether ``user`` may read the review of a measurement (the reviewer's comment): members
    of its agreement only — officers of the municipality, users of a party. At most one query for the
    whole list, none for the public, a superuser or a list of the user's own reports (the reporting
    partner is a party)."""
    access = access_for(user)
    if access.is_superuser:
        return lambda measurement: True
    if not (access.officer_roles or access.partner_roles):
        return lambda measurement: False
    organizations = access.organizations()
    undecided = {m.indicator.agreement_id for m in measurements if m.indicator.reporter_id not in organizations}
    members = set()
    if undecided:
        members = set(Agreement.objects.filter(agreement_member_q(user), pk__in=undecided).values_list("pk", flat=True))
    return lambda m: m.indicator.reporter_id in organizations or m.indicator.agreement_id in members


class MeasurementListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        rows = list(data.all() if isinstance(data, models.manager.BaseManager) else data)
        self.child.review_readers = _review_readers(_reader(self.child), rows)
        return super().to_representation(rows)


class MeasurementSerializer(ValidatedModelSerializer):
    attainment = serializers.SerializerMethodField(
        help_text="(value − baseline) / (target − baseline): 0 at the baseline, 1 at the target"
    )
    review_comment = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="the reviewer's comment: for members of the agreement only (null for other readers)",
    )

    immutable_fields = ("indicator",)
    scoped_fields = {"indicator": visible_indicators}

    class Meta:
        model = Measurement
        list_serializer_class = MeasurementListSerializer
        fields = [
            "id",
            "indicator",
            "period_start",
            "period_end",
            "value",
            "sample_size",
            "source",
            "method",
            "measured_by",
            "verified",
            "note",
            "review_status",
            "review_comment",
            "attainment",
        ]
        read_only_fields = ["review_status"]

    def get_attainment(self, measurement) -> float | None:
        return round(float(measurement.attainment), 4)

    def to_representation(self, measurement):
        data = super().to_representation(measurement)
        readers = getattr(self, "review_readers", None) or _review_readers(_reader(self), [measurement])
        if not readers(measurement):
            data["review_comment"] = None  # internal to the municipality and the partner
        return data


class DocumentSerializer(ValidatedModelSerializer):
    agreement = serializers.SlugRelatedField(slug_field="public_id", queryset=Agreement.objects.all())
    file = ProtectedFileField(view_name="portal:document", required=False, allow_null=True)

    immutable_fields = ("agreement",)
    scoped_fields = {"agreement": visible_agreements}

    class Meta:
        model = Document
        fields = ["id", "agreement", "kind", "title", "file", "url", "published_on", "public"]
