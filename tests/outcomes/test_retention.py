"""Cases are kept KYOSO_CASE_RETENTION_YEARS after their 処分日, then deleted by the nightly task."""

import datetime

import pytest

from outcomes.models import Case
from outcomes.services import cases_delete_expired, cases_import, retention_cutoff
from outcomes.tasks import retention

from .conftest import csv_bytes

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_cutoff_is_the_same_day_years_before():
    assert retention_cutoff(D(2026, 4, 1), 5) == D(2021, 4, 1)
    assert retention_cutoff(D(2028, 2, 29), 5) == D(2023, 2, 28)


def test_cases_decided_before_the_cutoff_are_deleted(city, settings):
    """Today 2026-04-01, 5 years: decided 2021-03-31 goes, decided 2021-04-01 stays."""
    settings.KYOSO_CASE_RETENTION_YEARS = 5
    rows = [
        ["OLD", "M01", "2021-03-30", "2021-03-31", "", "", "", ""],
        ["KEPT", "M01", "2021-03-31", "2021-04-01", "", "", "", ""],
        ["NEW", "M01", "2026-03-30", "2026-03-31", "", "", "", ""],
    ]
    cases_import(municipality=city, name="c.csv", source=csv_bytes(rows), by=None, today=D(2026, 4, 1))

    assert cases_delete_expired(today=D(2026, 4, 1)) == 1
    assert sorted(Case.objects.values_list("decided_on", flat=True)) == [D(2021, 4, 1), D(2026, 3, 31)]


def test_the_nightly_task_deletes(city, settings):
    settings.KYOSO_CASE_RETENTION_YEARS = 1
    rows = [["OLD", "M01", "2020-01-06", "2020-01-07", "", "", "", ""]]
    cases_import(municipality=city, name="c.csv", source=csv_bytes(rows), by=None, today=D(2026, 4, 1))

    assert retention() == 1
    assert not Case.objects.exists()


def test_the_beat_schedule_runs_it_every_night(settings):
    assert settings.CELERY_BEAT_SCHEDULE["outcomes-retention"]["task"] == "outcomes.retention"
