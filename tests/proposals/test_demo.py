"""The proposal demo (proposals.demo.load_proposal_demo): themes and proposals at every stage in 四條畷市
and 大東市, through the services, marked 【デモ】, idempotent. Loaded once for the class, on the demo
accounts as load_demo makes them (usernames and memberships, agreements/demo/data/people.toml)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from agreements.choices import AgreementStatus
from agreements.demo import DEMO_TITLE_PREFIX
from partnerships.models import Role
from proposals.demo import load_proposal_demo
from proposals.models import DecisionOutcome, Proposal, ProposalStatus, Score, Theme
from proposals.selectors import pipeline
from tests.factories import MembershipFactory as Member
from tests.factories import MunicipalityFactory, OrganizationFactory, UserFactory


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        city = MunicipalityFactory(code="272299", name="四條畷市")
        daito = MunicipalityFactory(code="272183", name="大東市")
        smart, hokuriku = OrganizationFactory(name="デモ・スマート行政株式会社"), OrganizationFactory(name="デモ北陸")
        UserFactory(username="demo-admin", is_superuser=True, is_staff=True)
        Member(user=UserFactory(username="demo-officer"), municipality=city, organization=None, role=Role.APPROVER)
        Member(user=UserFactory(username="demo-officer-2"), municipality=daito, organization=None, role=Role.EDITOR)
        Member(user=UserFactory(username="demo-partner"), municipality=None, organization=smart, role=Role.EDITOR)
        Member(user=UserFactory(username="demo-partner-2"), municipality=None, organization=hokuriku, role=Role.EDITOR)
        yield {"city": city, "daito": daito, "report": load_proposal_demo()}
        transaction.set_rollback(True)


@pytest.mark.django_db
class TestDemo:
    def test_every_stage_in_both_cities(self, demo):
        report = demo["report"]
        assert report.loaded == ["272299", "272183"] and report.proposals == 6 and report.agreements == 1
        for city in (demo["city"], demo["daito"]):
            themes = Theme.objects.filter(municipality=city)
            assert themes.count() == 2 and all(t.title.startswith(DEMO_TITLE_PREFIX) for t in themes)
            assert sum(t.is_open() for t in themes) == 1
        statuses = set(Proposal.objects.filter(municipality=demo["city"]).values_list("status", flat=True))
        assert statuses == {ProposalStatus.SUBMITTED, ProposalStatus.UNDER_REVIEW, ProposalStatus.DECIDED}

    def test_two_reviewers_scored_the_one_under_review(self, demo):
        reviewing = Proposal.objects.get(municipality=demo["city"], status=ProposalStatus.UNDER_REVIEW)
        assert Score.objects.filter(proposal=reviewing, submitted=True).values("reviewer").distinct().count() == 2

    def test_adopted_became_an_agreement_and_the_confidential_was_rejected(self, demo):
        adopted = Proposal.objects.get(municipality=demo["city"], decision__outcome=DecisionOutcome.ADOPTED)
        assert adopted.agreement.status == AgreementStatus.NEGOTIATING and adopted.content_public()
        secret = Proposal.objects.get(confidential=True)
        assert secret.decision.outcome == DecisionOutcome.REJECTED and not secret.content_public()
        assert pipeline(demo["city"]) == {"received": 4, "adopted": 1, "agreements": 1, "delivering": 0}

    def test_loading_twice_changes_nothing(self, demo):
        count = Proposal.objects.count()
        assert load_proposal_demo().loaded == []
        assert Proposal.objects.count() == count


@pytest.mark.django_db
def test_without_the_demo_accounts_it_says_to_load_them_first():
    with pytest.raises(CommandError, match="load_demo"):
        call_command("load_proposal_demo")
