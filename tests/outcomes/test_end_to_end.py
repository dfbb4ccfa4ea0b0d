"""Issue 15, "Done means", end to end on PostgreSQL, through the paths users take: an editor links a KPI
to a procedure on the agreement page and sends a year of de-identified case records through the API;
the approver sets the 標準処理期間 and publishes the procedure's figures on the officer's page; the KPI's
values are computed; the public reads the figures — a small month withheld — on the page, in the API
(JSON and CSV), in the nightly open-data file and as OCDS observations, and sees the before/after of the
initiative and the city among the others. No raw 案件ID is stored anywhere, and no withheld value is in
any public output."""

import csv
import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from agreements import services as agreement_services
from agreements.models import Measurement
from opendata.bulk import current_dir, opendata_export
from opendata.models import Release
from opendata.services import releases_record_all
from outcomes.models import Case, IndicatorLink, OutcomeFigure, Procedure
from outcomes.services import COMPUTED_SOURCE
from tests.api.conftest import client_for
from tests.factories import AgreementFactory, InitiativeFactory, OutcomeIndicatorFactory, PartyFactory, ready_to_publish

from .conftest import csv_bytes, texts_in_database

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
D = datetime.date
START = D(2025, 10, 1)  # the initiative's start
SMALL_MONTH = D(2025, 8, 1)  # four cases: withheld


def case_rows():
    """FY2025 of 保育施設等の利用申込 (C12): 30 cases a month received on the 1st–10th, decided 20 days
    later before the initiative, 10 days later after it; August only 4 cases. IDs like a case system's."""
    rows, number = [], 0
    month = D(2025, 4, 1)
    while month <= D(2026, 3, 1):
        count = 4 if month == SMALL_MONTH else 30
        days = 20 if month < START else 10
        for i in range(count):
            number += 1
            received = month + datetime.timedelta(days=i % 10)
            decided = received + datetime.timedelta(days=days + i % 3)
            channel = "オンライン" if month >= START and i % 2 else "窓口"
            rows.append(
                [f"E2E-HOIKU-{number:05d}", "C12", received.isoformat(), decided.isoformat(), "", "", channel, ""]
            )
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return rows


@pytest.fixture
def c12(db):
    return Procedure.objects.get(code="C12", municipality__isnull=True)


@pytest.fixture
def world(city, organization, editor, approver, c12, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.KYOSO_OPENDATA_DIR = tmp_path / "opendata"
    city.population, city.population_counted_on = 55_000, D(2025, 1, 1)
    city.save()
    agreement = AgreementFactory(
        municipality=city, municipal_cost_jpy=0, title="保育所入所申請のオンライン化に関する協定"
    )
    PartyFactory(agreement=agreement, organization=organization, role="lead_partner")
    initiative = InitiativeFactory(agreement=agreement, starts_on=START, ends_on=D(2027, 3, 31))
    kpi = OutcomeIndicatorFactory(agreement=agreement, initiative=initiative, code="KPI-1", unit="日")
    with django_capture_on_commit_callbacks(execute=True):
        agreement_services.agreement_publish(agreement=ready_to_publish(agreement), by=approver)
    return agreement, kpi


def officer(user) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def test_a_year_of_case_records_becomes_computed_kpis_and_protected_public_figures(
    world, city, editor, approver, c12, django_capture_on_commit_callbacks
):
    agreement, kpi = world
    public = Client(headers={"Accept-Language": "ja"})

    # 1. the editor links the KPI on the agreement page: the monthly median 処理日数 of C12
    with django_capture_on_commit_callbacks(execute=True):
        response = officer(editor).post(
            reverse("workspace:indicator-link", args=[agreement.public_id, kpi.pk]),
            {"procedure": c12.pk, "kind": "median_days", "period": "month"},
        )
    assert response.status_code == 302
    assert IndicatorLink.objects.filter(indicator=kpi, procedure=c12).exists()

    # 2. a year of case records through the API (the city's case system export)
    upload = SimpleUploadedFile("hoiku-2025.csv", csv_bytes(case_rows()), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(editor).post(
            "/api/v1/outcomes/imports/", {"file": upload, "municipality": city.code}, format="multipart"
        )
    assert response.status_code == 201, response.content
    assert response.json()["rows"] == 11 * 30 + 4
    assert Case.objects.filter(municipality=city).count() == 334

    # 3. the approver sets the standard period and publishes the figures on the officer's page
    with django_capture_on_commit_callbacks(execute=True):
        response = officer(approver).post(
            reverse("workspace:outcome-procedure", args=[city.code, c12.pk]),
            {"standard_days": "15", "publish_figures": "on"},
        )
    assert response.status_code == 302

    # 4. the KPI's values are computed: one accepted value per month the public may read
    values = dict(
        Measurement.objects.filter(indicator=kpi, source=COMPUTED_SOURCE).values_list("period_start", "value")
    )
    assert SMALL_MONTH not in values
    assert len(values) >= 9  # August withheld, and at most one more month with it (complementary)
    assert all(value >= 13 for start, value in values.items() if start < START)  # ≈ 14 business days
    assert all(value <= 9 for start, value in values.items() if start >= START)  # ≈ 7 business days
    # a figure's month is the month of 処分日: three September applications were decided in October
    assert Measurement.objects.get(indicator=kpi, period_start=D(2025, 10, 1)).sample_size == 33

    # 5. the API: JSON and CSV, August withheld
    api = f"/api/v1/outcomes/?municipality={city.code}&procedure=C12&period=month"
    rows = {row["period_start"]: row for row in public.get(api).json()["results"]}
    assert rows["2025-08-01"]["suppressed"] is True and rows["2025-08-01"]["n"] is None
    assert rows["2025-08-01"]["median_days"] is None
    assert rows["2025-10-01"]["n"] == 33 and rows["2025-10-01"]["suppressed"] is False
    withheld_months = [start for start, row in rows.items() if row["suppressed"]]
    table = list(csv.reader(io.StringIO(public.get(api + "&format=csv").content.decode("utf-8-sig"))))
    august = next(line for line in table if line[0] == "2025-08-01")
    assert "秘匿" in august and "4" not in august

    # 6. the public page of the procedure: 秘匿 where the API has null
    page = public.get(reverse("portal:municipality-outcome", args=[city.code, "C12"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "秘匿" in html and "保育施設等の利用申込" in html
    assert reverse("portal:municipality-outcomes", args=[city.code]) in html or city.name in html

    # 7. the nightly open-data file
    opendata_export()
    text = (current_dir() / "outcome_figures.csv").read_text(encoding="utf-8-sig")
    lines = [line for line in csv.DictReader(io.StringIO(text)) if line["全国地方公共団体コード"] == city.code]
    months = {line["期間開始"]: line for line in lines if line["期間の種類コード"] == "month"}
    assert set(withheld_months) == {start for start, line in months.items() if line["秘匿あり"] == "true"}
    assert months["2025-08-01"]["件数"] == "秘匿"

    # 8. OCDS: one observation per computed value, none for a withheld month
    releases_record_all()
    release = Release.objects.filter(agreement=agreement).latest("date", "id").data
    metric = next(m for m in release["contracts"][0]["implementation"]["metrics"] if m["id"] == "KPI-1")
    periods = {o["period"]["startDate"][:10] for o in metric["observations"]}
    assert periods == {start.isoformat() for start in values}
    assert not periods & set(withheld_months)
    assert all(o["dimensions"]["computed"] == "true" for o in metric["observations"])

    # 9. before/after and the comparison
    effect = public.get(f"/api/v1/outcomes/effects/{kpi.pk}/")
    assert effect.status_code == 200, effect.content
    before_after = effect.json()["before_after"]
    assert before_after["supported"] is True
    assert before_after["before"]["n"] == 5 * 30 + 4 and before_after["after"]["n"] == 6 * 30
    assert before_after["difference"] < 0
    low, high = before_after["interval"]
    assert low <= before_after["difference"] <= high < 0
    did = effect.json()["difference_in_differences"]
    assert did["supported"] is False and did["estimate"] is None and did["reasons"]  # no comparison city
    comparison = public.get("/api/v1/outcomes/comparison/?procedure=C12&period=fiscal_year").json()
    assert [row["municipality"] for row in comparison["rows"]] == [city.code]
    assert public.get(reverse("portal:outcome-effect", args=[kpi.pk])).status_code == 200
    assert public.get(reverse("portal:outcome-comparison", args=["C12"])).status_code == 200

    # 10. no raw 案件ID anywhere in the database; the figures stay computed
    assert texts_in_database("E2E-HOIKU") == []
    assert OutcomeFigure.objects.filter(municipality=city, procedure=c12).count() == 13
    assert "E2E-HOIKU" not in json.dumps(public.get(api).json()) + html + text
