"""The public pages of the proposal scheme: /proposals/ and a theme's page. Every decision is public; a
proposal's content only when Proposal.content_public allows — a rejected confidential proposal's
decision is on the page while nothing of its content is."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from proposals.models import DecisionOutcome
from tests.factories import MunicipalityFactory, OrganizationFactory
from tests.proposals.conftest import SECRET, decided, proposal, theme

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def published(city, other_city):
    open_theme = theme(city)
    closed = theme(
        city,
        title="図書館の夜間開館",
        opens_on=TODAY - datetime.timedelta(days=90),
        closes_on=TODAY - datetime.timedelta(days=60),
    )
    hidden = theme(city, title="下書きのテーマ", published=False)
    company = OrganizationFactory(name="株式会社提案")
    adopted = decided(
        proposal(city, company, title="公園カフェ", theme=open_theme, offer="カフェの運営", publish_consent=True),
        DecisionOutcome.ADOPTED,
        "地域の賑わいに資する",
    )
    secret = decided(
        proposal(
            city,
            company,
            title="機密の提案",
            theme=open_theme,
            problem=SECRET,
            offer=SECRET,
            expected_outcome=SECRET,
            measurement=SECRET,
            city_must_provide=SECRET,
            period=SECRET,
            confidential=True,
            publish_consent=True,
        ),
        DecisionOutcome.REJECTED,
        "既存事業と重複するため",
    )
    consented_not = decided(
        proposal(city, company, title="同意のない採択", offer="同意なしの内容"), DecisionOutcome.ADOPTED
    )
    under_review = proposal(city, company, title="審査中の提案")
    elsewhere = decided(proposal(other_city, company, title="大東市の提案"), DecisionOutcome.REJECTED)
    return {
        "open": open_theme,
        "closed": closed,
        "hidden": hidden,
        "adopted": adopted,
        "secret": secret,
        "consented_not": consented_not,
        "under_review": under_review,
        "elsewhere": elsewhere,
    }


def test_index_lists_themes_and_decisions_without_confidential_content(client, published, django_assert_num_queries):
    with django_assert_num_queries(4):  # themes, decisions, national figures, figures by municipality
        response = client.get(reverse("portal:proposals"))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "公園カフェ",
        "図書館の夜間開館",
        "機密の提案",
        "既存事業と重複するため",
        "大東市の提案",
        "カフェの運営",
    ):
        assert text in html
    assert SECRET not in html  # the rejected confidential proposal: its decision, none of its content
    assert "同意なしの内容" not in html  # adopted without consent: no content
    assert "下書きのテーマ" not in html
    assert "審査中の提案" not in html


def test_index_filtered_by_municipality(client, published, city, django_assert_num_queries):
    with django_assert_num_queries(5):  # municipality, themes, decisions, national and local figures
        response = client.get(reverse("portal:proposals"), {"municipality": city.code})
    html = response.content.decode()
    assert "公園カフェ" in html and "大東市の提案" not in html
    assert SECRET not in html


@pytest.mark.parametrize("code", ["abc", "12345", "999999", "2722999"])
def test_bad_municipality_is_404(client, published, code):
    assert client.get(reverse("portal:proposals"), {"municipality": code}).status_code == 404


def test_pipeline_figures_on_the_page(client, published):
    with translation.override("en"):
        response = client.get(reverse("portal:proposals"))
    national = response.context["national"]
    assert national == {"received": 5, "adopted": 2, "agreements": 0, "delivering": 0}
    assert [row["municipality__code"] for row in response.context["by_municipality"]] == ["272183", "272299"]


def test_theme_page(client, published, django_assert_num_queries):
    with django_assert_num_queries(2):  # the theme, its decisions
        response = client.get(reverse("portal:proposal-theme", args=[published["open"].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "公園カフェ" in html and "機密の提案" in html and "既存事業と重複するため" in html
    assert SECRET not in html
    assert "同意のない採択" not in html  # a free proposal: not on the theme's page


def test_unpublished_theme_is_404(client, published):
    assert client.get(reverse("portal:proposal-theme", args=[published["hidden"].pk])).status_code == 404
    assert client.get(reverse("portal:proposal-theme", args=[999999])).status_code == 404


def test_municipality_page_links_only_with_themes_or_decisions(client, published, city):
    link = reverse("portal:proposals") + f"?municipality={city.code}"
    assert link in client.get(reverse("portal:municipality", args=[city.code])).content.decode()
    nothing = MunicipalityFactory(code="272272", name="東大阪市")
    page = client.get(reverse("portal:municipality", args=[nothing.code])).content.decode()
    assert reverse("portal:proposals") not in page
