"""load_demo: the demo records and accounts that a fresh install starts with."""

import datetime
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.urls import reverse

from agreements.choices import AgreementKind, AgreementStatus, DeliverableStatus, ReviewStatus
from agreements.demo import DEMO_TITLE_PREFIX, demo_agreements
from agreements.demo.catalog import agreement_specs, parse_date
from agreements.demo.people import ACCOUNTS, CONTACTS, DEPARTMENTS, ORGANIZATIONS, REQUIRED_MUNICIPALITIES
from agreements.demo.timeline import Timeline
from agreements.models import Deliverable, Measurement, OutcomeIndicator, Party, ProgressUpdate
from partnerships.codes import is_valid_corporate_number
from partnerships.models import Contact, Membership, Organization, Role

SHIJONAWATE = "272299"
User = get_user_model()


def row_counts() -> dict[str, int]:
    """The number of rows of every model, history tables included (a model without a table has none)."""
    tables = set(connection.introspection.table_names())
    return {model._meta.label: model.objects.count() for model in apps.get_models() if model._meta.db_table in tables}


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_load_demo_without_municipalities_says_to_load_them_first():
    """Without the national list the command stops with a clear message and writes nothing."""
    with pytest.raises(CommandError, match="load_municipalities") as error:
        load_demo()

    assert SHIJONAWATE in str(error.value)
    assert not User.objects.exists()
    assert not Organization.objects.exists()


@pytest.fixture(scope="class")
def demo_output(django_db_setup, django_db_blocker):
    """The municipalities and the demo, loaded once for a class of tests and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_municipalities", stdout=StringIO())
        yield load_demo()
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_output")
class TestLoadedDemo:
    def test_officer_accounts_have_their_roles(self):
        """demo-admin is a superuser; demo-officer approves at 四條畷市, demo-officer-2 edits at 大東市."""
        admin = User.objects.get(username="demo-admin")
        assert admin.is_superuser and admin.is_staff

        officer = User.objects.get(username="demo-officer")
        assert officer.is_staff and not officer.is_superuser
        assert list(officer.memberships.values_list("municipality__code", "organization", "role")) == [
            (SHIJONAWATE, None, Role.APPROVER)
        ]

        officer_2 = User.objects.get(username="demo-officer-2")
        assert officer_2.is_staff
        assert list(officer_2.memberships.values_list("municipality__code", "role")) == [("272183", Role.EDITOR)]

        for user in User.objects.filter(username__startswith="demo-"):
            assert user.first_name and user.last_name
            assert user.email.endswith("@example.jp")

    def test_partner_accounts_sit_on_either_side_of_shijonawate(self):
        """demo-partner's organization works with 四條畷市 and reports there; demo-partner-2's does not."""
        partner = Membership.objects.get(user__username="demo-partner")
        assert partner.role == Role.EDITOR and partner.municipality is None
        organization = partner.organization
        assert Party.objects.filter(organization=organization, agreement__municipality__code=SHIJONAWATE).exists()
        assert Deliverable.objects.filter(
            responsible=organization, initiative__agreement__municipality__code=SHIJONAWATE
        ).exists()
        assert OutcomeIndicator.objects.filter(
            reporter=organization, agreement__municipality__code=SHIJONAWATE
        ).exists()

        partner_2 = Membership.objects.get(user__username="demo-partner-2")
        assert partner_2.role == Role.EDITOR
        assert partner_2.organization.parties.exists()
        assert not partner_2.organization.parties.filter(agreement__municipality__code=SHIJONAWATE).exists()

    def test_accounts_log_in_with_the_demo_password(self, client, settings):
        for username in ["demo-admin", "demo-officer", "demo-officer-2", "demo-partner", "demo-partner-2"]:
            assert client.login(username=username, password=settings.DEMO_PASSWORD), username

    def test_officers_can_use_the_admin(self, client):
        for username in ["demo-officer", "demo-officer-2"]:
            client.force_login(User.objects.get(username=username))
            assert client.get(reverse("admin:index")).status_code == 200, username

    def test_demo_password_setting_changes_the_passwords_and_nothing_else(self, client, settings):
        before = row_counts()
        old_password, settings.DEMO_PASSWORD = settings.DEMO_PASSWORD, "another-demo-password"

        output = load_demo()

        assert row_counts() == before
        assert "another-demo-password" not in output  # only the well-known default is printed
        assert client.login(username="demo-officer", password="another-demo-password")
        assert not client.login(username="demo-partner", password=old_password)

    def test_about_thirty_agreements_of_every_kind_and_status(self):
        """Every kind and status occurs; drafts stay unpublished; most agreements cost the city nothing."""
        agreements = demo_agreements()
        assert 25 <= agreements.count() <= 40
        assert all(title.startswith(DEMO_TITLE_PREFIX) for title in agreements.values_list("title", flat=True))
        assert set(agreements.values_list("kind", flat=True)) == set(AgreementKind.values)
        assert set(agreements.values_list("status", flat=True)) == set(AgreementStatus.values)
        assert agreements.filter(municipality__code=SHIJONAWATE).count() >= 10
        assert agreements.values("municipality").distinct().count() >= 3
        drafts = agreements.filter(status=AgreementStatus.DRAFT)
        assert drafts.exists() and not drafts.filter(published=True).exists()
        assert not agreements.filter(published=True, published_at__isnull=True).exists()
        assert agreements.filter(kind=AgreementKind.INDIVIDUAL, parent__isnull=False).exists()
        assert agreements.filter(zero_budget=True).count() > agreements.count() * 3 / 4
        assert agreements.filter(zero_budget=False).exists()
        for agreement in agreements.exclude(status=AgreementStatus.DRAFT):
            assert agreement.parties.filter(role="lead_partner").count() == 1, agreement.public_id

    def test_deliverables_cover_every_status_with_due_dates_around_today(self):
        today = datetime.date.today()
        deliverables = Deliverable.objects.filter(initiative__agreement__in=demo_agreements())
        assert set(deliverables.values_list("status", flat=True)) == set(DeliverableStatus.values)
        assert deliverables.overdue(today).exists()
        assert deliverables.open().filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=7)).exists()
        for deliverable in deliverables.select_related("initiative__agreement"):
            assert deliverable.initiative.agreement.parties.filter(organization=deliverable.responsible_id).exists()

    def test_partner_reports_are_pending_accepted_and_returned(self):
        updates = ProgressUpdate.objects.filter(deliverable__initiative__agreement__in=demo_agreements())
        pending = updates.pending().filter(submitted_by__username="demo-partner")
        assert pending.filter(deliverable__initiative__agreement__municipality__code=SHIJONAWATE).exists()
        assert updates.filter(review_status=ReviewStatus.ACCEPTED, reviewed_by__username="demo-officer").exists()
        returned = updates.get(review_status=ReviewStatus.RETURNED)
        assert returned.review_comment

    def test_measurements_span_two_years_and_partner_values_wait_for_review(self):
        measurements = Measurement.objects.filter(indicator__agreement__in=demo_agreements())
        longest = max(
            (indicator.measurements.last().period_end - indicator.measurements.first().period_start).days
            for indicator in OutcomeIndicator.objects.filter(agreement__in=demo_agreements())
        )
        assert longest >= 2 * 365
        assert measurements.pending().filter(reported_by__username="demo-partner").exists()
        assert measurements.filter(reported_by__username="demo-partner", review_status=ReviewStatus.ACCEPTED).exists()

    def test_contacts_on_both_sides_are_linked_to_agreements(self):
        contacts = Contact.objects.filter(agreements__in=demo_agreements()).distinct()
        assert contacts.filter(municipality__code=SHIJONAWATE).exists()
        assert contacts.filter(organization__isnull=False).exists()
        assert all(email.endswith("example.jp") for email in Contact.objects.values_list("email", flat=True))

    def test_demo_organizations_are_marked_and_carry_valid_corporate_numbers(self):
        numbers = [spec.corporate_number for spec in ORGANIZATIONS]
        organizations = Organization.objects.filter(corporate_number__in=numbers)
        assert organizations.count() == len(ORGANIZATIONS)
        for organization in organizations:
            assert organization.name.startswith("デモ")
            assert is_valid_corporate_number(organization.corporate_number)
            assert organization.corporate_number[1:5] == "9999"
            assert ".example." in organization.website

    def test_history_shows_who_did_what(self):
        agreement = demo_agreements().get(
            published=True, municipality__code=SHIJONAWATE, parent__isnull=True, title__contains="スマート行政"
        )
        actors = set(agreement.history.values_list("history_user__username", flat=True))
        assert actors == {"demo-officer"}
        update = ProgressUpdate.objects.filter(
            review_status=ReviewStatus.ACCEPTED, deliverable__initiative__agreement=agreement
        ).first()
        assert {"demo-partner", "demo-officer"} <= set(update.history.values_list("history_user__username", flat=True))

    def test_a_yearly_review_with_both_sides_and_a_renewal_decision(self):
        """Issue 16: last fiscal year evaluated by the city and the partner, one aspect two grades apart
        (the comparison highlights it), and the city's decision to renew with changes."""
        from agreements.models import AnnualEvaluation, RenewalDecision
        from agreements.review_services import evaluation_differences

        (decision,) = RenewalDecision.objects.select_related("agreement")
        agreement = decision.agreement
        assert (agreement.municipality.code, decision.outcome) == (SHIJONAWATE, "renew_with_changes")
        evaluations = AnnualEvaluation.objects.filter(agreement=agreement)
        assert sorted(evaluations.values_list("side", flat=True)) == ["city", "partner"]
        fiscal_year = evaluations.first().fiscal_year
        assert fiscal_year == Timeline(datetime.date.today()).fiscal_year - 1
        differences = evaluation_differences(agreement=agreement, fiscal_year=fiscal_year)
        assert [row.aspect for row in differences] == ["information"]

    def test_second_run_creates_and_changes_nothing(self):
        before = row_counts()
        passwords = dict(User.objects.values_list("username", "password"))

        output = load_demo()

        assert "nothing created" in output
        assert row_counts() == before
        assert dict(User.objects.values_list("username", "password")) == passwords

    def test_output_lists_counts_and_accounts(self, demo_output):
        assert "agreements: " in demo_output
        for username in ["demo-admin", "demo-officer", "demo-officer-2", "demo-partner", "demo-partner-2"]:
            assert username in demo_output


@pytest.mark.parametrize(
    "today",
    [datetime.date(2026, 4, 1), datetime.date(2026, 11, 26), datetime.date(2027, 2, 28), datetime.date(2028, 3, 31)],
)
def test_catalogue_dates_stay_consistent_whatever_the_day(today):
    """Dates follow today: the past stays past, active agreements have not ended, expired ones have."""
    timeline = Timeline(today)
    specs = agreement_specs(timeline)
    keys = {spec.key for spec in specs}
    for spec in specs:
        assert spec.parent is None or spec.parent in keys
        if spec.signed_on:
            assert spec.signed_on <= spec.starts_on <= today
        if spec.status == "active" and spec.ends_on:
            assert spec.ends_on >= today, spec.key
        if spec.status == "expired":
            assert spec.ends_on < today, spec.key
        assert all(amendment.amended_on <= today for amendment in spec.amendments), spec.key
        for initiative in spec.initiatives:
            assert not initiative.ends_on or initiative.starts_on <= initiative.ends_on
            for deliverable in initiative.deliverables:
                met = [report.met_on for report in deliverable.reports if report.met_on] + [deliverable.met_on]
                assert all(day <= today for day in met if day), deliverable.title
    assert len(timeline.periods("quarterly")) >= 8


def test_catalogue_dates_are_read_relative_to_today():
    timeline = Timeline(datetime.date(2026, 11, 26))
    assert parse_date("FY-2/05/15", timeline) == datetime.date(2024, 5, 15)
    assert parse_date("FY0/03/31", timeline) == datetime.date(2027, 3, 31)
    assert parse_date("FY+1/01/31", timeline) == datetime.date(2028, 1, 31)
    assert parse_date("today-10", timeline) == datetime.date(2026, 11, 16)
    with pytest.raises(ValueError, match="FY-2/05/15"):
        parse_date("2024-05-15", timeline)


def test_people_refer_to_known_places_and_organizations():
    """Every prefecture, department and organization the people data names exists in it."""
    keys = {organization.key for organization in ORGANIZATIONS}
    assert len(keys) == len(ORGANIZATIONS)
    assert {organization.prefecture for organization in ORGANIZATIONS} <= set(REQUIRED_MUNICIPALITIES)
    for contact in CONTACTS:
        if contact.department:
            assert contact.department in {name for name, _en in DEPARTMENTS[contact.side]}
        else:
            assert contact.side in keys
    assert {account.organization for account in ACCOUNTS if account.organization} <= keys
