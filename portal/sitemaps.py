"""sitemap.xml and robots.txt of the public portal (routed from config/urls.py).

The sitemap lists the home and search pages, the open-data and publication-policy pages, every
municipality page with public content (a municipality with a published agreement of its own or as a
party, and the prefecture of one), every organization with a published agreement, every published
agreement, and the pages of the published outcome figures — never a record the public cannot see. Up
to LIMIT URLs (sitemaps.org's 50,000) it is one file; beyond, /sitemap.xml becomes a sitemap index of
/sitemap-<section>.xml?p=N files. Each section is counted once per request and read in one query
(tests/portal/test_sitemap.py pins the counts)."""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.db.models import Exists, Max, OuterRef, Q
from django.http import HttpResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.decorators.http import require_safe

from agreements.models import Agreement, Party
from outcomes.models import MunicipalProcedure
from partnerships.models import Municipality, MunicipalityKind, Organization

LIMIT = 50_000  # URLs in one sitemap file (sitemaps.org)
TEMPLATE = "opendata/sitemap.xml"
INDEX_TEMPLATE = "opendata/sitemap_index.xml"
DISALLOWED = ("/workspace/", "/admin/", "/accounts/", "/i18n/")


class _Section(Sitemap):
    """A section whose paginator, hence its count query, is made once per request."""

    @property
    def limit(self):
        return LIMIT

    @cached_property
    def paginator(self):
        return Paginator(self._items(), self.limit)


class PageSitemap(_Section):
    def items(self):
        return ["portal:home", "portal:search", "opendata:index", "portal:publication-policy", "portal:outcomes"]

    def location(self, item):
        return reverse(item)


class AgreementSitemap(_Section):
    def items(self):
        return Agreement.objects.published().only("public_id", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        # the default reads every item; the index needs only the latest
        return Agreement.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class MunicipalitySitemap(_Section):
    def items(self):
        published = Agreement.objects.published()
        own = published.filter(municipality=OuterRef("pk"))
        as_party = Party.objects.filter(organization__municipality=OuterRef("pk"), agreement__published=True)
        in_prefecture = published.filter(municipality__prefecture_code=OuterRef("prefecture_code"))
        return (
            Municipality.objects.filter(
                Exists(own) | Exists(as_party) | (Q(kind=MunicipalityKind.PREFECTURE) & Exists(in_prefecture))
            )
            .only("code")
            .order_by("code")
        )

    def location(self, item):
        return reverse("portal:municipality", kwargs={"code": item.code})


class OrganizationSitemap(_Section):
    def items(self):
        party = Party.objects.filter(organization=OuterRef("pk"), agreement__published=True)
        return Organization.objects.filter(Exists(party)).only("pk").order_by("pk")

    def location(self, item):
        return reverse("portal:organization", kwargs={"pk": item.pk})


class OutcomeSitemap(_Section):
    """The published figures (issue 15): each municipality's outcome list and its page of each procedure
    it publishes, and each such procedure's national comparison — never an unpublished procedure. One
    query: the published (municipality, procedure) pairs."""

    def items(self):
        pairs = (
            MunicipalProcedure.objects.filter(publish_figures=True)
            .values_list("municipality__code", "procedure__code")
            .order_by("municipality__code", "procedure__code")
        )
        urls, cities, procedures = [], set(), set()
        for code, procedure in pairs:
            if code not in cities:
                cities.add(code)
                urls.append(reverse("portal:municipality-outcomes", kwargs={"code": code}))
            urls.append(reverse("portal:municipality-outcome", kwargs={"code": code, "procedure": procedure}))
            procedures.add(procedure)
        return urls + [reverse("portal:outcome-comparison", kwargs={"procedure": p}) for p in sorted(procedures)]

    def location(self, item):
        return item


SECTIONS = {
    "pages": PageSitemap,
    "agreements": AgreementSitemap,
    "municipalities": MunicipalitySitemap,
    "organizations": OrganizationSitemap,
    "outcomes": OutcomeSitemap,
}


def _sections() -> dict[str, Sitemap]:
    return {name: section() for name, section in SECTIONS.items()}


@require_safe
def sitemap(request):
    """/sitemap.xml: every URL in one file, or the index of the sections' files beyond LIMIT URLs."""
    sections = _sections()
    if sum(section.paginator.count for section in sections.values()) <= LIMIT:
        return sitemap_views.sitemap(request, sections, template_name=TEMPLATE)
    return sitemap_views.index(request, sections, template_name=INDEX_TEMPLATE, sitemap_url_name="sitemap-section")


@require_safe
def sitemap_section(request, section):
    """/sitemap-<section>.xml?p=N: one page of one section (listed by the index)."""
    return sitemap_views.sitemap(request, _sections(), section=section, template_name=TEMPLATE)


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), "Allow: /opendata/", "Allow: /"]
    lines += ["", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
