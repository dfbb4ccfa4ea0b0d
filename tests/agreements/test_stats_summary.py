"""The national KPI verdicts come from maintained per-agreement summaries, and are exact whatever the
outbox task has done so far: a missing or stale summary is judged live."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from agreements import services
from agreements.models import AgreementSummary, OutcomeIndicator, PublicChange
from agreements.selectors import kpi_attainment
from tests.factories import AgreementFactory, MeasurementFactory, OutcomeIndicatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kpis(city):
    """Two published agreements, one unpublished: KPIs met, improved, worsened, not measured."""
    now = timezone.now()
    first, second = (
        AgreementFactory(municipality=city, status="active", published=True, published_at=now) for _ in range(2)
    )
    hidden = AgreementFactory(municipality=city, status="active")
    higher = {"direction": "higher", "baseline_value": Decimal("10"), "target_value": Decimal("50")}
    met, improved, worsened = (OutcomeIndicatorFactory(agreement=first, **higher) for _ in range(3))
    OutcomeIndicatorFactory(agreement=second, **higher)  # not measured
    OutcomeIndicatorFactory(agreement=hidden, **higher)
    for indicator, value in ((met, "60"), (improved, "20"), (worsened, "5")):
        MeasurementFactory(indicator=indicator, value=Decimal(value))
    return first, second, hidden


def live():
    return kpi_attainment(OutcomeIndicator.objects.filter(agreement__published=True))


def test_the_summaries_give_the_live_figures(kpis):
    before = kpi_attainment()  # no summary yet: all judged live
    assert (
        before
        == live()
        == {
            "indicators": 4,
            "met_target": 1,
            "improved": 1,
            "unchanged": 0,
            "worsened": 1,
            "not_measured": 1,
        }
    )

    assert services.agreement_summaries_refresh_all() == 3
    assert AgreementSummary.objects.get(agreement=kpis[0]).met_target == 1
    assert kpi_attainment() == before


def test_a_stale_summary_is_judged_live_until_the_task_refreshes_it(kpis, editor):
    first = kpis[0]
    services.agreement_summaries_refresh_all()
    indicator = first.indicators.get(measurements__value=Decimal("5"))

    services.measurement_record(  # an officer's value is accepted at once: a public change
        indicator=indicator,
        by=editor,
        period_start=datetime.date(2030, 4, 1),
        period_end=datetime.date(2031, 3, 31),
        value=Decimal("70"),
        measured_by="city",
    )

    assert PublicChange.objects.pending().filter(agreement_id=first.pk).exists()
    assert AgreementSummary.objects.get(agreement=first).worsened == 1  # not refreshed yet
    assert kpi_attainment()["met_target"] == 2 == live()["met_target"]  # exact anyway

    services.agreement_summaries_refresh(agreement_ids=[first.pk])
    PublicChange.objects.pending().update(processed_at=datetime.datetime.now(tz=datetime.UTC))
    assert AgreementSummary.objects.get(agreement=first).met_target == 2
    assert kpi_attainment() == live()
