"""The admin speaks Japanese (issue 14, item 9): every admin page of every model — list, change, add,
history — rendered in Japanese has no English interface word left, visible or read out (alt, title,
aria-label, placeholder, button values). Django 6's new strings, django-simple-history's and
django-axes's come from Kyoso's catalogue (core/wording.py ADMIN_MESSAGES); the yes/no icons' alt text
from core.apps."""

import re
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt, AccessLog

from agreements.models import CooperationField
from partnerships.models import Organization

from .conftest import admin_url
from .test_query_counts import OFFICER_QUERIES, add_rows

pytestmark = pytest.mark.django_db

READ_OUT = ("alt", "title", "aria-label", "placeholder")
ENGLISH = re.compile(r"^[A-Za-z][A-Za-z ,.:;'’/()!?-]*$")
# Names and data, not interface words: the product, a unit of the data, the superuser's name.
ALLOWED = {"Kyoso", "URL", "URL:", "KPI", "admin"}


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        values = dict(attrs)
        self.parts += [values[name] for name in READ_OUT if values.get(name)]
        if values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(data.strip())


def english_words(html: str, data: set[str]) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    return {part for part in parser.parts if ENGLISH.match(part) and part not in ALLOWED and part not in data}


def _data_in_english() -> set[str]:
    """The cooperation fields' English names and codes are data the admin lists, not interface words."""
    names = CooperationField.objects.values_list("name_en", "code")
    return {value for pair in names for value in pair if value}


@pytest.mark.parametrize("model", list(OFFICER_QUERIES), ids=lambda model: model.__name__)
def test_every_admin_page_of_a_model_is_in_japanese(model, admin_client, city):
    add_rows(city, 1)
    obj = model._default_manager.order_by("pk").last()
    data = _data_in_english()
    admin_client.cookies["django_language"] = "ja"
    left = {}
    for view, args in [("changelist", ()), ("change", (obj.pk,)), ("history", (obj.pk,)), ("add", ())]:
        response = admin_client.get(admin_url(model, view, *args), HTTP_ACCEPT_LANGUAGE="ja")
        if response.status_code == 200:
            left[view] = english_words(response.content.decode(), data)
    assert {view: words for view, words in left.items() if words} == {}


def test_the_login_attempt_pages_and_the_index_are_in_japanese(admin_client, city):
    """django-axes's pages (shipped without Japanese) and the admin index with its app names."""
    AccessAttempt.objects.create(username="someone", ip_address="192.0.2.1", user_agent="x", failures_since_start=1)
    AccessLog.objects.create(username="someone", ip_address="192.0.2.1", user_agent="x")
    admin_client.cookies["django_language"] = "ja"
    for url in ["/admin/", admin_url(AccessAttempt, "changelist"), admin_url(AccessLog, "changelist")]:
        response = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="ja")
        assert response.status_code == 200, url
        assert english_words(response.content.decode(), {"someone", "x"}) == set(), url


def test_yes_no_icons_are_read_out_in_japanese(admin_client, city):
    """The boolean icons' alt text (Django writes True/False in English) is the page's language."""
    add_rows(city, 1)
    admin_client.cookies["django_language"] = "ja"
    html = admin_client.get(admin_url(Organization, "changelist")).content.decode()
    html += admin_client.get(admin_url(CooperationField, "changelist")).content.decode()
    from django.contrib.admin.templatetags import admin_list

    assert getattr(admin_list._boolean_icon, "kyoso", False), "Django moved _boolean_icon: see core/apps.py"
    assert 'alt="True"' not in html and 'alt="False"' not in html
