"""What the product is measured against, served by the same gunicorn in the same run (bench/urls.py).

* naive: a DRF ModelViewSet over the same models, written the way the tutorial shows — nested
  serializers and no select_related / prefetch_related, so every row costs queries (N+1);
* tuned: a plain Django view that returns the same JSON as the product's agreement list and detail
  from ``.values()`` and orjson — no serializer, no filters, no throttling: the ceiling for Python;
* tuned OCDS: the stored release JSON concatenated as text, never parsed;
* floor: the smallest JSON response this stack can give (middleware only).
"""

from collections import defaultdict

import orjson
from django.db import connection
from django.http import Http404, HttpResponse
from django.utils import timezone
from rest_framework import serializers, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.routers import SimpleRouter
from rest_framework.utils.urls import remove_query_param, replace_query_param

from agreements.models import Agreement, Party
from agreements.tables import AGREEMENTS
from opendata import conf
from opendata.ocds import package_head

PAGE_SIZE = 50


# --- naive ---------------------------------------------------------------------------------------


class NaivePartySerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name")
    organization_corporate_number = serializers.CharField(source="organization.corporate_number", allow_null=True)

    class Meta:
        model = Party
        fields = [
            "id",
            "organization",
            "organization_name",
            "organization_corporate_number",
            "role",
            "signatory_title",
            "signed_on",
        ]


class NaiveAgreementSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="code", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    fields = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    parties = NaivePartySerializer(many=True, read_only=True)

    class Meta:
        model = Agreement
        # the product's keys (agreements.tables); the values are DRF's defaults, the naive way
        fields = AGREEMENTS.json_keys


class NaivePagination(PageNumberPagination):
    page_size = PAGE_SIZE


class NaiveAgreementViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Agreement.objects.filter(published=True)
    serializer_class = NaiveAgreementSerializer
    pagination_class = NaivePagination
    permission_classes = [AllowAny]
    lookup_field = "public_id"


naive_router = SimpleRouter()
naive_router.register("agreements", NaiveAgreementViewSet, basename="naive-agreement")


# --- tuned ---------------------------------------------------------------------------------------

COLUMNS = (
    "id",
    "public_id",
    "title",
    "title_en",
    "summary",
    "summary_en",
    "kind",
    "status",
    "municipality__code",
    "department_id",
    "parent__public_id",
    "signed_on",
    "starts_on",
    "ends_on",
    "auto_renewal",
    "renewal_term_months",
    "selection_method",
    "municipal_cost_jpy",
    "partner_contribution_jpy",
    "zero_budget",
    "data_sharing_terms",
    "published",
    "published_at",
    "updated_at",
)
PARTY_COLUMNS = ("agreement_id", "id", "organization_id", "organization__name", "organization__corporate_number")
PARTY_COLUMNS += ("role", "signatory_title", "signed_on")


def _local(moment):
    return timezone.localtime(moment) if moment else None


def _agreements_json(rows: list[dict]) -> list[dict]:
    """The API's agreement objects for ``rows`` of ``.values(*COLUMNS)``: two more queries in all."""
    ids = [row["id"] for row in rows]
    fields, parties = defaultdict(list), defaultdict(list)
    through = Agreement.fields.through.objects.filter(agreement_id__in=ids)
    ordered = through.order_by("cooperationfield__sort_order", "cooperationfield__code")
    for agreement_id, code in ordered.values_list("agreement_id", "cooperationfield__code"):
        fields[agreement_id].append(code)
    party_rows = Party.objects.filter(agreement_id__in=ids).order_by("agreement_id", "role", "id")
    for agreement_id, pk, organization, name, number, role, title, signed in party_rows.values_list(*PARTY_COLUMNS):
        parties[agreement_id].append(
            {
                "id": pk,
                "organization": organization,
                "organization_name": name,
                "organization_corporate_number": number,
                "role": role,
                "signatory_title": title,
                "signed_on": signed,
            }
        )
    return [
        {
            "public_id": r["public_id"],
            "title": r["title"],
            "title_en": r["title_en"],
            "summary": r["summary"],
            "summary_en": r["summary_en"],
            "kind": r["kind"],
            "status": r["status"],
            "municipality": r["municipality__code"],
            "department": r["department_id"],
            "parent": r["parent__public_id"],
            "fields": fields[r["id"]],
            "signed_on": r["signed_on"],
            "starts_on": r["starts_on"],
            "ends_on": r["ends_on"],
            "auto_renewal": r["auto_renewal"],
            "renewal_term_months": r["renewal_term_months"],
            "selection_method": r["selection_method"],
            "municipal_cost_jpy": r["municipal_cost_jpy"],
            "partner_contribution_jpy": r["partner_contribution_jpy"],
            "zero_budget": r["zero_budget"],
            "data_sharing_terms": r["data_sharing_terms"],
            "published": r["published"],
            "published_at": _local(r["published_at"]),
            "parties": parties[r["id"]],
            "updated_at": _local(r["updated_at"]),
        }
        for r in rows
    ]


def _json(data, status=200) -> HttpResponse:
    return HttpResponse(orjson.dumps(data), status=status, content_type="application/json")


def tuned_agreement_list(request):
    """The first (or ?page=N / last) page of published agreements, newest signature first."""
    published = Agreement.objects.filter(published=True)
    count = published.count()
    pages = max(1, -(-count // PAGE_SIZE))
    raw = request.GET.get("page", "1")
    number = pages if raw == "last" else int(raw) if raw.isdigit() else 0
    if not 1 <= number <= pages:
        return _json({"detail": "Invalid page."}, status=404)
    start = (number - 1) * PAGE_SIZE
    rows = list(published.order_by("-signed_on", "-id").values(*COLUMNS)[start : start + PAGE_SIZE])
    url = request.build_absolute_uri()
    previous = None
    if number > 1:
        previous = remove_query_param(url, "page") if number == 2 else replace_query_param(url, "page", number - 1)
    return _json(
        {
            "count": count,
            "next": replace_query_param(url, "page", number + 1) if number < pages else None,
            "previous": previous,
            "results": _agreements_json(rows),
        }
    )


def tuned_agreement_detail(request, public_id):
    rows = list(Agreement.objects.filter(published=True, public_id=public_id).values(*COLUMNS))
    if not rows:
        raise Http404
    return _json(_agreements_json(rows)[0])


def tuned_release_package(request):
    """A release package of the first 100 releases of a municipality: stored JSON, never parsed."""
    sql = (
        "SELECT r.data::text FROM opendata_release r"
        " JOIN agreements_agreement a ON a.id = r.agreement_id"
        " JOIN partnerships_municipality m ON m.id = a.municipality_id"
        " WHERE a.published AND m.code = %s ORDER BY r.id LIMIT 100"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [request.GET.get("municipality", "")])
        releases = [row[0].encode() for row in cursor.fetchall()]
    head = package_head(
        uri=request.build_absolute_uri(),
        published=timezone.now(),
        publisher=conf.publisher_name(),
        policy=conf.publication_policy(),
    )
    body = orjson.dumps(head)[:-1] + b',"releases":[' + b",".join(releases) + b"]}"
    return HttpResponse(body, content_type="application/json")


def floor(request):
    return _json({"ok": True})
