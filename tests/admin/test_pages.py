"""Every admin page renders for the people who may see it: list, add, change, history; and inlines save."""

import pytest
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from agreements.models import Agreement, CooperationField, Party
from partnerships.models import Municipality, Organization
from tests.factories import OrganizationFactory

from .conftest import admin_url, form_data
from .test_query_counts import OFFICER_QUERIES, add_rows

pytestmark = pytest.mark.django_db

MODELS = list(OFFICER_QUERIES)


def test_every_model_is_registered_with_its_history():
    """All fifteen models have an admin; all but the vocabulary (which keeps no history) show history."""
    for model in MODELS:
        model_admin = admin.site._registry[model]
        assert isinstance(model_admin, SimpleHistoryAdmin) == (model is not CooperationField), model


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_superuser_opens_every_page(model, admin_client, city):
    """Changelist, add, change and history pages render for a superuser."""
    add_rows(city, 1)
    obj = model._default_manager.order_by("pk").last()

    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200
    assert admin_client.get(admin_url(model, "history", obj.pk)).status_code == 200
    add = admin_client.get(admin_url(model, "add")).status_code
    assert add == (403 if model.__name__ == "ProgressUpdate" else 200)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_editor_opens_own_records(model, login, editor, city):
    """An editor opens the change and history pages of their city's records (and shared ones)."""
    add_rows(city, 1)
    client = login(editor)
    obj = client.get(admin_url(model, "changelist")).context["cl"].result_list[0]

    assert client.get(admin_url(model, "change", obj.pk)).status_code == 200
    assert client.get(admin_url(model, "history", obj.pk)).status_code == 200


def test_editor_adds_a_party_through_the_agreement_inline(login, editor, agreement):
    """Inlines follow the agreement's rights: an editor adds a partner on the agreement's page."""
    organization = OrganizationFactory(name="国立大学法人テスト大学")
    client = login(editor)
    data = form_data(client.get(admin_url(Agreement, "change", agreement.pk)))
    data.update(
        {"parties-TOTAL_FORMS": "1", "parties-0-organization": str(organization.pk), "parties-0-role": "partner"}
    )

    response = client.post(admin_url(Agreement, "change", agreement.pk), data)

    assert response.status_code == 302, response.context["errors"]
    assert Party.objects.get(agreement=agreement).organization == organization


def test_viewer_gets_read_only_inlines(login, viewer, agreement):
    """A viewer's agreement page has inlines without add or delete."""
    response = login(viewer).get(admin_url(Agreement, "change", agreement.pk))

    for inline in response.context["inline_admin_formsets"]:
        assert not (inline.has_add_permission or inline.has_change_permission or inline.has_delete_permission)


def test_officer_sidebar_lists_no_auth_models(login, editor):
    """Officers see Kyoso's models, not users and groups (those need Django permissions)."""
    app_labels = {app["app_label"] for app in login(editor).get("/admin/").context["app_list"]}

    assert app_labels == {"agreements", "partnerships"}


def test_municipality_code_is_read_only_even_for_superusers(admin_client, city):
    """Codes come from the loader: the change form has no code field."""
    form = admin_client.get(admin_url(Municipality, "change", city.pk)).context["adminform"].form

    assert "code" not in form.fields


def test_organization_prefecture_choices_are_all_prefectures(login, editor, city):
    """A partner's prefecture is any prefecture, not the officer's own municipality."""
    form = login(editor).get(admin_url(Organization, "add")).context["adminform"].form

    assert [m.kind for m in form.fields["prefecture"].queryset] == ["prefecture"]
