"""Helpers of the admin tests: officers are staff users, logged in with the test client."""

import pytest
from django.urls import reverse

from tests.factories import AgreementFactory


@pytest.fixture
def login(client):
    """Make the user staff (officers need no model permissions) and log the test client in as them."""

    def log_in(user):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        client.force_login(user)
        return client

    return log_in


@pytest.fixture
def agreement(city):
    """A draft agreement of 四條畷市."""
    return AgreementFactory(municipality=city, title="四條畷市とパートナーの包括連携協定")


@pytest.fixture
def other_agreement(other_city):
    """A draft agreement of 大東市, which 四條畷市's officers must never see."""
    return AgreementFactory(municipality=other_city, title="大東市の協定")


def admin_url(model, view, *args):
    """reverse() of an admin page: admin_url(Agreement, "change", pk)."""
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def form_data(response, **changes):
    """The POST data of a rendered admin change form (main form and inline formsets), with changes."""
    data = {}

    def add(bound_field):
        value = bound_field.value()
        if value is None or value is False:
            return
        if value is True:
            value = "on"
        data[bound_field.html_name] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)

    for bound_field in response.context["adminform"].form:
        add(bound_field)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for bound_field in formset.management_form:
            add(bound_field)
        for form in formset.forms:
            for bound_field in form:
                add(bound_field)
    data.update(changes)
    return data


@pytest.fixture(autouse=True)
def english(settings):
    """Assertions compare English source strings; the Japanese catalogue comes later."""
    settings.LANGUAGE_CODE = "en"
