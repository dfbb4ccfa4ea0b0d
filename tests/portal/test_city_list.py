"""Issue 11 on the public pages: an unknown cost reads 「不明」, a month-only signing 「2022年3月」, an
inter-municipal agreement is listed on both cities' pages, and an organization's page lists its cities."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships.services import organization_for_public_body
from tests.factories import AgreementFactory, PartyFactory

from .conftest import client_in

pytestmark = pytest.mark.django_db


def published(city, **fields):
    return AgreementFactory(municipality=city, published=True, published_at=timezone.now(), **fields)


def page(url, language="ja", user=None) -> str:
    response = client_in(language, user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_an_unknown_cost_reads_unknown_and_has_no_zero_budget_badge(city):
    """Given a published agreement whose cost is unknown, then its page and its list item say 「不明」
    ("Unknown" in English) and show no ゼロ予算 badge."""
    agreement = published(city, municipal_cost_jpy=None)
    for language, word in (("ja", "不明"), ("en", "Unknown")):
        detail = page(agreement.get_absolute_url(), language)
        assert word in detail and 'class="badge zero"' not in detail
        listing = page(reverse("portal:municipality", args=[city.code]), language)
        assert word in listing and 'class="badge zero"' not in listing


def test_a_stated_zero_cost_has_the_badge(city):
    """Given a cost stated as 0, then the page shows 0円 and the ゼロ予算 badge."""
    detail = page(published(city, municipal_cost_jpy=0).get_absolute_url())
    assert "0円" in detail and 'class="badge zero"' in detail


def test_the_figures_state_the_denominator_of_the_share(city):
    """Given one zero-budget, one stated and one unknown cost, then the city's figures give 50% over the
    two known costs and say one is unknown."""
    for cost in (0, 100_000, None):
        published(city, municipal_cost_jpy=cost)
    text = page(reverse("portal:municipality", args=[city.code]), "en")
    assert "50%" in text and "1 zero-budget agreements of 2 with a known cost (1 unknown)" in text


def test_a_month_only_signing_is_shown_without_a_day(city):
    """Given an agreement signed in March 2022 (day unknown), then pages show 「2022年3月」 and no day."""
    agreement = published(
        city, signed_on=datetime.date(2022, 3, 1), signed_on_precision="month", starts_on=datetime.date(2022, 4, 1)
    )
    detail = page(agreement.get_absolute_url())
    assert "2022年3月" in detail and "2022年3月1日" not in detail
    assert "March 2022" in page(agreement.get_absolute_url(), "en")
    listing = page(reverse("portal:municipality", args=[city.code]))
    assert "2022年3月" in listing and "2022年3月1日" not in listing


def test_an_inter_municipal_agreement_is_on_both_cities_pages(city, other_city):
    """Given an agreement of 四條畷市 with 大東市 as a party (a public body), then both cities' pages list
    it, the party is marked a public body, and the organization page links 大東市."""
    agreement = published(city, title="広域避難に関する相互応援協定", period_text="締結日から1年間")
    body = organization_for_public_body(municipality=other_city)
    PartyFactory(agreement=agreement, organization=body, branch="危機管理課")
    for code in (city.code, other_city.code):
        assert "広域避難に関する相互応援協定" in page(reverse("portal:municipality", args=[code]))
    detail = page(agreement.get_absolute_url(), "en")
    assert "public body" in detail and "危機管理課" in detail and "締結日から1年間" in detail
    organization_page = page(reverse("portal:organization", args=[body.pk]))
    assert reverse("portal:municipality", args=[other_city.code]) in organization_page


def test_the_organization_page_lists_every_city_it_works_with(city, other_city, organization):
    """Given an organization with two agreements in one city and one in another, then its page lists
    both cities, linked, with their counts (the busier first)."""
    for municipality in (city, city, other_city):
        PartyFactory(agreement=published(municipality), organization=organization)
    text = page(reverse("portal:organization", args=[organization.pk]))
    first = text.index(reverse("portal:municipality", args=[city.code]) + '">')
    second = text.index(reverse("portal:municipality", args=[other_city.code]) + '">')
    assert first < second
    assert '<span class="count">2</span>' in text and '<span class="count">1</span>' in text
