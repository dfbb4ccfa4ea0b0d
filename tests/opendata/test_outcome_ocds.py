"""A KPI linked to a procedure in OCDS: its computed values are observations marked as computed (the
dimensions computed, sampleSize, method, source), a month withheld by the small-number rule has no
observation and nothing else in the release reveals it, and lib-cove-ocds finds the package valid
offline."""

import datetime
import json
from decimal import Decimal

import pytest

from agreements import services
from opendata import conf
from opendata.models import Release
from outcomes.choices import PeriodKind, StandardIndicator
from outcomes.models import MunicipalProcedure, Procedure
from outcomes.services import COMPUTED_SOURCE, figures_recompute, indicator_link_save
from tests.api.conftest import client_for
from tests.factories import AgreementFactory, OutcomeIndicatorFactory, PartyFactory, ready_to_publish
from tests.outcomes.helpers import add_month

from .schema import cove_report, schema_errors

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 3, 31)


@pytest.fixture
def linked(city, organization, approver, editor, django_capture_on_commit_callbacks):
    """四條畷市 (60,000 people, threshold 10): L01 cases in April 12, May 15, June 3 — June small, April
    withheld with it. A published agreement's KPI linked to the monthly 90th percentile of 処理日数."""
    l01 = Procedure.objects.get(code="L01", municipality__isnull=True)
    city.population, city.population_counted_on = 60_000, D(2025, 1, 1)
    city.save()
    MunicipalProcedure.objects.create(municipality=city, procedure=l01, standard_days=10, publish_figures=True)
    add_month(city, l01, D(2025, 4, 1), 12)
    add_month(city, l01, D(2025, 5, 1), 15)
    add_month(city, l01, D(2025, 6, 1), 3)
    figures_recompute(municipality=city, today=TODAY)
    agreement = AgreementFactory(municipality=city, municipal_cost_jpy=0)
    PartyFactory(agreement=agreement, organization=organization, role="lead_partner")
    kpi = OutcomeIndicatorFactory(agreement=agreement, code="KPI-L01", unit="日", reporter=organization)
    with django_capture_on_commit_callbacks(execute=True):
        services.agreement_publish(agreement=ready_to_publish(agreement), by=approver)
    with django_capture_on_commit_callbacks(execute=True):
        indicator_link_save(
            indicator=kpi, procedure=l01, kind=StandardIndicator.P90_DAYS, period=PeriodKind.MONTH, by=editor
        )
    return agreement


def release_of(agreement) -> dict:
    return Release.objects.filter(agreement=agreement).latest("date", "id").data


def metric(release, code="KPI-L01") -> dict:
    metrics = release["contracts"][0]["implementation"]["metrics"]
    return next(m for m in metrics if m["id"] == code)


def test_a_computed_value_is_an_observation_marked_computed(linked):
    (observation,) = metric(release_of(linked))["observations"]

    assert observation["period"] == {"startDate": "2025-05-01T00:00:00+09:00", "endDate": "2025-05-31T23:59:59+09:00"}
    assert Decimal(str(observation["measure"])) == Decimal("13.6")
    assert observation["dimensions"] == {
        "measuredBy": "city",
        "verified": "false",
        "computed": "true",
        "sampleSize": "15",
        "method": "案件記録から自動計算（L01 要介護・要支援認定の申請、"
        "処理日数の90パーセンタイル（順位間の線形補間）、営業日、n=15）",
        "source": COMPUTED_SOURCE,
    }
    assert observation["notes"] == observation["dimensions"]["method"]


def test_a_withheld_month_has_no_observation_and_nothing_reveals_it(linked):
    """April (12 cases) and June (3) are withheld: no observation of theirs, and neither their n nor
    their value is anywhere in the release."""
    release = release_of(linked)
    periods = [o["period"]["startDate"][:7] for o in metric(release)["observations"]]
    assert periods == ["2025-05"]
    text = json.dumps(release, ensure_ascii=False)
    for month in ("2025-04", "2025-06"):
        assert f'"startDate": "{month}' not in text
    assert "n=3" not in text and "n=12" not in text
    assert '"sampleSize": "3"' not in text and '"sampleSize": "12"' not in text


def test_lib_cove_ocds_finds_the_package_valid(linked):
    package = client_for().get("/api/v1/ocds/releases/").json()

    report = cove_report(package, conf.schema_base_url())

    assert report["validation_errors"] == []
    assert {(f["path"].rsplit("/", 1)[-1], f["field"]) for f in report["additional_fields"]} <= {
        ("dimensions", name) for name in ("measuredBy", "verified", "computed", "sampleSize", "method", "source")
    }
    assert report["additional_closed_codelist_values"] == {}
    assert schema_errors(package) == []
