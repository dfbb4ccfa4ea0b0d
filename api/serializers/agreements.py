from django.db import models
from django.urls import reverse
from rest_framework import serializers

from agreements.history import is_member, parent_shown
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
from agreements.querysets import agreement_member_q
from agreements.selectors import visible_agreements, visible_deliverables, visible_indicators, visible_initiatives
from agreements.tables import AGREEMENTS, DELIVERABLES, INDICATORS, INITIATIVES, MEASUREMENTS, PARTIES
from partnerships.access import access_for
from partnerships.models import Department, Municipality, Organization

from .base import ValidatedModelSerializer


class PartySerializer(ValidatedModelSerializer):
    agreement = serializers.CharField(
        source="agreement.public_id", read_only=True, help_text="the agreement's public id"
    )
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
        table = PARTIES

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
        table = AGREEMENTS
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
        table = INITIATIVES
        read_only_fields = ["zero_budget", "updated_at"]


class DeliverableSerializer(ValidatedModelSerializer):
    agreement = serializers.CharField(
        source="initiative.agreement.public_id", read_only=True, help_text="the agreement's public id"
    )
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
        table = DELIVERABLES
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
        table = INDICATORS


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
    agreement = serializers.CharField(
        source="indicator.agreement.public_id", read_only=True, help_text="the agreement's public id"
    )
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
        table = MEASUREMENTS
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
