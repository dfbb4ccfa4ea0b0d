"""The evidence on the demo (load_demo, then load_outcome_demo, loaded once for the module): 四條畷市's
KPIs are linked to C12's standard indicators, and the difference-in-differences finds the planted
shortening of about 10 business days against the flat comparison cities."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from agreements.models import OutcomeIndicator
from outcomes.demo import INITIATIVE_TITLE, load_outcome_demo
from outcomes.evidence import before_after, comparison, did_estimate, evidence_visible
from outcomes.models import IndicatorLink, Procedure

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The municipalities, the demo agreements and the demo cases, loaded once and rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_municipalities", stdout=StringIO())
        call_command("load_demo", stdout=StringIO())
        yield load_outcome_demo()
        transaction.set_rollback(True)


@pytest.fixture
def kpi(demo):
    return OutcomeIndicator.objects.select_related("agreement__municipality", "initiative").get(
        initiative__title=INITIATIVE_TITLE, code="KPI-1"
    )


def test_the_demo_kpis_are_linked(demo):
    assert demo.linked == ["KPI-1", "KPI-2"]
    links = IndicatorLink.objects.filter(indicator__initiative__title=INITIATIVE_TITLE).order_by("indicator__code")
    assert [(link.procedure.code, link.kind, link.period) for link in links] == [
        ("C12", "median_days", "month"),
        ("C12", "online_share", "month"),
    ]


def test_the_demo_effect_is_found(kpi):
    assert evidence_visible(indicator=kpi, user=None) == (True, True)
    did = did_estimate(indicator=kpi)
    assert did.supported, did.reasons
    assert Decimal("-13") < did.estimate < Decimal("-7")
    assert did.interval[0] < did.estimate < did.interval[1] < 0
    assert len(did.controls) == 4 and did.pre_periods >= 12 and did.post_periods >= 12
    ba = before_after(indicator=kpi)
    assert ba.supported and ba.difference < 0 and ba.interval[1] < 0
    assert ba.before.n > 300 and ba.after.n > 300


def test_the_demo_comparison(kpi):
    c12 = Procedure.objects.get(code="C12", municipality__isnull=True)
    result = comparison(procedure=c12, highlight=kpi.agreement.municipality)
    assert len(result.rows) == 5
    assert [r.municipality.code for r in result.rows if r.highlighted] == ["272299"]
    assert all(r.value is not None and not r.suppressed for r in result.rows)
