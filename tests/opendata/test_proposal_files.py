"""themes.csv and proposal_decisions.csv (proposals/files.py): published themes only; every decision,
its content only where Proposal.content_public allows — a confidential proposal's never."""

import csv
import gzip
import io

import pytest
from django.utils import timezone
from frictionless import Package

from opendata.bulk import current_dir, listing, opendata_export
from proposals.models import DecisionOutcome
from tests.factories import OrganizationFactory
from tests.proposals.conftest import SECRET, decided, proposal, theme

from .test_bulk import opendata_dir  # noqa: F401 — the fixture of the bulk tests

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme(city, other_city):
    open_theme = theme(city)
    theme(city, title="下書きのテーマ", published=False)
    company = OrganizationFactory(name="株式会社提案")
    decided(
        proposal(
            city,
            company,
            title="公園カフェ",
            theme=open_theme,
            offer="カフェの運営",
            publish_consent=True,
            cost_to_city_jpy=0,
            no_new_cost=True,
        ),
        DecisionOutcome.ADOPTED,
        "賑わいに資する",
    )
    decided(
        proposal(
            city,
            company,
            title="機密の提案",
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
        "既存事業と重複",
    )
    proposal(city, company, title="審査中の提案")
    return open_theme


def read(name: str) -> list[dict]:
    rows = list(csv.reader(io.StringIO((current_dir() / name).read_text(encoding="utf-8"))))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_both_files_are_written_valid_and_listed(scheme):
    opendata_export()
    files = {entry["name"]: entry for entry in listing()}
    for name in ("themes.csv", "proposal_decisions.csv"):
        plain = (current_dir() / name).read_bytes()
        assert gzip.decompress((current_dir() / f"{name}.gz").read_bytes()) == plain
    assert files["themes.csv"]["rows"] == 1  # the unpublished theme is not in it
    assert files["proposal_decisions.csv"]["rows"] == 2  # the proposal under review is not in it
    assert Package(str(current_dir() / "datapackage.json")).validate().valid


def test_decisions_are_public_content_only_by_the_rule(scheme):
    opendata_export()
    (themes,) = read("themes.csv")
    assert themes["ID"] == str(scheme.pk) and themes["受付終了日"] == scheme.closes_on.isoformat()
    rows = {row["題名"]: row for row in read("proposal_decisions.csv")}
    adopted, secret = rows["公園カフェ"], rows["機密の提案"]
    assert adopted["採否コード"] == "adopted" and adopted["内容の公開"] == "true"
    assert adopted["提供するもの"] == "カフェの運営" and adopted["テーマID"] == str(scheme.pk)
    assert adopted["市の新たな費用なし"] == "true" and adopted["決定日"] == timezone.localdate().isoformat()
    assert secret["採否コード"] == "rejected" and secret["理由"] == "既存事業と重複"
    assert secret["内容の公開"] == "false" and secret["テーマID"] == ""
    for name in ("proposal_decisions.csv", "themes.csv", "proposal_decisions.csv.gz"):
        data = (current_dir() / name).read_bytes()
        if name.endswith(".gz"):
            data = gzip.decompress(data)
        assert SECRET.encode() not in data
