"""sitemap.xml and robots.txt: every public page a crawler should find — home, search, open data, each
published agreement, each municipality and organization with public content — and never a record the
public cannot see; a sitemap index beyond 50,000 URLs; query counts pinned and flat as rows grow."""

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partnerships.services import organization_for_public_body
from portal import sitemaps
from tests.factories import AgreementFactory, MunicipalityFactory, OrganizationFactory, PartyFactory
from tests.portal.conftest import client_in

pytestmark = pytest.mark.django_db
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
HOST = "http://testserver"


def publish(agreement):
    agreement.published, agreement.published_at = True, timezone.now()
    agreement.save()
    return agreement


@pytest.fixture
def public_world(city, other_city, organization):
    """A published agreement of 四條畷市 with `organization`; 大東市 as a party to it (inter-municipal);
    a draft of 四條畷市 with its own partner; a city with nothing published."""
    shown = publish(AgreementFactory(municipality=city, status="active"))
    PartyFactory(agreement=shown, organization=organization)
    PartyFactory(agreement=shown, organization=organization_for_public_body(municipality=other_city))
    draft = AgreementFactory(municipality=city, title="非公開の下書き")
    hidden_partner = OrganizationFactory(name="下書きだけの相手")
    PartyFactory(agreement=draft, organization=hidden_partner)
    quiet = MunicipalityFactory(code="272230", name="門真市")
    AgreementFactory(municipality=quiet)  # never published
    return shown, draft, hidden_partner, quiet


def locations(content: bytes) -> list[str]:
    return [loc.text for loc in ET.fromstring(content).iter(f"{NS}loc")]


def test_the_sitemap_lists_every_public_page_and_nothing_unpublished(public_world, city, other_city, organization):
    shown, draft, hidden_partner, quiet = public_world

    response = client_in("ja").get("/sitemap.xml")

    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)
    assert root.tag == f"{NS}urlset"
    locs = locations(response.content)
    assert len(locs) == len(set(locs))
    prefecture = city.prefecture
    assert set(locs) == {
        f"{HOST}/",
        f"{HOST}/agreements/",
        f"{HOST}/opendata/",
        f"{HOST}/publication-policy/",
        f"{HOST}/outcomes/",
        f"{HOST}/agreements/{shown.public_id}/",
        f"{HOST}/municipalities/{city.code}/",
        f"{HOST}/municipalities/{other_city.code}/",  # a party to the published agreement
        f"{HOST}/municipalities/{prefecture.code}/",  # its prefecture's page lists it
        f"{HOST}/organizations/{organization.pk}/",
        *(f"{HOST}/organizations/{p.organization_id}/" for p in shown.parties.exclude(organization=organization)),
    }
    text = response.content.decode()
    assert draft.public_id not in text and f"/organizations/{hidden_partner.pk}/" not in text
    assert f"/municipalities/{quiet.code}/" not in text
    agreement_url = next(u for u in root.iter(f"{NS}url") if shown.public_id in u.find(f"{NS}loc").text)
    assert agreement_url.find(f"{NS}lastmod").text == timezone.localtime(shown.updated_at).date().isoformat()


def test_an_unpublished_agreement_leaves_the_sitemap(public_world, approver):
    shown = public_world[0]
    shown.published = False
    shown.save()

    text = client_in().get("/sitemap.xml").content.decode()

    assert shown.public_id not in text and "/organizations/" not in text


def test_over_the_limit_the_sitemap_is_an_index_of_section_pages(public_world, city, monkeypatch):
    """With the limit at 2 URLs a file: /sitemap.xml is a sitemap index naming each section's pages, and
    together they list the same URLs as the single file did."""
    single = set(locations(client_in().get("/sitemap.xml").content))
    for _ in range(2):
        publish(AgreementFactory(municipality=city))
    single |= {f"{HOST}/agreements/{a.public_id}/" for a in city.agreements.filter(published=True)}
    monkeypatch.setattr(sitemaps, "LIMIT", 2)

    index = client_in().get("/sitemap.xml")

    assert ET.fromstring(index.content).tag == f"{NS}sitemapindex"
    pages = locations(index.content)
    assert f"{HOST}/sitemap-agreements.xml?p=2" in pages and f"{HOST}/sitemap-pages.xml?p=2" in pages
    listed = set()
    for page in pages:
        response = client_in().get(page.removeprefix(HOST))
        assert response.status_code == 200, page
        urls = locations(response.content)
        assert len(urls) <= 2
        listed |= set(urls)
    assert listed == single
    assert client_in().get("/sitemap-agreements.xml?p=99").status_code == 404
    assert client_in().get("/sitemap-drafts.xml").status_code == 404


def test_robots_txt_allows_the_public_pages_names_the_sitemap_and_keeps_crawlers_out_of_the_rest(db):
    response = client_in().get("/robots.txt")

    assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/workspace/", "/admin/", "/accounts/"):
        assert f"Disallow: {path}" in lines
    assert "Allow: /opendata/" in lines and "Allow: /" in lines
    assert f"Sitemap: {HOST}/sitemap.xml" in lines
    assert not any(line.startswith("Disallow: /opendata") or line == "Disallow: /" for line in lines)


# --- query counts ------------------------------------------------------------------------------------

# the single file: a count and a read per section (pages: none; outcomes: one read); the index: the counts
# and the latest agreement change; a section page: its count and its read
PINNED = {"sitemap": 7, "index": 5, "section page": 2}


def count(url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client_in().get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def add_rows(city, n):
    for _ in range(n):
        agreement = publish(AgreementFactory(municipality=city))
        PartyFactory(agreement=agreement)
        PartyFactory(agreement=AgreementFactory(municipality=city))  # a draft's partner


def test_query_counts_are_pinned_and_do_not_grow_with_rows(public_world, city, monkeypatch):
    def measure():
        single = count("/sitemap.xml")
        with monkeypatch.context() as patch:
            patch.setattr(sitemaps, "LIMIT", 3)
            index, page = count("/sitemap.xml"), count("/sitemap-agreements.xml?p=2")
        return {"sitemap": single, "index": index, "section page": page}

    add_rows(city, 3)
    few = measure()
    add_rows(city, 6)
    many = measure()

    assert few == many == PINNED


def test_published_outcome_figures_are_in_the_sitemap_and_unpublished_ones_are_not(public_world, city, other_city):
    from outcomes.models import MunicipalProcedure, Procedure

    c12 = Procedure.objects.get(code="C12", municipality__isnull=True)
    l01 = Procedure.objects.get(code="L01", municipality__isnull=True)
    MunicipalProcedure.objects.create(municipality=city, procedure=c12, publish_figures=True)
    MunicipalProcedure.objects.create(municipality=city, procedure=l01, publish_figures=False)
    MunicipalProcedure.objects.create(municipality=other_city, procedure=l01, standard_days=20)

    locs = set(locations(client_in().get("/sitemap.xml").content))

    assert {
        f"{HOST}/municipalities/{city.code}/outcomes/",
        f"{HOST}/municipalities/{city.code}/outcomes/C12/",
        f"{HOST}/outcomes/C12/",
    } <= locs
    assert not any("L01" in loc or f"/municipalities/{other_city.code}/outcomes/" in loc for loc in locs)
