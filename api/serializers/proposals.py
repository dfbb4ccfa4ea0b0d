"""Themes and proposals of the proposal scheme (docs/proposals.md): what the public reads, what the
members of a proposal read, and what a proposer writes."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from partnerships.models import Municipality, Organization
from proposals.models import MAX_SCORE, MIN_SCORE, Decision, DecisionOutcome, Proposal, ProposalStatus, Score, Theme
from proposals.services import PROPOSAL_FIELDS

from .base import ValidatedModelSerializer

CONTENT_FIELDS = (
    "problem",
    "offer",
    "city_must_provide",
    "expected_outcome",
    "measurement",
    "cost_to_city_jpy",
    "no_new_cost",
    "period",
)


class ThemeSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.code", help_text="6-digit local government code")
    municipality_name = serializers.CharField(source="municipality.name")
    department = serializers.CharField(source="department.name", allow_null=True, default=None)
    open = serializers.SerializerMethodField(help_text="Whether the theme takes proposals today.")

    class Meta:
        model = Theme
        fields = (
            "id",
            "municipality",
            "municipality_name",
            "department",
            "title",
            "background",
            "wanted",
            "constraints",
            "contact",
            "opens_on",
            "closes_on",
            "reviewed_on",
            "open",
        )

    def get_open(self, theme) -> bool:
        return theme.is_open(self.context.get("today") or timezone.localdate())


class ThemeQuerySerializer(serializers.Serializer):
    municipality = serializers.RegexField(r"^\d{6}$", required=False, help_text="6-digit local government code")
    open = serializers.BooleanField(required=False, default=None, allow_null=True)


class DecisionSerializer(serializers.ModelSerializer):
    outcome = serializers.ChoiceField(choices=DecisionOutcome.choices)
    outcome_label = serializers.CharField(source="get_outcome_display")

    class Meta:
        model = Decision
        fields = ("outcome", "outcome_label", "reasons", "decided_at")


class ProposalContentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Proposal
        fields = CONTENT_FIELDS


class PublicProposalSerializer(serializers.ModelSerializer):
    """A decided proposal as the public reads it: who proposed what, and the decision with its reasons.
    Its content only for an adopted proposal that is not confidential and whose proposer agreed."""

    municipality = serializers.CharField(source="municipality.code")
    municipality_name = serializers.CharField(source="municipality.name")
    proposer = serializers.CharField(source="organization.name")
    theme = serializers.IntegerField(source="theme_id", allow_null=True)
    theme_title = serializers.CharField(source="theme.title", allow_null=True, default=None)
    decision = DecisionSerializer()
    content = serializers.SerializerMethodField(
        help_text="The proposal's content: null unless adopted, not confidential and the proposer agreed to publish."
    )

    class Meta:
        model = Proposal
        fields = (
            "id",
            "municipality",
            "municipality_name",
            "proposer",
            "title",
            "theme",
            "theme_title",
            "decision",
            "content",
        )

    @extend_schema_field(ProposalContentSerializer(allow_null=True))
    def get_content(self, proposal):
        if not proposal.content_public():
            return None
        return ProposalContentSerializer(proposal).data


class MemberProposalSerializer(serializers.ModelSerializer):
    """A proposal in full, for the members of the proposing organization and the municipality's officers."""

    municipality = serializers.CharField(source="municipality.code")
    municipality_name = serializers.CharField(source="municipality.name")
    organization = serializers.IntegerField(source="organization_id")
    proposer = serializers.CharField(source="organization.name")
    theme = serializers.IntegerField(source="theme_id", allow_null=True)
    theme_title = serializers.CharField(source="theme.title", allow_null=True, default=None)
    status = serializers.ChoiceField(choices=ProposalStatus.choices)
    decision = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = (
            "id",
            "municipality",
            "municipality_name",
            "organization",
            "proposer",
            "theme",
            "theme_title",
            "title",
            *CONTENT_FIELDS,
            "confidential",
            "publish_consent",
            "status",
            "submitted_at",
            "decision",
        )

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_decision(self, proposal):
        decision = getattr(proposal, "decision", None)
        return DecisionSerializer(decision).data if decision is not None else None


class ProposalWriteSerializer(ValidatedModelSerializer):
    """What a proposer sends: the municipality by its code, the organization when the user belongs to
    several, a published theme's id or none (a free proposal), and the content."""

    municipality = serializers.SlugRelatedField(
        slug_field="code", queryset=Municipality.objects.all(), help_text="6-digit local government code"
    )
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        required=False,
        help_text="The proposing organization; may be left out when you belong to one organization only.",
    )
    theme = serializers.PrimaryKeyRelatedField(
        queryset=Theme.objects.published(), required=False, allow_null=True, help_text="Empty: a free proposal."
    )
    clean_exclude = ("organization", "submitted_by")

    class Meta:
        model = Proposal
        fields = ("municipality", "organization", *PROPOSAL_FIELDS)


class _Strict(serializers.Serializer):
    """Refuses fields it does not know (as the model serializers do)."""

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)


class ScoreInputSerializer(_Strict):
    criterion = serializers.IntegerField(help_text="The criterion's id")
    score = serializers.IntegerField(min_value=MIN_SCORE, max_value=MAX_SCORE)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ScoresWriteSerializer(_Strict):
    scores = ScoreInputSerializer(many=True, help_text="One score for every criterion of the proposal.")
    submit = serializers.BooleanField(
        default=True, help_text="false keeps a draft you may change; true submits your scores for good."
    )


class ScoreSerializer(serializers.ModelSerializer):
    criterion = serializers.IntegerField(source="criterion_id")
    criterion_name = serializers.CharField(source="criterion.name")
    weight = serializers.DecimalField(source="criterion.weight", max_digits=5, decimal_places=2)
    reviewer = serializers.CharField(source="reviewer.username")

    class Meta:
        model = Score
        fields = ("criterion", "criterion_name", "weight", "reviewer", "score", "comment", "submitted", "submitted_at")


class ScoreSummarySerializer(serializers.Serializer):
    reviewers = serializers.IntegerField(help_text="Reviewers whose submitted scores you may see.")
    mean = serializers.DecimalField(
        max_digits=4, decimal_places=2, allow_null=True, help_text="Mean of the reviewers' weighted means (1–5)."
    )
    spread = serializers.DecimalField(
        max_digits=4, decimal_places=2, allow_null=True, help_text="Highest minus lowest weighted mean."
    )


class ScoresSerializer(serializers.Serializer):
    scores = ScoreSerializer(many=True)
    summary = ScoreSummarySerializer()


class RoutingWriteSerializer(_Strict):
    departments = serializers.ListField(
        child=serializers.IntegerField(), allow_empty=False, help_text="Ids of departments of the municipality."
    )


class DecisionWriteSerializer(_Strict):
    outcome = serializers.ChoiceField(choices=DecisionOutcome.choices)
    reasons = serializers.CharField(help_text="Published with the decision: never confidential content.")
