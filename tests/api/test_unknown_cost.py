"""Issue 11: a cost the city did not state is unknown — null in JSON, an empty CSV cell, out of the
zero-budget share's denominator — and a signing date known only to the month keeps its precision."""

import csv
import datetime
import io

import pytest
from django.core.cache import cache
from django.utils import timezone

from agreements.tables import TABLES, published_querysets
from partnerships.services import organization_for_public_body
from tests.api.conftest import client_for
from tests.csv_forms import python_csv
from tests.factories import AgreementFactory, InitiativeFactory, PartyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_statistics():
    cache.clear()  # the statistics are cached for a few minutes


def published(city, **fields):
    return AgreementFactory(municipality=city, published=True, published_at=timezone.now(), **fields)


@pytest.fixture
def three_costs(city):
    """Published agreements whose cost is unknown, 0 and 300,000 yen."""
    return {
        "unknown": published(city, municipal_cost_jpy=None),
        "zero": published(city, municipal_cost_jpy=0),
        "stated": published(city, municipal_cost_jpy=300_000),
    }


def csv_cells(dataset: str) -> list[dict]:
    body = python_csv(TABLES[dataset], published_querysets()[dataset], bom=False)
    return list(csv.DictReader(io.StringIO(body)))


def test_an_unknown_cost_is_null_in_the_json(three_costs):
    """Given agreements with an unknown, a zero and a stated cost, then the API answers null/null,
    0/true and 300000/false for municipal_cost_jpy/zero_budget, in the list and the detail."""
    client = client_for()
    listed = {a["public_id"]: a for a in client.get("/api/v1/agreements/").json()["results"]}
    expected = {"unknown": (None, None), "zero": (0, True), "stated": (300_000, False)}
    for key, agreement in three_costs.items():
        detail = client.get(f"/api/v1/agreements/{agreement.public_id}/").json()
        for item in (listed[agreement.public_id], detail):
            assert (item["municipal_cost_jpy"], item["zero_budget"]) == expected[key]


def test_an_unknown_cost_is_an_empty_cell_in_the_csv(three_costs):
    """Given the same agreements, then the CSV writes an empty cost and an empty ゼロ予算 for the unknown one."""
    rows = {row["ID"]: row for row in csv_cells("agreements")}
    assert (
        rows[three_costs["unknown"].public_id]["市の費用_円"],
        rows[three_costs["unknown"].public_id]["ゼロ予算"],
    ) == (
        "",
        "",
    )
    assert (rows[three_costs["zero"].public_id]["市の費用_円"], rows[three_costs["zero"].public_id]["ゼロ予算"]) == (
        "0",
        "true",
    )
    assert rows[three_costs["stated"].public_id]["ゼロ予算"] == "false"


def test_an_initiative_with_an_unknown_cost_is_not_zero_budget(three_costs):
    """Given an initiative with no stated cost, then its JSON and CSV say unknown, not zero-budget."""
    initiative = InitiativeFactory(agreement=three_costs["zero"])
    item = client_for().get(f"/api/v1/initiatives/{initiative.pk}/").json()
    assert item["municipal_cost_jpy"] is None and item["zero_budget"] is None
    (row,) = csv_cells("initiatives")
    assert row["市の費用_円"] == "" and row["ゼロ予算"] == ""


def test_the_zero_budget_share_is_taken_over_known_costs(three_costs):
    """Given one zero-budget agreement of two with a known cost and one unknown, then the statistics give
    a share of 0.5 (not 1/3) and say the denominator and the count of unknown."""
    stats = client_for().get("/api/v1/stats/").json()
    assert stats["agreements"] == 3 and stats["zero_budget"] == 1 and stats["zero_budget_share"] == 0.5
    assert stats["zero_budget_detail"] == {"count": 1, "known": 2, "unknown": 1, "share": 0.5}
    assert stats["municipal_cost_jpy"] == 300_000
    assert stats["by_municipality"][0]["cost_known"] == 2


def test_no_known_cost_gives_no_share(city):
    """Given only agreements with unknown costs, then the share is null rather than 0%."""
    published(city)
    stats = client_for().get("/api/v1/stats/").json()
    assert stats["zero_budget_share"] is None
    assert stats["zero_budget_detail"] == {"count": 0, "known": 0, "unknown": 1, "share": None}


def test_the_zero_budget_filter_leaves_unknown_costs_out_of_true_and_false(three_costs):
    """Given the three agreements, then zero_budget=true finds the zero one and false the stated one:
    an unknown cost is in neither."""
    client = client_for()
    for value, key in (("true", "zero"), ("false", "stated")):
        results = client.get(f"/api/v1/agreements/?zero_budget={value}").json()["results"]
        assert [a["public_id"] for a in results] == [three_costs[key].public_id]


def test_a_month_only_signing_keeps_its_precision_in_json_and_csv(city):
    """Given an agreement signed in March 2022 (day unknown), then the JSON gives signed_on 2022-03-01
    with signed_on_precision month, and the CSV has 締結日の精度 月 (its code month beside it) next to 締結日."""
    agreement = published(
        city, signed_on=datetime.date(2022, 3, 1), signed_on_precision="month", starts_on=datetime.date(2022, 4, 1)
    )
    item = client_for().get(f"/api/v1/agreements/{agreement.public_id}/").json()
    assert (item["signed_on"], item["signed_on_precision"]) == ("2022-03-01", "month")
    headers = TABLES["agreements"].headers
    assert headers[headers.index("締結日") + 1] == "締結日の精度"
    (row,) = csv_cells("agreements")
    assert (row["締結日"], row["締結日の精度"], row["締結日の精度コード"]) == ("2022-03-01", "月", "month")


def test_the_new_public_columns_are_in_json_and_csv(city, other_city):
    """Given an agreement from a city's list with another city as a party signing through a branch,
    then the JSON and the CSV carry the city's number, its texts, the generated-title flag, the branch
    and the other city's 6-digit code."""
    agreement = published(
        city, source_ref="12", period_text="締結日から1年間", fields_text="防災", title_generated=True
    )
    body = organization_for_public_body(municipality=other_city)
    PartyFactory(agreement=agreement, organization=body, branch="危機管理室")
    item = client_for().get(f"/api/v1/agreements/{agreement.public_id}/").json()
    assert (item["source_ref"], item["period_text"], item["fields_text"], item["title_generated"]) == (
        "12",
        "締結日から1年間",
        "防災",
        True,
    )
    (party,) = item["parties"]
    assert (party["branch"], party["organization_municipality"]) == ("危機管理室", "272183")
    (row,) = csv_cells("agreements")
    assert (row["市の一覧の番号"], row["期間_原文"], row["連携分野_原文"], row["協定名_自動生成"]) == (
        "12",
        "締結日から1年間",
        "防災",
        "true",
    )
    (party_row,) = csv_cells("parties")
    assert (party_row["支社等"], party_row["連携先の全国地方公共団体コード"]) == ("危機管理室", "272183")
    (organization_row,) = csv_cells("organizations")
    assert organization_row["地方公共団体コード"] == "272183"
    assert organization_row["法人番号"] == other_city.corporate_number
