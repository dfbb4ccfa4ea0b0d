"""The outcome demo (outcomes.demo.load_outcome_demo): synthetic case records of 四條畷市 and four comparison
cities, imported through cases_import, marked DEMO-, deterministic, idempotent, with 四條畷市's C12
processing days shortening after the demo initiative's start while the other cities stay flat."""

import datetime
import statistics

import pytest
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncMonth

from agreements.demo import DemoPrerequisiteError
from agreements.demo.timeline import Timeline
from outcomes.demo import CITIES, KATANO, NEYAGAWA, demo_case_file, demo_case_keys, initiative_start, load_outcome_demo
from outcomes.models import Case, CaseImport, MunicipalProcedure
from tests.factories import MunicipalityFactory

TODAY = datetime.date(2026, 12, 1)  # FY2026: the demo runs from 2024-04-01 to 2026-11-30


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """四條畷市 and 大東市 (as the root conftest makes them), 加賀市, 交野市, 寝屋川市, and the demo loaded
    into them — once for the class of tests, rolled back after it (each test in it runs in its own
    savepoint, as usual)."""
    with django_db_blocker.unblock(), transaction.atomic():
        cities = {
            "272299": MunicipalityFactory(code="272299", name="四條畷市", kana="しじょうなわてし"),
            "272183": MunicipalityFactory(code="272183", name="大東市", kana="だいとうし"),
            "172065": MunicipalityFactory(code="172065", name="加賀市"),
            KATANO: MunicipalityFactory(code=KATANO, name="交野市"),
            NEYAGAWA: MunicipalityFactory(code=NEYAGAWA, name="寝屋川市"),
        }
        yield cities, load_outcome_demo(today=TODAY)
        transaction.set_rollback(True)


@pytest.fixture
def cities(demo):
    return demo[0]


@pytest.fixture
def loaded(demo):
    return demo[1]


def medians(municipality, code, start):
    cases = Case.objects.filter(municipality=municipality, procedure__code=code)
    before = [c.processing_days for c in cases.filter(received_on__lt=start)]
    after = [c.processing_days for c in cases.filter(received_on__gte=start + datetime.timedelta(days=92))]
    return statistics.median(before), statistics.median(after), len(before), len(after)


@pytest.mark.django_db
class TestLoadedDemo:
    """The demo loaded once (the class fixture ``demo``) for every test of the class."""

    def test_the_demo_imports_two_procedures_for_five_cities_over_three_fiscal_years(self, cities, loaded):
        assert loaded.imported == [c.code for c in CITIES] and loaded.initiative_start == datetime.date(2025, 7, 1)
        assert loaded.cases == Case.objects.count() > 10_000
        assert CaseImport.objects.count() == 5
        for municipality in cities.values():
            mine = Case.objects.filter(municipality=municipality)
            assert set(mine.values_list("procedure__code", flat=True).distinct()) == {"C12", "L01"}
            first, last = mine.order_by("decided_on").first(), mine.order_by("decided_on").last()
            assert first.decided_on >= datetime.date(2024, 4, 1) and last.decided_on <= datetime.date(2026, 11, 30)
            assert (first.decided_on.year, first.decided_on.month) == (2024, 4)
            assert (last.decided_on.year, last.decided_on.month) == (2026, 11)

    def test_every_demo_case_is_marked(self, cities, loaded):
        """Each case's key is the keyed hash of a DEMO- 案件ID, and the demo file holds no other ID."""
        for municipality in cities.values():
            keys = set(Case.objects.filter(municipality=municipality).values_list("case_key", flat=True))
            assert keys <= demo_case_keys(municipality)
        data = demo_case_file(CITIES[0], Timeline(TODAY))
        lines = data.decode().splitlines()[1:]
        assert lines and all(line.startswith("DEMO-272299-") for line in lines)

    def test_loading_twice_changes_nothing(self, cities, loaded):
        counts = Case.objects.count(), CaseImport.objects.count(), MunicipalProcedure.objects.count()
        again = load_outcome_demo(today=TODAY)
        assert again.imported == []
        assert (Case.objects.count(), CaseImport.objects.count(), MunicipalProcedure.objects.count()) == counts

    def test_the_demo_is_deterministic(self, cities):
        assert demo_case_file(CITIES[1], Timeline(TODAY)) == demo_case_file(CITIES[1], Timeline(TODAY))

    def test_shijonawate_shortens_after_the_initiative_and_the_others_stay_flat(self, cities, loaded):
        start = initiative_start(Timeline(TODAY))
        before, after, n_before, n_after = medians(cities["272299"], "C12", start)
        assert 18 <= before <= 22 and 8 <= after <= 10 and n_before > 300 and n_after > 300
        for code in ("272183", "172065", KATANO, NEYAGAWA):
            before, after, *_ = medians(cities[code], "C12", start)
            assert abs(before - after) <= 1.5
        before, after, *_ = medians(cities["272299"], "L01", start)
        assert abs(before - after) <= 1.5

    def test_the_settings_are_set_and_restored(self, cities, loaded):
        setting = MunicipalProcedure.objects.get(municipality=cities["272299"], procedure__code="C12")
        assert (setting.standard_days, setting.publish_figures) == (20, True)
        setting.standard_days, setting.publish_figures = 5, False
        setting.save()
        load_outcome_demo(today=TODAY)
        setting.refresh_from_db()
        assert (setting.standard_days, setting.publish_figures) == (20, True)
        assert not MunicipalProcedure.objects.get(municipality=cities["172065"], procedure__code="L01").publish_figures

    def test_every_city_has_enough_cases_a_month_to_be_shown(self, cities, loaded):
        """At least 20 cases a month and procedure: never suppressed, whatever a city's population."""
        months = (
            Case.objects.annotate(month=TruncMonth("decided_on"))
            .values("municipality", "procedure", "month")
            .annotate(n=Count("id"))
        )
        assert min(row["n"] for row in months) >= 20


@pytest.mark.django_db
def test_missing_cities_say_what_to_load(city):
    with pytest.raises(DemoPrerequisiteError, match="load_municipalities"):
        load_outcome_demo(today=TODAY)
    assert not Case.objects.exists()
