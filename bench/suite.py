"""The benchmark's groups: each measures the product and its baselines side by side and returns its
rows and ratios. Order matters only for the import, which adds 10,000 agreements: it runs last (the
search runs before it, over the seeded 100,000)."""

from dataclasses import dataclass, replace
from urllib.parse import quote

from .measure import copy_to_stdout, load_group, ratio, single_request_ms, stream_download


@dataclass
class Options:
    seconds: float
    rounds: int
    connections: int
    largest: str | None
    scale: str = "full"  # BENCH_SCALE: the cases group's seed (bench/outcomes_seed.py CASES)


def _published_ids():
    from agreements.models import Agreement

    published = Agreement.objects.filter(published=True).order_by("-signed_on", "-id")
    count = published.count()
    return published, count


def agreement_list(server, options):
    """Page 1 (50 agreements with municipality, fields and parties) vs the two baselines: the same query
    over and over (the hot mix: the server-side cache answers it, api/cache.py), and a different query
    string on every request (every one a cache miss: ``?signed_before=<another day>``, which keeps every
    row and which the baselines ignore)."""
    variants = {
        "product": "/api/v1/agreements/",
        "hand-tuned": "/bench/tuned/agreements/",
        "naive": "/bench/naive/agreements/",
        "product, distinct queries (cache misses)": "/api/v1/agreements/?signed_before={day}",
        "hand-tuned, distinct queries": "/bench/tuned/agreements/?signed_before={day}",
    }
    group = load_group(server, options, variants)
    by = {row["variant"]: row for row in group["rows"]}
    group["ratios"] = {
        "product / hand-tuned (requests/s)": ratio(by["product"]["rps"], by["hand-tuned"]["rps"]),
        "product / naive (requests/s)": ratio(by["product"]["rps"], by["naive"]["rps"]),
        "product misses / hand-tuned (requests/s)": ratio(
            by["product, distinct queries (cache misses)"]["rps"], by["hand-tuned, distinct queries"]["rps"]
        ),
    }
    return group


def deep_pages(server, options):
    """The last page and the middle page against the first page (and the hand-tuned view's last page)."""
    _published, count = _published_ids()
    middle = max(1, (count // 50) // 2)
    variants = {
        "product, page 1": "/api/v1/agreements/",
        "product, last page": "/api/v1/agreements/?page=last",
        f"product, page {middle} (middle)": f"/api/v1/agreements/?page={middle}",
        "hand-tuned, last page": "/bench/tuned/agreements/?page=last",
    }
    group = load_group(server, options, variants)
    rows = group["rows"]
    group["ratios"] = {
        "last page / page 1 (p50)": ratio(rows[1]["p50_ms"], rows[0]["p50_ms"]),
        "middle page / page 1 (p50)": ratio(rows[2]["p50_ms"], rows[0]["p50_ms"]),
        "product last page / hand-tuned last page (requests/s)": ratio(rows[1]["rps"], rows[3]["rps"]),
    }
    return group


def agreement_detail(server, options):
    published, _count = _published_ids()
    public_id = published.values_list("public_id", flat=True)[10]
    variants = {
        "product": f"/api/v1/agreements/{public_id}/",
        "hand-tuned": f"/bench/tuned/agreements/{public_id}/",
        "naive": f"/bench/naive/agreements/{public_id}/",
    }
    group = load_group(server, options, variants)
    by = {row["variant"]: row for row in group["rows"]}
    group["ratios"] = {
        "product / hand-tuned (requests/s)": ratio(by["product"]["rps"], by["hand-tuned"]["rps"]),
        "product / naive (requests/s)": ratio(by["product"]["rps"], by["naive"]["rps"]),
    }
    return group


def ocds(server, options):
    """The first release package page (100 releases) of the municipality with most agreements, vs its
    stored JSON concatenated as text."""
    code = options.largest
    variants = {
        "product": f"/api/v1/ocds/releases/?municipality={code}",
        "stored JSON as text": f"/bench/tuned/ocds/releases/?municipality={code}",
    }
    group = load_group(server, options, variants)
    group["municipality"] = code
    rows = group["rows"]
    group["ratios"] = {"product / stored text (requests/s)": ratio(rows[0]["rps"], rows[1]["rps"])}
    return group


def stats(server, options):
    """/api/v1/stats/: cold (the cache emptied before each of three requests) and warm (under load),
    against the smallest JSON response this stack gives."""
    from django.core.cache import cache

    from agreements.selectors import STATS_CACHE_KEY

    cold = []
    for _ in range(3):
        cache.delete(STATS_CACHE_KEY)
        cold.append(single_request_ms(server.base, "/api/v1/stats/"))
    group = load_group(server, options, {"product (warm)": "/api/v1/stats/", "floor": "/bench/floor/"})
    group["cold_ms"] = cold
    group["cold_p50_ms"] = sorted(cold)[1]
    rows = group["rows"]
    group["ratios"] = {"warm p50 / floor p50": ratio(rows[0]["p50_ms"], rows[1]["p50_ms"])}
    return group


def pages(server, options):
    """The public agreement page and the officer dashboard (an approver of the largest municipality,
    logged in with a session), against the floor. A page that does not exist yet is reported pending."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from partnerships.models import Membership, Municipality, Role

    published, _count = _published_ids()
    public_id = published.values_list("public_id", flat=True)[10]
    user, _created = get_user_model().objects.get_or_create(username="bench-officer")
    municipality = Municipality.objects.get(code=options.largest)
    Membership.objects.get_or_create(user=user, municipality=municipality, defaults={"role": Role.APPROVER})
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    group = {"rows": [], "pending": []}
    for name, path, headers in (
        ("agreement page (public)", f"/agreements/{public_id}/", None),
        ("officer dashboard", "/workspace/", {"Cookie": cookie}),
    ):
        status = client.get(path).status_code if headers else Client(HTTP_HOST="127.0.0.1").get(path).status_code
        if status != 200:
            group["pending"].append({"page": name, "path": path, "status": status})
            continue
        extra = {"HTTP_COOKIE": cookie} if headers else {}
        measured = load_group(server, options, {name: path}, headers=headers, extra=extra)
        group["rows"].extend(measured["rows"])
    if group["pending"]:
        instead = {"API detail instead": f"/api/v1/agreements/{public_id}/"}
        group["rows"].extend(load_group(server, options, instead)["rows"])
    return group


def csv_exports(server, options):
    """CSV of all published agreements and of all accepted measurements, streamed by the API, vs
    PostgreSQL's COPY … TO STDOUT of the same query; the serving worker's peak memory growth."""
    from django.contrib.auth.models import AnonymousUser

    from agreements.models import Agreement
    from agreements.tables import TABLES
    from api.views.progress import MeasurementViewSet

    querysets = {
        "agreements": Agreement.objects.visible_to(AnonymousUser()),
        "measurements": MeasurementViewSet().visible(AnonymousUser()),
    }
    group = {"rows": [], "ratios": {}}
    # Warm every worker first (imports, translations, the CSV code paths): what is measured is the
    # growth caused by the rows, not a worker's first-request setup.
    for _ in range(server.worker_count() * 3):
        single_request_ms(server.base, "/api/v1/measurements/?format=csv&agreement=none")
        single_request_ms(server.base, "/api/v1/agreements/?format=csv&municipality=000000")
    for name, queryset in querysets.items():
        copied = copy_to_stdout(TABLES[name].values(queryset))
        streamed = stream_download(server, f"/api/v1/{name}/?format=csv")
        group["rows"].append({"dataset": name, "product": streamed, "copy": copied})
        group["ratios"][f"{name}: product / COPY (rows/s)"] = ratio(streamed["rows_per_s"], copied["rows_per_s"])
    return group


def imports(server, options):
    """import_run on a 10,000-row CSV (checked row by row, written with history) vs a bare bulk_create
    of the same agreements (no checks, no history; rolled back)."""
    from .importing import import_benchmark

    return import_benchmark(options.largest, rows=10_000)


def cases(server, options):
    """Service outcomes at national scale (issue 15, section 6): 10,000,000 synthetic cases over 1,741
    municipalities at full scale (bench/outcomes_seed.py), the case import against COPY of the same rows,
    one city's recompute against the bare aggregate, the comparison against a bare query and the
    single-city API (bench/cases.py)."""
    from .cases import cases_group

    return cases_group(server, options)


# What a citizen types (issue 14, item 7): a cooperation field's word that about 13% of the synthetic
# agreements hold (the broad case), its kana reading (ほいく-style: expanded to the kanji word), a place
# with a topic (two words: every one must match) and a partner's name (a narrow search).
SEARCHES = {"broad word": "防災", "kana reading": "ぼうさい", "two words": "札幌 観光", "a partner": "ひかり0149"}


def search(server, options):
    """Free-text search at national scale (100,000 agreements at full scale): the search page and the
    API list with ``q``, against the same page and list without ``q`` (the baseline, same run). The API
    variants ask a different query string on every request (``signed_before=<another day>``, which keeps
    every row), so that its server-side cache answers none of them. Measured twice: under the bench's
    load (``connections``), and one request at a time (the latency a person sees on an idle server)."""
    api = "/api/v1/agreements/?signed_before={day}"
    variants = {"page, no q (baseline)": "/agreements/", "API, no q (baseline)": api}
    for name, words in SEARCHES.items():
        variants[f"page, q={words} ({name})"] = f"/agreements/?q={quote(words)}"
        variants[f"API, q={words} ({name})"] = f"{api}&q={quote(words)}"
    group = load_group(server, options, variants)
    single = load_group(server, replace(options, connections=1), variants)
    for row in single["rows"]:
        row["variant"] += ", one at a time"
    group["rows"] += single["rows"]
    by = {row["variant"]: row for row in group["rows"]}
    ratios = {}
    for suffix in ("", ", one at a time"):
        for kind in ("page", "API"):
            base = by[f"{kind}, no q (baseline){suffix}"]["p50_ms"]
            for name, words in SEARCHES.items():
                ratios[f"{kind} q={words}{suffix} / no q (p50)"] = ratio(
                    by[f"{kind}, q={words} ({name}){suffix}"]["p50_ms"], base
                )
    group["ratios"] = ratios
    group["searches"] = SEARCHES
    return group


GROUPS = {
    "list": agreement_list,
    "deep_pages": deep_pages,
    "detail": agreement_detail,
    "ocds": ocds,
    "stats": stats,
    "pages": pages,
    "csv": csv_exports,
    "search": search,
    "import": imports,
    "cases": cases,
}
