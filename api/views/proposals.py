"""The proposal scheme (docs/proposals.md): ``/api/v1/themes/`` and ``/api/v1/proposals/``.

Public: the published themes (open and closed) and the decided proposals with their decisions —
rejections included — without the content of any proposal that was not adopted, is confidential, or
whose proposer did not agree to publish it. A member of an organization submits a proposal with POST; the
members of the proposing organization and the municipality's officers read it in full. The review
actions (routing, blind scoring, the decision) call ``proposals.services``, role-checked there and here
(404 first for a proposal the caller may not read, then 403 without the role)."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    OpenApiTypes,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from partnerships.access import access_for, require_officer
from partnerships.models import Department, Organization, Role
from proposals.models import DecisionOutcome, Proposal, ProposalStatus, Theme
from proposals.selectors import proposal_visible_q, scores_visible_to
from proposals.services import proposal_decide, proposal_route, proposal_submit, score_submit, score_summary

from ..exceptions import django_validation_to_drf
from ..pagination import StandardPagination
from ..params import refuse_unknown
from ..permissions import ReadOrEditorWrite
from ..serializers.proposals import (
    DecisionSerializer,
    DecisionWriteSerializer,
    MemberProposalSerializer,
    ProposalWriteSerializer,
    PublicProposalSerializer,
    RoutingWriteSerializer,
    ScoresSerializer,
    ScoresWriteSerializer,
    ThemeQuerySerializer,
    ThemeSerializer,
)

ERROR = {"$ref": "#/components/schemas/Error"}
PAGES = (OpenApiParameter("page", OpenApiTypes.INT), OpenApiParameter("page_size", OpenApiTypes.INT))
MUNICIPALITY = OpenApiParameter("municipality", OpenApiTypes.STR, description="6-digit local government code")
BAD_QUERY = OpenApiResponse(ERROR, description="A parameter is malformed or unknown.")
PUBLIC_CONTENT = "adopted, not confidential and published with the proposer's consent"
SUBMIT_EXAMPLE = OpenApiExample(
    "A free proposal",
    value={
        "municipality": "272299",
        "theme": None,
        "title": "AIによる窓口案内",
        "problem": "窓口の待ち時間が長い",
        "offer": "案内システムを無償で試験提供する",
        "city_must_provide": "窓口の一角と職員の協力",
        "expected_outcome": "待ち時間の短縮",
        "measurement": "受付から案内までの分数",
        "cost_to_city_jpy": None,
        "no_new_cost": True,
        "period": "2027年4月から1年",
        "confidential": False,
        "publish_consent": True,
    },
    request_only=True,
)


class ThemeListView(GenericAPIView):
    serializer_class = ThemeSerializer
    pagination_class = StandardPagination
    permission_classes = [AllowAny]
    filter_backends = []

    @extend_schema(
        summary="Themes of the proposal schemes (テーマ型)",
        description="The problems municipalities published for private-sector proposals, open and closed: "
        "background, what is wanted, constraints, contact, the dates it takes proposals and the date its "
        "municipality last reviewed its list of themes. `open=true` lists those taking proposals today.",
        parameters=[
            MUNICIPALITY,
            OpenApiParameter("open", OpenApiTypes.BOOL, description="true: taking proposals today; false: not"),
            *PAGES,
        ],
        responses={200: ThemeSerializer(many=True), 400: BAD_QUERY},
    )
    def get(self, request):
        refuse_unknown(request, ("municipality", "open", "page", "page_size"))
        query = ThemeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params, today = query.validated_data, timezone.localdate()
        # municipality and department are printed in every row
        themes = Theme.objects.published().select_related("municipality", "department").order_by("-opens_on", "id")
        if "municipality" in params:
            themes = themes.filter(municipality__code=params["municipality"])
        if params.get("open") is True:
            themes = themes.open_on(today)
        elif params.get("open") is False:
            themes = themes.exclude(pk__in=Theme.objects.open_on(today).values("pk"))
        page = self.paginate_queryset(themes)
        data = ThemeSerializer(page, many=True, context={"today": today}).data
        return self.get_paginated_response(data)


class ProposalListView(GenericAPIView):
    serializer_class = PublicProposalSerializer
    pagination_class = StandardPagination
    permission_classes = [ReadOrEditorWrite]
    filter_backends = []

    @extend_schema(
        summary="Decided proposals and their decisions",
        description="Every decided proposal — adopted, not adopted or sent to further consultation — with "
        "the proposer's name, the title, the theme and the decision with its reasons. `content` is given "
        f"only for a proposal {PUBLIC_CONTENT}; otherwise it is null.",
        parameters=[
            MUNICIPALITY,
            OpenApiParameter("outcome", OpenApiTypes.STR, enum=DecisionOutcome.values),
            *PAGES,
        ],
        responses={200: PublicProposalSerializer(many=True), 400: BAD_QUERY},
    )
    def get(self, request):
        refuse_unknown(request, ("municipality", "outcome", "page", "page_size"))
        proposals = (
            Proposal.objects.filter(status=ProposalStatus.DECIDED, decision__isnull=False)
            # the municipality, proposer, theme and decision are printed in every row
            .select_related("municipality", "organization", "theme", "decision")
            .order_by("-decision__decided_at", "-id")
        )
        municipality = request.query_params.get("municipality")
        if municipality is not None:
            proposals = proposals.filter(municipality__code=municipality)
        outcome = request.query_params.get("outcome")
        if outcome is not None:
            if outcome not in DecisionOutcome.values:
                raise ValidationError({"outcome": [_("Choose one of: %s.") % ", ".join(DecisionOutcome.values)]})
            proposals = proposals.filter(decision__outcome=outcome)
        page = self.paginate_queryset(proposals)
        return self.get_paginated_response(PublicProposalSerializer(page, many=True).data)

    @extend_schema(
        summary="Submit a proposal",
        description="An editor of an organization submits a proposal to a municipality, against a published "
        "theme taking proposals today or free (`theme` null). `cost_to_city_jpy` null means not known. "
        "`confidential` keeps the content out of every public output even if adopted; `publish_consent` "
        "allows publishing it once adopted. The municipality's officers see it at once.",
        request=ProposalWriteSerializer,
        responses={
            201: OpenApiResponse(MemberProposalSerializer, description="Submitted."),
            400: OpenApiResponse(ERROR, description="Not valid: `fields` names the field."),
            401: OpenApiResponse(ERROR, description="Not authenticated."),
            403: OpenApiResponse(ERROR, description="Not an editor of the proposing organization."),
        },
        examples=[SUBMIT_EXAMPLE],
    )
    def post(self, request):
        refuse_unknown(request, ())
        body = ProposalWriteSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        municipality = data.pop("municipality")
        organization = data.pop("organization", None) or _only_organization(request.user)
        try:
            proposal = proposal_submit(municipality=municipality, organization=organization, by=request.user, **data)
        except DjangoValidationError as error:
            raise django_validation_to_drf(error) from error
        return Response(MemberProposalSerializer(proposal).data, status=status.HTTP_201_CREATED)


def _only_organization(user):
    """The organization a user proposes for when the request names none: their only one (400 otherwise)."""
    ids = access_for(user).organizations(Role.EDITOR)
    if not ids:
        raise PermissionDenied(_("Only an editor of the proposing organization may submit its proposals."))
    if len(ids) > 1:
        raise ValidationError({"organization": [_("Name the organization that proposes.")]})
    return Organization.objects.get(pk=next(iter(ids)))


def _member_proposals(user):
    # municipality, proposer, theme and decision are printed in every row
    return (
        Proposal.objects.filter(proposal_visible_q(user))
        .select_related("municipality", "organization", "theme", "decision")
        .order_by("-submitted_at", "-id")
    )


class OwnProposalListView(GenericAPIView):
    serializer_class = MemberProposalSerializer
    pagination_class = StandardPagination
    permission_classes = [IsAuthenticated]
    filter_backends = []

    @extend_schema(
        summary="Your proposals, in full",
        description="A partner user: the proposals of your organizations, at every stage. An officer: the "
        "proposals received by your municipalities. Never another proposer's.",
        parameters=[*PAGES],
        responses={
            200: MemberProposalSerializer(many=True),
            400: BAD_QUERY,
            401: OpenApiResponse(ERROR, description="Not authenticated."),
        },
    )
    def get(self, request):
        refuse_unknown(request, ("page", "page_size"))
        page = self.paginate_queryset(_member_proposals(request.user))
        return self.get_paginated_response(MemberProposalSerializer(page, many=True).data)


class ProposalDetailView(GenericAPIView):
    serializer_class = MemberProposalSerializer
    permission_classes = [AllowAny]
    filter_backends = []

    @extend_schema(
        summary="One proposal",
        description="In full for the members of the proposing organization and the municipality's officers; "
        f"for anyone else a decided proposal as in the public list (its content only when {PUBLIC_CONTENT}). "
        "404 for a proposal not decided that you may not read.",
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={
            200: OpenApiResponse(
                PolymorphicProxySerializer(
                    component_name="ProposalDetail",
                    serializers=[MemberProposalSerializer, PublicProposalSerializer],
                    resource_type_field_name=None,
                ),
                description="The proposal (members), or its public fields (others).",
            ),
            404: OpenApiResponse(ERROR, description="No proposal with this id that you may read."),
        },
    )
    def get(self, request, pk):
        refuse_unknown(request, ())
        proposal = _member_proposals(request.user).filter(pk=pk).first()
        if proposal is not None:
            return Response(MemberProposalSerializer(proposal).data)
        public = (
            Proposal.objects.filter(Q(status=ProposalStatus.DECIDED), Q(decision__isnull=False), pk=pk)
            .select_related("municipality", "organization", "theme", "decision")
            .first()
        )
        if public is None:
            raise NotFound(_("No proposal has this id."))
        return Response(PublicProposalSerializer(public).data)


# --- review and decision (members with the right role) ---------------------------------------------
PROPOSAL_PATH = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="proposal id")
MEMBER_WRITE_ERRORS = {
    400: OpenApiResponse(ERROR, description="Not valid: `fields` names the field."),
    401: OpenApiResponse(ERROR, description="Not authenticated."),
    403: OpenApiResponse(ERROR, description="You do not have the role this needs at the municipality."),
    404: OpenApiResponse(ERROR, description="No proposal with this id that you may read."),
}


def _readable(request, pk) -> Proposal:
    """The proposal if the caller may read it in full (404 otherwise)."""
    proposal = _member_proposals(request.user).filter(pk=pk).first()
    if proposal is None:
        raise NotFound(_("No proposal has this id."))
    return proposal


def _scores_data(user, proposal) -> dict:
    # criterion and reviewer are printed in every row
    visible = list(scores_visible_to(user, proposal).select_related("criterion", "reviewer"))
    summary = score_summary([score for score in visible if score.submitted])
    return ScoresSerializer({"scores": visible, "summary": summary}).data


class ProposalRoutingView(APIView):
    permission_classes = [ReadOrEditorWrite]

    @extend_schema(
        summary="Route a proposal to departments",
        description="The intake sends the proposal to one or more departments of its municipality; this starts "
        "its review. A department already routed to is not routed twice. Officer editors of the municipality.",
        parameters=[PROPOSAL_PATH],
        request=RoutingWriteSerializer,
        responses={200: OpenApiResponse(MemberProposalSerializer, description="Routed."), **MEMBER_WRITE_ERRORS},
    )
    def post(self, request, pk):
        refuse_unknown(request, ())
        proposal = _readable(request, pk)
        require_officer(request.user, proposal.municipality_id, Role.EDITOR)
        body = RoutingWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ids = set(body.validated_data["departments"])
        departments = list(Department.objects.filter(municipality_id=proposal.municipality_id, pk__in=ids))
        if len(departments) != len(ids):
            raise ValidationError({"departments": [_("Choose a department of this municipality.")]})
        try:
            proposal_route(proposal=proposal, departments=departments, by=request.user)
        except DjangoValidationError as error:
            raise django_validation_to_drf(error) from error
        return Response(MemberProposalSerializer(_readable(request, pk)).data)


class ProposalScoresView(APIView):
    permission_classes = [ReadOrEditorWrite]

    @extend_schema(
        summary="The review scores of a proposal",
        description="Officers of the municipality. A reviewer who has not submitted all their scores sees only "
        "their own; after submitting, every submitted score. An approver who has not scored, and every officer "
        "once the proposal is decided, see the submitted scores. `summary` is computed from the submitted "
        "scores shown: the mean of the reviewers' weighted means and their spread.",
        parameters=[PROPOSAL_PATH],
        responses={
            200: ScoresSerializer,
            403: OpenApiResponse(ERROR, description="Not an officer of the municipality."),
            404: OpenApiResponse(ERROR, description="No proposal with this id that you may read."),
        },
    )
    def get(self, request, pk):
        refuse_unknown(request, ())
        proposal = _readable(request, pk)
        require_officer(request.user, proposal.municipality_id, Role.VIEWER)
        return Response(_scores_data(request.user, proposal))

    @extend_schema(
        summary="Score a proposal",
        description="A reviewer (an officer editor of the municipality) scores every criterion of the proposal "
        "from 1 to 5, with comments. `submit` false keeps a draft; true submits the scores for good. Refused "
        "once your scores are submitted or the proposal is decided; a refused call changes nothing.",
        parameters=[PROPOSAL_PATH],
        request=ScoresWriteSerializer,
        responses={
            200: OpenApiResponse(ScoresSerializer, description="Saved; the scores you may now see."),
            **MEMBER_WRITE_ERRORS,
        },
    )
    def post(self, request, pk):
        refuse_unknown(request, ())
        proposal = _readable(request, pk)
        require_officer(request.user, proposal.municipality_id, Role.EDITOR)
        body = ScoresWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rows = body.validated_data["scores"]
        if len({row["criterion"] for row in rows}) != len(rows):
            raise ValidationError({"scores": [_("Score each criterion once.")]})
        try:
            score_submit(
                proposal=proposal,
                by=request.user,
                scores={row["criterion"]: row["score"] for row in rows},
                comments={row["criterion"]: row["comment"] for row in rows},
                submit=body.validated_data["submit"],
            )
        except DjangoValidationError as error:
            raise django_validation_to_drf(error) from error
        return Response(_scores_data(request.user, _readable(request, pk)))


class ProposalDecisionView(APIView):
    permission_classes = [ReadOrEditorWrite]

    @extend_schema(
        summary="Decide on a proposal",
        description="An approver of the municipality records the decision — adopted (採択), not adopted (不採択) "
        "or further consultation (継続協議) — with its reasons. The decision and its reasons are public at once; "
        "only a decision of further consultation may be replaced by a later one.",
        parameters=[PROPOSAL_PATH],
        request=DecisionWriteSerializer,
        responses={201: OpenApiResponse(DecisionSerializer, description="Decided."), **MEMBER_WRITE_ERRORS},
    )
    def post(self, request, pk):
        refuse_unknown(request, ())
        proposal = _readable(request, pk)
        require_officer(request.user, proposal.municipality_id, Role.APPROVER)
        body = DecisionWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            decision = proposal_decide(proposal=proposal, by=request.user, **body.validated_data)
        except DjangoValidationError as error:
            raise django_validation_to_drf(error) from error
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)
