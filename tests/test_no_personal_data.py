"""A scan of every output over the full demo data set for personal data and unpublished records.

Three viewers, each shown everything they can reach: the pages (crawled from their start page, links
followed), the API (lists, CSV, details, history, OCDS) and, anonymously, the bulk open-data files.

- anonymous: no contact's or user's name (whole, or any part of two characters or more, in kanji or
  kana), e-mail or phone number (with or without hyphens), and no unpublished agreement;
- a partner of an organisation with no agreement with 四條畷市, and an officer of another city (大東市),
  logged in with a session: none of that of 四條畷市's people and drafts, nor of anyone else outside
  their own organisation or city and the partners it works with.

Every scanned URL must answer 200 with content: a URL that answers anything else fails the test unless
it is listed in EXPECTED with the reason. Personal data reaching a viewer fails it too, naming the
viewer, the URL and the data.
"""

import gzip
import json
import re
from collections import deque
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Q
from django.test import Client

from agreements.models import Agreement, Party
from opendata.bulk import current_dir, opendata_export
from partnerships.models import Contact, Department, Membership, Municipality, Organization
from proposals.demo import SECRET_OFFER, SECRET_PROBLEM

pytestmark = pytest.mark.django_db

SHIJONAWATE = "272299"

# URLs that answer something other than 200, and why (for every viewer, or for partners only). Any
# other answer than 200 fails the test.
EXPECTED = {
    "/no-such-page/": (404, "the site's 404 page is scanned too"),
    "/api/v1/nothing/": (404, "the API's 404 answer is scanned too"),
    "/api/v1/agreements/999999-2099-999/": (404, "an agreement that does not exist"),
    "/api/v1/municipalities/?format=csv": (404, "this list has no CSV form"),
    "/api/v1/documents/?format=csv": (404, "this list has no CSV form"),
    "/api/v1/progress-updates/?format=csv": (404, "this list has no CSV form"),
}
EXPECTED_FOR_PARTNERS = {"/workspace/": (302, "a partner's workspace is /workspace/partner/")}
EXPECTED_FOR_OFFICERS_OF_ONE_CITY = {"/workspace/outcomes/": (302, "goes straight to the one city's procedures")}
# Never followed: not pages (static files, the language switch, log-out), the API's own documentation
# (no data) and the admin (a test of its own); nor links with a query other than a page number (filtered
# lists show what the unfiltered ones do; a log-in link carries the page it came from, without end).
NOT_FOLLOWED = re.compile(r"^/(static/|admin/|i18n/|accounts/logout/|api/v1/(docs|schema)/)|\?(?!page=\d+$)")
MAX_PAGES = 400  # per viewer; the demo has about half that
# Two-kana parts (あや, まい, もり, あい, ゆみ, あべ …) are everyday syllables of Japanese text: only the
# whole kana name and its parts of three kana or more are scanned.
MIN_KANA_PART = 3
KANA = re.compile(r"^[ぁ-ゖー]+$")


@pytest.fixture
def demo(settings, tmp_path):
    settings.KYOSO_OPENDATA_DIR = tmp_path / "opendata"
    call_command("load_municipalities", verbosity=0)
    call_command("load_demo", verbosity=0)
    call_command("load_procedures", verbosity=0)
    call_command("load_outcome_demo", verbosity=0)
    call_command("load_proposal_demo", verbosity=0)
    from opendata.services import releases_record_all

    releases_record_all()
    opendata_export()


# --- what must not be seen -----------------------------------------------------------------------------


def person_terms(name: str, kana: str = "", email: str = "", phone: str = "") -> set[str]:
    """Every form in which a person could be recognised: the name whole (with and without its space),
    each part of two characters or more, the kana likewise, the e-mail and its local part (a contact's
    is their name: tanaka.misaki), the phone number with and without hyphens."""
    terms = set()
    for text, shortest in ((name, 2), (kana, MIN_KANA_PART)):
        parts = text.split()
        if parts:
            terms |= {" ".join(parts), "".join(parts)}
        terms |= {part for part in parts if len(part) >= (shortest if KANA.match(part) else 2)}
    if email:
        terms |= {email, email.split("@")[0]}
    if phone:
        terms |= {phone, phone.replace("-", ""), phone.replace("-", " ")}
    return {term for term in terms if len(term) >= 2}


@dataclass
class Person:
    label: str  # for the failure message: "contact 田中 美咲 (四條畷市 企画政策課)"
    terms: set
    municipality_ids: set = field(default_factory=set)
    organization_ids: set = field(default_factory=set)
    # A user's account name: never in a public output. Members see it where it belongs (who changed a
    # record, who sent a report), and the demo's e-mail addresses are <account>@example.jp.
    account: str = ""


def people() -> list[Person]:
    found = []
    for contact in Contact.objects.select_related("municipality", "organization"):
        found.append(
            Person(
                f"contact {contact.name} ({contact.municipality or contact.organization})",
                person_terms(contact.name, contact.name_kana, contact.email, contact.phone),
                {contact.municipality_id} - {None},
                {contact.organization_id} - {None},
            )
        )
    for user in get_user_model().objects.all():
        memberships = Membership.objects.filter(user=user)
        found.append(
            Person(
                f"user {user.username}",
                person_terms(f"{user.last_name} {user.first_name}") | {user.email},
                set(memberships.exclude(municipality=None).values_list("municipality_id", flat=True)),
                set(memberships.exclude(organization=None).values_list("organization_id", flat=True)),
                user.username,
            )
        )
    return found


@dataclass
class Viewer:
    name: str
    user: object = None
    municipality_ids: set = field(default_factory=set)  # where the viewer is an officer
    organization_ids: set = field(default_factory=set)  # where the viewer is a partner

    def works_with(self, person: Person) -> bool:
        """The viewer's own colleagues, and the people on the other side of the viewer's own agreements."""
        if self.user is None:
            return False
        partners = set(
            Party.objects.filter(agreement__municipality_id__in=self.municipality_ids).values_list(
                "organization_id", flat=True
            )
        )
        cities = set(
            Agreement.objects.filter(parties__organization_id__in=self.organization_ids).values_list(
                "municipality_id", flat=True
            )
        )
        return bool(
            person.municipality_ids & (self.municipality_ids | cities)
            or person.organization_ids & (self.organization_ids | partners)
        )

    def hidden_drafts(self) -> set[str]:
        drafts = Agreement.objects.filter(published=False)
        if self.user is not None:
            drafts = drafts.exclude(
                Q(municipality_id__in=self.municipality_ids) | Q(parties__organization_id__in=self.organization_ids)
            )
        # an agreement made from an adopted proposal carries the proposal's title, which is public with the
        # decision (issue 16: proposer, title, decision and reasons are published): not a leak of the draft
        drafts = drafts.exclude(proposals__isnull=False)
        return set(drafts.values_list("title", flat=True))


def viewer_of(username: str | None) -> Viewer:
    if username is None:
        return Viewer("anonymous")
    user = get_user_model().objects.get(username=username)
    memberships = Membership.objects.filter(user=user)
    return Viewer(
        username,
        user,
        set(memberships.exclude(municipality=None).values_list("municipality_id", flat=True)),
        set(memberships.exclude(organization=None).values_list("organization_id", flat=True)),
    )


def public_words(terms: set[str]) -> list[str]:
    """Public names that contain a scanned term (池田 in 池田市, まつもと in まつもとし, 高橋 in a
    company's name): masked before the scan, longest first, so that only the person is looked for."""
    words = set()
    for model, fields in (
        (Municipality, ("name", "kana")),
        (Organization, ("name", "kana", "name_en")),
        (Department, ("name",)),
    ):
        for values in model.objects.values_list(*fields):
            words |= {value for value in values if value and any(term in value for term in terms)}
    return sorted(words - terms, key=len, reverse=True)


# --- what is scanned ---------------------------------------------------------------------------------

API_LISTS = [
    "agreements",
    "parties",
    "initiatives",
    "deliverables",
    "indicators",
    "measurements",
    "organizations",
    "municipalities",
    "documents",
    "progress-updates",
]


# Service outcomes (issue 15): the demo's case records of 四條畷市 and its comparison cities.
OUTCOME_API = [
    "/api/v1/procedures/?page_size=100",
    "/api/v1/outcomes/comparison/?procedure=C12",
    "/api/v1/outcomes/comparison/?procedure=L01&period=month",
    "/api/v1/outcomes/references/?procedure=L01",
] + [
    f"/api/v1/outcomes/?municipality={code}&procedure={procedure}&period={period}{suffix}"
    for code in (SHIJONAWATE, "272183")
    for procedure in ("C12", "L01")
    for period in ("month", "fiscal_year")
    for suffix in ("", "&format=csv")
]


# The demo's confidential proposal (proposals.demo, by デモ・北陸ツーリズム to 四條畷市): its decision is
# public, its content reaches nobody but its proposer and the city's officers.
CONFIDENTIAL_PROPOSAL_HIDDEN_FROM = {"anonymous", "demo-officer-2"}


def api_urls(viewer: Viewer) -> list[str]:
    urls = ["/api/v1/stats/", "/api/v1/ocds/releases/?page_size=500", *EXPECTED, *OUTCOME_API]
    urls += ["/api/v1/themes/?page_size=100", "/api/v1/proposals/?page_size=100", "/proposals/"]
    from outcomes.models import IndicatorLink

    urls += [
        f"/api/v1/outcomes/effects/{pk}/"
        for pk in IndicatorLink.objects.filter(indicator__agreement__published=True).values_list(
            "indicator_id", flat=True
        )
    ]
    for resource in API_LISTS:
        urls += [f"/api/v1/{resource}/?page_size=200", f"/api/v1/{resource}/?format=csv"]
    visible = Agreement.objects.filter(published=True)
    if viewer.user is not None:
        visible = Agreement.objects.filter(
            Q(published=True)
            | Q(municipality_id__in=viewer.municipality_ids)
            | Q(parties__organization_id__in=viewer.organization_ids)
        ).distinct()
        urls += ["/api/v1/auth/tokens/"]
        if viewer.municipality_ids:
            urls += ["/api/v1/imports/", "/api/v1/outcomes/imports/"]
    for public_id in visible.values_list("public_id", flat=True):
        urls += [
            f"/api/v1/agreements/{public_id}/",
            f"/api/v1/agreements/{public_id}/history/",
            f"/api/v1/agreements/{public_id}/parties/",
        ]
    for public_id in Agreement.objects.filter(published=True).values_list("public_id", flat=True):
        urls.append(f"/api/v1/ocds/records/{settings.OCDS_PREFIX}-{public_id}/")
    return urls


def start_pages(viewer: Viewer) -> list[str]:
    pages = ["/", "/agreements/", "/opendata/", "/outcomes/"]
    pages += [f"/municipalities/{code}/" for code in ("272299", "272183", "172065")]
    pages += [
        f"/organizations/{pk}/"
        for pk in Organization.objects.filter(parties__agreement__published=True)
        .values_list("pk", flat=True)
        .distinct()
    ]
    if viewer.municipality_ids:
        pages += ["/workspace/", "/workspace/agreements/", "/workspace/review/", "/workspace/imports/"]
    if viewer.organization_ids:
        pages += ["/workspace/partner/", "/workspace/partner/reports/"]
    return pages


LINK = re.compile(r'href="(/[^"#]*)"')


def body_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"\x1f\x8b":
        content = gzip.decompress(content)
    return content.decode("utf-8", errors="replace")


@dataclass
class Scan:
    texts: dict = field(default_factory=dict)  # url -> text
    failures: list = field(default_factory=list)  # (url, status, why)


def scan(client, viewer: Viewer) -> Scan:
    """Every API URL of the viewer, and every page reached from its start pages by following links."""
    result = Scan()
    queue = deque(api_urls(viewer) + start_pages(viewer))
    seen = set(queue)
    pages = 0
    while queue:
        url = queue.popleft()
        response = client.get(url)
        expected, _reason = (
            EXPECTED.get(url)
            or (viewer.organization_ids and EXPECTED_FOR_PARTNERS.get(url))
            or (len(viewer.municipality_ids) == 1 and EXPECTED_FOR_OFFICERS_OF_ONE_CITY.get(url))
            or (200, "")
        )
        text = body_of(response)
        if response.status_code != expected:
            result.failures.append((url, response.status_code, response.get("Location", text[:200])))
            continue
        if response.status_code == 302:  # expected: its target is scanned in its turn
            if response["Location"] not in seen:
                seen.add(response["Location"])
                queue.append(response["Location"])
            continue
        if not text.strip():
            result.failures.append((url, response.status_code, "empty body"))
            continue
        result.texts[url] = text
        if url.startswith("/api/"):
            continue
        pages += 1
        if pages >= MAX_PAGES:
            result.failures.append((url, response.status_code, f"more than {MAX_PAGES} pages: raise MAX_PAGES"))
            break
        for link in LINK.findall(text):
            link = link.replace("&amp;", "&")
            if link not in seen and not NOT_FOLLOWED.search(link):
                seen.add(link)
                queue.append(link)
    return result


def leaks(viewer: Viewer, texts: dict) -> list[str]:
    hidden = [person for person in people() if not viewer.works_with(person)]
    own = viewer_terms(viewer)  # a namesake's 中村 is the viewer's own name too
    terms = {term: person.label for person in hidden for term in person.terms - own}
    if viewer.user is None:
        terms |= {person.account: person.label for person in hidden if person.account}
    drafts = viewer.hidden_drafts()
    masks = public_words(set(terms))
    found = []
    for where, text in texts.items():
        for word in masks:
            text = text.replace(word, "\u25af")
        found += [f"{viewer.name}: {label} as {term!r} in {where}" for term, label in terms.items() if term in text]
        found += [f"{viewer.name}: unpublished {title!r} in {where}" for title in drafts if title in text]
        if "DEMO-" in text:  # a raw 案件ID: only its keyed hash is ever stored (outcomes.demo)
            found.append(f"{viewer.name}: a case's 案件ID in {where}")
        if viewer.name in CONFIDENTIAL_PROPOSAL_HIDDEN_FROM:  # not the proposer, not 四條畷市's officers
            found += [
                f"{viewer.name}: the confidential proposal's {words[:12]!r} in {where}"
                for words in (SECRET_PROBLEM, SECRET_OFFER)
                if words in text
            ]
    return found


def viewer_terms(viewer: Viewer) -> set[str]:
    """The viewer's own name and e-mail: theirs to see."""
    if viewer.user is None:
        return set()
    return person_terms(f"{viewer.user.last_name} {viewer.user.first_name}", email=viewer.user.email)


def test_no_personal_data_and_no_unpublished_record_reaches_a_viewer_who_may_not_see_it(demo):
    anonymous = viewer_of(None)
    stranger = viewer_of("demo-partner-2")  # デモ・北陸ツーリズム株式会社: no agreement with 四條畷市
    other_officer = viewer_of("demo-officer-2")  # editor at 大東市
    shijonawate = Municipality.objects.get(code=SHIJONAWATE)
    assert not Party.objects.filter(
        agreement__municipality=shijonawate, organization_id__in=stranger.organization_ids
    ).exists()
    assert shijonawate.pk not in other_officer.municipality_ids
    hidden = [person for person in people() if not anonymous.works_with(person)]
    assert sum(len(person.terms) for person in hidden) > 200  # the demo really has personal data to leak
    assert {"田中", "美咲", "たなか みさき", "06-0000-1001", "0600001001"} <= {t for p in hidden for t in p.terms}
    assert Agreement.objects.filter(municipality=shijonawate, published=False).exists()

    texts = {}
    failures = []
    found = []
    for viewer in (anonymous, stranger, other_officer):
        client = Client(headers={"Accept-Language": "ja"})
        if viewer.user is not None:
            client.force_login(viewer.user)
        result = scan(client, viewer)
        failures += [(viewer.name, *failure) for failure in result.failures]
        texts[viewer.name] = result.texts
        if viewer is anonymous:
            for path in current_dir().iterdir():
                data = path.read_bytes()
                result.texts[f"bulk file {path.name}"] = (
                    gzip.decompress(data) if path.suffix == ".gz" else data
                ).decode()
            json.loads(result.texts["bulk file ocds-releases.json.gz"])
        found += leaks(viewer, result.texts)

    assert not failures, "\n".join(map(str, failures))
    for name, minimum in (("anonymous", 120), ("demo-partner-2", 120), ("demo-officer-2", 200)):
        assert len(texts[name]) >= minimum, (name, len(texts[name]))
    assert any(url.startswith("/workspace/agreements/") for url in texts["demo-officer-2"])
    assert any(url.startswith("/workspace/partner/") for url in texts["demo-partner-2"])
    assert not found, "\n".join(found)
