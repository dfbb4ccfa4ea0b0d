"""The admin shows and changes only the records of the officer's own municipalities, by role."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from agreements.models import Agreement, Deliverable, Initiative, Measurement, OutcomeIndicator
from partnerships.models import Contact, Department, Membership, Municipality, Organization, Role
from tests.factories import (
    AgreementFactory,
    ContactFactory,
    DepartmentFactory,
    InitiativeFactory,
    MembershipFactory,
    OrganizationFactory,
    OutcomeIndicatorFactory,
    PartyFactory,
    UserFactory,
)

from .conftest import admin_url, form_data

pytestmark = pytest.mark.django_db


# --- who gets in ---------------------------------------------------------------------------------


def test_officer_sees_the_admin_index_with_the_agreements(login, editor):
    """An officer with is_staff and no model permission rows still gets the admin, by membership."""
    response = login(editor).get("/admin/")

    assert response.status_code == 200
    assert admin_url(Agreement, "changelist") in response.content.decode()


def test_partner_staff_user_gets_403_everywhere_in_the_admin(login, partner, agreement):
    """A partner user has no admin, even with is_staff: the index and every page answer 403."""
    client = login(partner)

    assert client.get("/admin/").status_code == 403
    assert client.get(admin_url(Agreement, "changelist")).status_code == 403
    assert client.get(admin_url(Agreement, "change", agreement.pk)).status_code == 403


def test_staff_user_without_membership_gets_403(login):
    """Rights come from memberships only: a bare staff account sees nothing."""
    assert login(UserFactory(username="bare-staff")).get("/admin/").status_code == 403


def test_non_staff_officer_is_sent_to_the_login_page(client, editor):
    """Without is_staff the admin behaves as Django's: back to the login form."""
    client.force_login(editor)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


# --- agreements: list, open, change ----------------------------------------------------------------


def test_officer_lists_only_own_municipality_agreements(login, editor, agreement, other_agreement):
    """The changelist of 四條畷市's editor has its agreement and not 大東市's."""
    response = login(editor).get(admin_url(Agreement, "changelist"))

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [agreement]


def test_superuser_sees_every_municipality(admin_client, agreement, other_agreement):
    """A superuser sees the agreements of all municipalities."""
    response = admin_client.get(admin_url(Agreement, "changelist"))

    assert set(response.context["cl"].result_list) == {agreement, other_agreement}


def test_officer_cannot_open_another_city_agreement(login, other_editor, agreement):
    """大東市's approver opening 四條畷市's agreement is sent to the index, as for a missing record."""
    response = login(other_editor).get(admin_url(Agreement, "change", agreement.pk))

    assert response.status_code == 302
    assert response.url == "/admin/"


def test_officer_cannot_change_another_city_agreement(login, other_editor, agreement):
    """A POST to another city's change form changes nothing."""
    response = login(other_editor).post(admin_url(Agreement, "change", agreement.pk), {"title": "乗っ取り"})

    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.title == "四條畷市とパートナーの包括連携協定"


def test_officer_cannot_read_another_city_agreement_history(login, other_editor, agreement):
    """The change history of another city's agreement, and each version of it, is refused."""
    client = login(other_editor)
    version = agreement.history.latest()

    assert client.get(admin_url(Agreement, "history", agreement.pk)).status_code == 403
    assert client.get(f"/admin/agreements/agreement/{agreement.pk}/history/{version.history_id}/").status_code == 403


def test_viewer_sees_the_agreement_read_only(login, viewer, agreement):
    """A viewer opens the agreement without a save button, and a POST is refused."""
    client = login(viewer)

    page = client.get(admin_url(Agreement, "change", agreement.pk))
    post = client.post(admin_url(Agreement, "change", agreement.pk), {"title": "変更"})

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert 'name="_save"' not in page.content.decode()
    assert post.status_code == 403
    agreement.refresh_from_db()
    assert agreement.title == "四條畷市とパートナーの包括連携協定"


def test_viewer_cannot_revert_to_an_old_version(login, viewer, city):
    """django-simple-history lets viewers POST a revert; the scoping refuses it."""
    department = DepartmentFactory(municipality=city, name="企画課")
    first = department.history.earliest()
    department.name = "政策企画課"
    department.save()

    response = login(viewer).post(
        f"/admin/partnerships/department/{department.pk}/history/{first.history_id}/", {"name": "企画課"}
    )

    assert response.status_code == 403
    department.refresh_from_db()
    assert department.name == "政策企画課"


def test_editor_changes_own_agreement(login, editor, agreement):
    """An editor saves the change form of their city's agreement; the history records who did it."""
    client = login(editor)
    page = client.get(admin_url(Agreement, "change", agreement.pk))

    response = client.post(admin_url(Agreement, "change", agreement.pk), form_data(page, title="改訂後の題名"))

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    agreement.refresh_from_db()
    assert agreement.title == "改訂後の題名"
    assert agreement.history.latest().history_user == editor


def test_change_form_cannot_set_status_publication_or_municipality(login, editor, agreement, other_city):
    """Status, publication, public id and municipality are not form fields: posting them does nothing."""
    public_id = agreement.public_id
    client = login(editor)
    page = client.get(admin_url(Agreement, "change", agreement.pk))
    data = form_data(page, status="active", published="on", public_id="272299-2099-999")
    data["municipality"] = str(other_city.pk)

    client.post(admin_url(Agreement, "change", agreement.pk), data)

    agreement.refresh_from_db()
    assert (agreement.status, agreement.published, agreement.public_id) == ("draft", False, public_id)
    assert agreement.municipality_id != other_city.pk


def test_nobody_reverts_an_agreement_not_even_a_superuser(admin_client, agreement):
    """A revert would bring back an old status or publication behind the lifecycle services."""
    version = agreement.history.latest()

    response = admin_client.post(f"/admin/agreements/agreement/{agreement.pk}/history/{version.history_id}/", {})

    assert response.status_code == 403


def test_editor_deletes_a_draft_but_not_a_published_agreement(login, editor, approver, city):
    """The admin deletes what agreement_delete deletes: an unpublished draft. A published one stays, for
    the approver too (withdraw it first); the refusal is an error message (tests/admin/test_service_writes.py)."""
    draft = AgreementFactory(municipality=city)
    published = AgreementFactory(municipality=city, published=True, published_at=timezone.now())
    client = login(editor)

    refused = client.post(admin_url(Agreement, "delete", published.pk), {"post": "yes"})
    deleted = client.post(admin_url(Agreement, "delete", draft.pk), {"post": "yes"})

    assert refused.status_code == 302 and refused.url == admin_url(Agreement, "change", published.pk)
    assert deleted.status_code == 302
    assert list(Agreement.objects.all()) == [published]
    login(approver).post(admin_url(Agreement, "delete", published.pk), {"post": "yes"})
    assert list(Agreement.objects.all()) == [published]


# --- adding: choices, public id --------------------------------------------------------------------


def test_add_form_offers_only_own_municipality_records(login, editor, city, other_city, agreement, other_agreement):
    """The add forms offer 四條畷市's municipality, departments and agreements only."""
    DepartmentFactory(municipality=city, name="企画課")
    DepartmentFactory(municipality=other_city, name="政策推進課")
    client = login(editor)

    agreement_form = client.get(admin_url(Agreement, "add")).context["adminform"].form
    initiative_form = client.get(admin_url(Initiative, "add")).context["adminform"].form

    assert list(agreement_form.fields["municipality"].queryset) == [city]
    assert [d.municipality for d in agreement_form.fields["department"].queryset] == [city]
    assert list(agreement_form.fields["parent"].queryset) == [agreement]
    assert list(initiative_form.fields["agreement"].queryset) == [agreement]


def test_viewer_is_offered_nothing_to_attach_to(login, viewer, city, agreement):
    """Choices follow the editor role: a viewer cannot even add, and would be offered no agreement."""
    client = login(viewer)

    assert client.get(admin_url(Initiative, "add")).status_code == 403


def test_deeper_forms_offer_only_own_records(login, editor, city, other_city):
    """Deliverables, indicators and measurements point only at records of the officer's city."""
    own_initiative = InitiativeFactory(agreement__municipality=city)
    other_initiative = InitiativeFactory(agreement__municipality=other_city)
    own_indicator = OutcomeIndicatorFactory(agreement=own_initiative.agreement)
    OutcomeIndicatorFactory(agreement=other_initiative.agreement)
    client = login(editor)

    deliverable_form = client.get(admin_url(Deliverable, "add")).context["adminform"].form
    indicator_form = client.get(admin_url(OutcomeIndicator, "add")).context["adminform"].form
    measurement_form = client.get(admin_url(Measurement, "add")).context["adminform"].form

    assert list(deliverable_form.fields["initiative"].queryset) == [own_initiative]
    assert list(indicator_form.fields["agreement"].queryset) == [own_initiative.agreement]
    assert list(measurement_form.fields["indicator"].queryset) == [own_indicator]


def test_editor_adds_an_agreement_with_a_public_id(login, editor, city):
    """A new agreement gets the city's next public id, its creator, and starts as a draft."""
    AgreementFactory(municipality=city, public_id="272299-2024-001")
    client = login(editor)
    page = client.get(admin_url(Agreement, "add"))
    data = form_data(page, municipality=str(city.pk), kind="individual", title="図書館の電子化", signed_on="2024-06-01")

    response = client.post(admin_url(Agreement, "add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    created = Agreement.objects.get(title="図書館の電子化")
    assert created.public_id == "272299-2024-002"
    assert created.created_by == editor
    assert created.status == "draft"
    assert created.published is False


def test_editor_cannot_add_an_agreement_for_another_city(login, editor, other_city):
    """Posting another city as the municipality is a form error; nothing is created."""
    client = login(editor)
    data = form_data(client.get(admin_url(Agreement, "add")), kind="individual", title="越境")
    data["municipality"] = str(other_city.pk)

    response = client.post(admin_url(Agreement, "add"), data)

    assert response.status_code == 200
    assert "municipality" in response.context["adminform"].form.errors
    assert not Agreement.objects.filter(title="越境").exists()


# --- autocomplete ------------------------------------------------------------------------------------


def _autocomplete(client, model_name, field_name, term=""):
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "agreements", "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return {result["id"] for result in response.json()["results"]}


def test_autocomplete_never_returns_another_city_agreement(login, editor, agreement, other_agreement):
    """The agreement autocomplete of an initiative form offers only the officer's city's agreements."""
    assert _autocomplete(login(editor), "initiative", "agreement") == {str(agreement.pk)}


def test_autocomplete_search_does_not_leak_by_term(login, editor, agreement, other_agreement):
    """Searching for another city's public id finds nothing."""
    assert _autocomplete(login(editor), "initiative", "agreement", term=other_agreement.public_id) == set()


def test_autocomplete_offers_a_viewer_nothing_to_attach(login, viewer, agreement):
    """A viewer may view the agreement but may not attach records to it: the autocomplete is empty."""
    assert _autocomplete(login(viewer), "initiative", "agreement") == set()


def test_autocomplete_of_municipality_offers_only_own(login, editor, city, other_city):
    """All officers may look municipalities up, but an agreement's municipality is one of their own."""
    assert _autocomplete(login(editor), "agreement", "municipality") == {str(city.pk)}


def test_superuser_autocomplete_offers_all(admin_client, agreement, other_agreement):
    assert _autocomplete(admin_client, "initiative", "agreement") == {str(agreement.pk), str(other_agreement.pk)}


def test_partner_autocomplete_is_refused(login, partner, agreement):
    response = login(partner).get(
        "/admin/autocomplete/", {"app_label": "agreements", "model_name": "initiative", "field_name": "agreement"}
    )

    assert response.status_code == 403


# --- shared reference data, memberships and contacts ----------------------------------------------


def test_officer_views_municipalities_but_cannot_change_them(login, editor, city, other_city):
    """Municipalities come from the loader: officers look them up, only superusers change them."""
    client = login(editor)

    listing = client.get(admin_url(Municipality, "changelist"))
    post = client.post(admin_url(Municipality, "change", other_city.pk), {"name": "改名"})

    assert other_city in listing.context["cl"].result_list
    assert post.status_code == 403
    assert client.get(admin_url(Municipality, "add")).status_code == 403


def test_editor_registers_a_partner_organization(login, editor):
    """Editors register partners; viewers cannot."""
    client = login(editor)
    data = form_data(client.get(admin_url(Organization, "add")), name="株式会社新規", kind="company")

    response = client.post(admin_url(Organization, "add"), data)

    assert response.status_code == 302
    assert Organization.objects.filter(name="株式会社新規").exists()


def test_viewer_cannot_register_an_organization(login, viewer):
    assert login(viewer).get(admin_url(Organization, "add")).status_code == 403


def test_officer_sees_only_own_memberships_and_cannot_grant_roles(login, approver, editor, other_editor, partner):
    """Memberships of other cities and of partners stay hidden; no officer grants roles."""
    client = login(approver)

    listing = client.get(admin_url(Membership, "changelist"))

    assert {m.user.username for m in listing.context["cl"].result_list} == {"approver", "editor"}
    assert client.get(admin_url(Membership, "add")).status_code == 403


def test_officer_sees_own_contacts_and_partners_contacts_read_only(login, editor, city, other_city, agreement):
    """Own municipality's contacts are editable; contacts of partners to own agreements are read-only;
    other contacts are hidden."""
    own = ContactFactory(organization=None, municipality=city, name="市 職員")
    partner_org = OrganizationFactory()
    PartyFactory(agreement=agreement, organization=partner_org)
    partner_contact = ContactFactory(organization=partner_org, name="連携 担当")
    hidden = [ContactFactory(organization=None, municipality=other_city), ContactFactory()]
    client = login(editor)

    listing = client.get(admin_url(Contact, "changelist"))
    partner_page = client.get(admin_url(Contact, "change", partner_contact.pk))

    assert set(listing.context["cl"].result_list) == {own, partner_contact}
    assert not set(hidden) & set(listing.context["cl"].result_list)
    assert partner_page.status_code == 200
    assert partner_page.context["has_change_permission"] is False
    assert client.get(admin_url(Contact, "change", own.pk)).context["has_change_permission"] is True


def test_department_changelist_is_scoped(login, editor, city, other_city):
    DepartmentFactory(municipality=city, name="企画課")
    DepartmentFactory(municipality=other_city, name="政策推進課")

    listing = login(editor).get(admin_url(Department, "changelist"))

    assert [d.name for d in listing.context["cl"].result_list] == ["企画課"]


def test_officer_with_roles_in_two_cities_edits_only_where_editor(login, city, other_city, agreement, other_agreement):
    """Viewer in one city and editor in another: both are visible, only the second is editable."""
    user = UserFactory(username="two-cities")
    MembershipFactory(user=user, municipality=city, role=Role.VIEWER)
    MembershipFactory(user=user, municipality=other_city, role=Role.EDITOR)
    client = login(user)

    own_page = client.get(admin_url(Agreement, "change", other_agreement.pk))
    viewed_page = client.get(admin_url(Agreement, "change", agreement.pk))

    assert own_page.context["has_change_permission"] is True
    assert viewed_page.context["has_change_permission"] is False
    assert get_user_model().objects.get(pk=user.pk).is_staff
