"""The agreement list is written from .values() rows (agreements.tables.AGREEMENTS.json) for
speed; its JSON must stay exactly the serializer's, and deep pages must be the pages OFFSET gives."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from agreements.models import Agreement
from agreements.tables import AGREEMENTS
from api.pagination import page_slice
from api.serializers.agreements import AgreementSerializer
from tests.api.conftest import client_for
from tests.factories import (
    AgreementFactory,
    DepartmentFactory,
    OrganizationFactory,
    PartyFactory,
    cooperation_field,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied(city):
    """Agreements with and without parent, department, dates, fields and parties (one partner with no
    法人番号), published at a moment with microseconds."""
    parent = AgreementFactory(municipality=city, published=True, published_at=timezone.now())
    child = AgreementFactory(
        municipality=city,
        kind="individual",
        parent=parent,
        department=DepartmentFactory(municipality=city),
        published=True,
        published_at=datetime.datetime(2024, 4, 1, 1, 2, 3, 456789, tzinfo=datetime.UTC),
        partner_contribution_jpy=3_000_000,
        auto_renewal=True,
        renewal_term_months=12,
        source_columns={"備考": "市の一覧の列"},
        signed_on=datetime.date(2024, 3, 1),
        signed_on_precision="month",
        period_text="締結日から1年間",
        fields_text="教育、子育て",
        source_ref="7",
        title_generated=True,
    )
    bare = AgreementFactory(municipality=city, signed_on=None, starts_on=None, ends_on=None, municipal_cost_jpy=500)
    child.fields.set([cooperation_field("education"), cooperation_field("childcare"), cooperation_field("other")])
    PartyFactory(agreement=child, organization=OrganizationFactory(corporate_number=None), role="supporter")
    PartyFactory(
        agreement=child, organization=OrganizationFactory(), role="lead_partner", signed_on=datetime.date(2024, 4, 1)
    )
    PartyFactory(agreement=child, organization=OrganizationFactory(), role="independent_monitor")
    PartyFactory(agreement=parent, organization=OrganizationFactory(), role="partner")
    return [parent, child, bare]


def _as(user) -> dict:
    """The serializer's context for a reader (None: the public)."""
    return {"request": SimpleNamespace(user=user)}


def test_fast_representation_equals_the_serializer(varied):
    """Key for key, value for value, in the same order as AgreementSerializer(many=True)."""
    queryset = Agreement.objects.order_by("id")
    expected = AgreementSerializer(
        queryset.select_related("municipality", "parent").prefetch_related("fields", "parties__organization"),
        many=True,
    ).data
    fast = AGREEMENTS.json(AGREEMENTS.json_values(queryset))
    assert [list(item) for item in fast] == [list(item) for item in expected]
    assert fast == [dict(item) for item in expected]


def test_api_list_equals_the_serializer(varied, approver):
    """What the list endpoint answers is what the serializer writes, for the public and for a member."""
    for user, visible in ((None, Agreement.objects.filter(published=True)), (approver, Agreement.objects.all())):
        response = client_for(user).get("/api/v1/agreements/?ordering=public_id")
        assert response.status_code == 200
        expected = AgreementSerializer(visible.order_by("public_id"), many=True, context=_as(user)).data
        assert response.json()["results"] == [dict(item) for item in expected]
        shown = {item["public_id"]: item["source_columns"] for item in response.json()["results"]}
        # the city's raw columns: the member reads them, the public reads null
        assert shown[varied[1].public_id] == ({"備考": "市の一覧の列"} if user else None)


def test_every_page_of_a_long_list_is_the_offset_page(city):
    """Pages read backwards from the end (second half) or by deferred join are the OFFSET pages."""
    for i in range(23):
        AgreementFactory(municipality=city, signed_on=datetime.date(2024, 1, 1 + i % 5))
    queryset = Agreement.objects.order_by("-signed_on", "-id")
    count = queryset.count()
    for bottom in range(0, count, 4):
        top = min(bottom + 4, count)
        expected = list(queryset[bottom:top])
        assert list(page_slice(queryset, bottom, top, count)) == expected


def test_deep_offsets_use_a_deferred_join(city, monkeypatch):
    """Past the threshold the page's keys come from a subquery, with the same rows."""
    monkeypatch.setattr("api.pagination.DEEP_OFFSET", 2)
    for _ in range(9):
        AgreementFactory(municipality=city)
    queryset = Agreement.objects.order_by("-signed_on", "-id")
    window = page_slice(queryset, 3, 5, queryset.count())
    assert "IN (SELECT" in str(window.query)
    assert list(window) == list(queryset[3:5])


def test_last_page_through_the_api(city):
    """?page=last answers the last rows, with previous and no next."""
    for _ in range(7):
        AgreementFactory(municipality=city, published=True, published_at=timezone.now())
    body = client_for().get("/api/v1/agreements/?page_size=3&page=last").json()
    ids = list(Agreement.objects.order_by("-signed_on", "-id").values_list("public_id", flat=True))
    assert [item["public_id"] for item in body["results"]] == ids[6:]
    assert body["next"] is None
    assert "page=2" in body["previous"]


def test_detail_equals_the_serializer_with_the_same_etag(varied, approver):
    """The detail is written the fast way too: same body, same ETag as the serializer's data gives."""
    from api.concurrency import etag_for

    child = varied[1]
    response = client_for(approver).get(f"/api/v1/agreements/{child.public_id}/")
    expected = dict(AgreementSerializer(child, context=_as(approver)).data)
    assert response.json() == expected
    assert response["ETag"] == etag_for(expected)
    again = client_for(approver).get(f"/api/v1/agreements/{child.public_id}/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert client_for().get(f"/api/v1/agreements/{varied[2].public_id}/").status_code == 404  # a draft
