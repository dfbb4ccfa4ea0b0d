"""An adopted proposal becomes an agreement in negotiation (proposal_adopt_to_agreement), and the
pipeline figures count it (selectors.pipeline)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from agreements.choices import AgreementStatus, PartyRole
from agreements.models import Agreement, Deliverable, Initiative, ProgressUpdate
from proposals.models import DecisionOutcome
from proposals.selectors import pipeline, pipeline_by_municipality
from proposals.services import proposal_adopt_to_agreement

from .conftest import SECRET, decided, proposal

pytestmark = pytest.mark.django_db


def test_adopted_proposal_becomes_an_agreement_in_negotiation(scheme, approver, organization):
    item = decided(scheme.proposal, DecisionOutcome.ADOPTED)
    agreement = proposal_adopt_to_agreement(proposal=item, by=approver)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.NEGOTIATING
    assert agreement.title == "公園カフェ"
    assert agreement.municipality_id == item.municipality_id
    assert agreement.department == scheme.open_theme.department
    assert not agreement.published
    parties = list(agreement.parties.all())
    assert [(p.organization_id, p.role) for p in parties] == [(organization.pk, PartyRole.PARTNER)]
    assert not agreement.indicators.exists()  # KPIs are the officer's (docs/proposals.md)
    item.refresh_from_db()
    assert item.agreement == agreement
    assert list(agreement.proposals.all()) == [item]


def test_summary_only_when_the_content_may_be_published(scheme, approver, organization, city):
    public = decided(
        proposal(city, organization, title="公開できる案", offer="提供の内容", publish_consent=True),
        DecisionOutcome.ADOPTED,
    )
    secret = decided(
        proposal(city, organization, title="機密の案", offer=SECRET, confidential=True, publish_consent=True),
        DecisionOutcome.ADOPTED,
    )
    assert proposal_adopt_to_agreement(proposal=public, by=approver).summary == "提供の内容"
    assert proposal_adopt_to_agreement(proposal=secret, by=approver).summary == ""


def test_only_once_and_only_adopted(scheme, approver):
    with pytest.raises(ValidationError):
        proposal_adopt_to_agreement(proposal=scheme.proposal, by=approver)  # not decided
    rejected = decided(scheme.rival, DecisionOutcome.REJECTED)
    with pytest.raises(ValidationError):
        proposal_adopt_to_agreement(proposal=rejected, by=approver)
    consulting = decided(scheme.other_city_proposal, DecisionOutcome.CONTINUE)
    assert consulting.decision.outcome == DecisionOutcome.CONTINUE
    item = decided(scheme.proposal, DecisionOutcome.ADOPTED)
    proposal_adopt_to_agreement(proposal=item, by=approver)
    count = Agreement.objects.count()
    with pytest.raises(ValidationError):
        proposal_adopt_to_agreement(proposal=item, by=approver)
    assert Agreement.objects.count() == count


def test_approvers_only(scheme, editor, partner, other_editor):
    item = decided(scheme.proposal, DecisionOutcome.ADOPTED)
    for user in (editor, partner, other_editor):
        with pytest.raises(PermissionDenied):
            proposal_adopt_to_agreement(proposal=item, by=user)
    assert not Agreement.objects.exists()


def test_pipeline_counts(scheme, approver, partner, django_assert_num_queries):
    item = decided(scheme.proposal, DecisionOutcome.ADOPTED)
    decided(scheme.rival, DecisionOutcome.REJECTED)
    agreement = proposal_adopt_to_agreement(proposal=item, by=approver)
    assert pipeline() == {"received": 3, "adopted": 1, "agreements": 1, "delivering": 0}
    # in force, with a progress update this year: delivering
    Agreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.ACTIVE, signed_on=timezone.localdate())
    initiative = Initiative.objects.create(agreement=agreement, title="公園カフェの運営")
    deliverable = Deliverable.objects.create(initiative=initiative, title="月次報告", due_on=timezone.localdate())
    update = ProgressUpdate.objects.create(deliverable=deliverable, progress=50, status="in_progress")
    with django_assert_num_queries(1):
        figures = pipeline(scheme.proposal.municipality)
    assert figures == {"received": 2, "adopted": 1, "agreements": 1, "delivering": 1}
    # its last report more than a year ago: no longer delivering
    ProgressUpdate.objects.filter(pk=update.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=400))
    assert pipeline()["delivering"] == 0
    with django_assert_num_queries(1):
        rows = pipeline_by_municipality()
    assert [(r["municipality__code"], r["received"], r["adopted"]) for r in rows] == [
        ("272183", 1, 0),
        ("272299", 2, 1),
    ]


def test_the_officers_agreement_page_says_it_came_from_a_proposal(scheme, approver, client):
    item = decided(scheme.proposal, DecisionOutcome.ADOPTED)
    agreement = proposal_adopt_to_agreement(proposal=item, by=approver)
    client.force_login(approver)
    url = f"/workspace/agreements/{agreement.public_id}/"
    assert "From a private-sector proposal" in client.get(url, headers={"Accept-Language": "en"}).content.decode()
