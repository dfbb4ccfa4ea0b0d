"""The daily jobs' services, with the clock controlled: who gets which notice, when; lifecycle moves;
dormancy. Every job is idempotent."""

import datetime

import pytest
from django.utils import timezone

from agreements import jobs
from agreements.models import Agreement
from notifications.models import Notice
from partnerships.models import Role
from tests.factories import (
    AgreementFactory,
    DeliverableFactory,
    InitiativeFactory,
    MembershipFactory,
    PartyFactory,
    ProgressUpdateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 1)


@pytest.fixture
def setup(city, organization, partner, viewer, editor, other_editor):
    agreement = AgreementFactory(
        municipality=city, status="active", signed_on=datetime.date(2024, 4, 1), ends_on=datetime.date(2027, 3, 31)
    )
    PartyFactory(agreement=agreement, organization=organization)
    initiative = InitiativeFactory(agreement=agreement)
    return agreement, initiative


def notices(kind):
    return sorted((n.recipient.username, n.key) for n in Notice.objects.filter(kind=kind))


def test_reminders_go_to_the_responsible_partner_14_and_3_days_before(setup, organization):
    _agreement, initiative = setup
    deliverable = DeliverableFactory(
        initiative=initiative, responsible=organization, due_on=TODAY + datetime.timedelta(days=14)
    )
    DeliverableFactory(initiative=initiative, responsible=organization, due_on=TODAY + datetime.timedelta(days=40))
    DeliverableFactory(
        initiative=initiative,
        responsible=organization,
        due_on=TODAY + datetime.timedelta(days=2),
        status="met",
        met_on=TODAY,
        progress=100,
    )  # met: no reminder

    assert jobs.deliverable_reminders_send(today=TODAY) == 1
    assert notices("deliverable_due") == [("partner", f"due-14:{deliverable.pk}:{deliverable.due_on}")]
    assert jobs.deliverable_reminders_send(today=TODAY + datetime.timedelta(days=1)) == 0  # already reminded
    assert jobs.deliverable_reminders_send(today=TODAY + datetime.timedelta(days=11)) == 1  # the 3-day one
    assert len(notices("deliverable_due")) == 2


def test_overdue_deliverable_is_reported_to_officers_once(setup, organization):
    _agreement, initiative = setup
    late = DeliverableFactory(
        initiative=initiative, responsible=organization, due_on=TODAY - datetime.timedelta(days=1)
    )
    assert late.is_late(TODAY) and not late.is_late(late.due_on)
    assert jobs.deliverables_overdue_report(today=TODAY) == 2  # viewer and editor of 四條畷市
    assert {user for user, _key in notices("deliverable_overdue")} == {"viewer", "editor"}
    assert jobs.deliverables_overdue_report(today=TODAY + datetime.timedelta(days=1)) == 0


def test_ending_notices_90_and_30_days_before(setup):
    agreement, _ = setup
    agreement.ends_on = TODAY + datetime.timedelta(days=60)
    agreement.save()
    assert jobs.agreements_ending_report(today=TODAY) == 2  # the 90-day notice, for two officers
    assert jobs.agreements_ending_report(today=TODAY) == 0
    assert jobs.agreements_ending_report(today=TODAY + datetime.timedelta(days=31)) == 2  # the 30-day one
    assert {key.split(":")[0] for _user, key in notices("agreement_ending")} == {"ending-90", "ending-30"}


def test_agreement_past_its_end_expires(setup):
    agreement, _ = setup
    Agreement.objects.filter(pk=agreement.pk).update(ends_on=TODAY - datetime.timedelta(days=1))
    assert jobs.agreements_expire_due(today=TODAY) == (1, 0)
    agreement.refresh_from_db()
    assert agreement.status == "expired"
    assert len(notices("agreement_expired")) == 2
    assert jobs.agreements_expire_due(today=TODAY) == (0, 0)


def test_auto_renewing_agreement_gets_its_next_period(setup):
    agreement, _ = setup
    Agreement.objects.filter(pk=agreement.pk).update(
        ends_on=datetime.date(2026, 2, 28), auto_renewal=True, renewal_term_months=12
    )
    assert jobs.agreements_expire_due(today=TODAY) == (0, 1)
    agreement.refresh_from_db()
    assert (agreement.status, agreement.ends_on) == ("active", datetime.date(2027, 2, 28))
    assert agreement.amendments.get().kind == "duration"
    assert len(notices("agreement_renewed")) == 2


def test_dormant_agreement_is_flagged_reported_and_cleared(setup, organization, partner):
    agreement, initiative = setup
    long_ago = timezone.now() - datetime.timedelta(days=400)
    Agreement.objects.filter(pk=agreement.pk).update(updated_at=long_ago)
    deliverable = DeliverableFactory(initiative=initiative, responsible=organization)
    type(deliverable).objects.filter(pk=deliverable.pk).update(updated_at=long_ago)
    today = timezone.localdate()

    assert jobs.agreements_dormancy_flag(today=today) == 1
    agreement.refresh_from_db()
    assert agreement.dormant_since == long_ago.astimezone(timezone.get_current_timezone()).date()
    assert len(notices("agreement_dormant")) == 2
    assert jobs.agreements_dormancy_flag(today=today) == 0  # flagged once, told once
    assert len(notices("agreement_dormant")) == 2

    ProgressUpdateFactory(deliverable=deliverable, submitted_by=partner)  # activity
    jobs.agreements_dormancy_flag(today=today)
    agreement.refresh_from_db()
    assert agreement.dormant_since is None


def test_recently_active_agreement_is_not_dormant(setup):
    assert jobs.agreements_dormancy_flag(today=timezone.localdate()) == 0


def test_inactive_users_and_other_cities_get_nothing(setup, organization, other_city):
    _agreement, initiative = setup
    ghost = UserFactory(username="ghost", is_active=False)
    MembershipFactory(user=ghost, municipality=None, organization=organization, role=Role.EDITOR)
    DeliverableFactory(initiative=initiative, responsible=organization, due_on=TODAY + datetime.timedelta(days=3))
    jobs.deliverable_reminders_send(today=TODAY)
    jobs.deliverables_overdue_report(today=TODAY + datetime.timedelta(days=10))
    users = {n.recipient.username for n in Notice.objects.all()}
    assert "ghost" not in users and "other-approver" not in users
