"""The public annual report pages (issue 16 §4, docs/annual-report.md): a municipality's report for a fiscal
year, the national summary, each also as CSV (``?format=csv``, UTF-8 with BOM, Japanese headers, one row
per figure). The figures come from ``reports.annual``; everyone, members included, reads the same
public report. The printable version is the page itself printed by the browser (static/css/report.css).
"""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from partnerships.models import Municipality
from reports.annual import annual_report, fiscal_year_is_valid

# What each figure of ``AnnualReport.figures()`` means (its label on the page and in the CSV).
FIGURE_LABELS = {
    "agreements_signed": gettext_lazy("Agreements signed in the year"),
    "agreements_active": gettext_lazy("Agreements in force during the year"),
    "agreements_ended": gettext_lazy("Agreements ended in the year"),
    "initiatives_started": gettext_lazy("Initiatives started in the year"),
    "initiatives_running": gettext_lazy("Initiatives running during the year"),
    "deliverables_due": gettext_lazy("Deliverables due in the year"),
    "deliverables_met": gettext_lazy("Deliverables due in the year and met"),
    "deliverables_partially_met": gettext_lazy("Deliverables due in the year and partially met"),
    "deliverables_not_met": gettext_lazy("Deliverables due in the year and not met"),
    "deliverables_open": gettext_lazy("Deliverables due in the year and still open"),
    "municipal_cost_agreements_total_jpy": gettext_lazy("Municipal cost of the agreements in force, stated (yen)"),
    "municipal_cost_agreements_stated": gettext_lazy("Agreements in force with a stated municipal cost"),
    "municipal_cost_agreements_unknown": gettext_lazy("Agreements in force whose municipal cost is unknown"),
    "municipal_cost_agreements_zero": gettext_lazy("Agreements in force with a municipal cost of 0 yen"),
    "municipal_cost_initiatives_total_jpy": gettext_lazy("Municipal cost of the running initiatives, stated (yen)"),
    "municipal_cost_initiatives_stated": gettext_lazy("Running initiatives with a stated municipal cost"),
    "municipal_cost_initiatives_unknown": gettext_lazy("Running initiatives whose municipal cost is unknown"),
    "municipal_cost_initiatives_zero": gettext_lazy("Running initiatives with a municipal cost of 0 yen"),
    "partner_contribution_agreements_total_jpy": gettext_lazy(
        "Partners' estimated contribution to the agreements in force (yen)"
    ),
    "partner_contribution_agreements_stated": gettext_lazy("Agreements in force with an estimated contribution"),
    "partner_contribution_agreements_unknown": gettext_lazy("Agreements in force without an estimated contribution"),
    "partner_contribution_initiatives_total_jpy": gettext_lazy("In-kind value of the running initiatives (yen)"),
    "partner_contribution_initiatives_stated": gettext_lazy("Running initiatives with a stated in-kind value"),
    "partner_contribution_initiatives_unknown": gettext_lazy("Running initiatives without a stated in-kind value"),
    "kpis": gettext_lazy("KPIs of the published agreements"),
    "kpis_with_value": gettext_lazy("KPIs with an accepted value for the year"),
    "kpis_reached_target": gettext_lazy("KPIs whose value for the year reached the target"),
    "kpis_computed": gettext_lazy("KPI values computed by Kyoso from case records"),
    "renewals_decided": gettext_lazy("Renewal decisions taken in the year"),
    "renewals_renew": gettext_lazy("Decided to renew"),
    "renewals_renew_with_changes": gettext_lazy("Decided to renew with changes"),
    "renewals_end": gettext_lazy("Decided to end"),
    "proposals_received": gettext_lazy("Proposals received in the year"),
    "proposals_decided": gettext_lazy("Proposals decided in the year"),
    "proposals_adopted": gettext_lazy("Proposals adopted in the year"),
    "proposals_rejected": gettext_lazy("Proposals not adopted in the year"),
}
SECTION_LABELS = {
    "activity": gettext_lazy("Activity"),
    "resources": gettext_lazy("Resources"),
    "outcomes": gettext_lazy("Outcomes for residents"),
    "review": gettext_lazy("Yearly review"),
    "proposals": gettext_lazy("Proposals"),
}
CSV_HEADERS = ["区分", "項目", "値", "単位", "注記"]


def _fiscal_year(fiscal_year: str) -> int:
    year = int(fiscal_year)
    if not fiscal_year_is_valid(year):
        raise Http404(_("No report for this fiscal year."))
    return year


def _sections(report):
    """[(section label, [(figure label, value, is_yen)])] in the report's order, for the page."""
    sections = {}
    for section, key, value in report.figures():
        sections.setdefault(section, []).append((FIGURE_LABELS[key], value, key.endswith("_jpy")))
    return [(SECTION_LABELS[section], rows) for section, rows in sections.items()]


def _csv(report, filename: str) -> HttpResponse:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    with translation.override("ja"):
        for section, key, value in report.figures():
            unit = "円" if key.endswith("_jpy") else "件"
            writer.writerow([str(SECTION_LABELS[section]), str(FIGURE_LABELS[key]), value, unit, ""])
        for kpi in report.kpis:
            note = [f"基準値 {kpi.baseline_value.normalize():f}", f"目標値 {kpi.target_value.normalize():f}"]
            if kpi.value is None:
                note.append("年度内の値なし")
            else:
                note.append(f"期間 {kpi.period_start:%Y-%m-%d}〜{kpi.period_end:%Y-%m-%d}")
                if kpi.computed:
                    note.append("自動計算")
            value = "" if kpi.value is None else f"{kpi.value.normalize():f}"
            name = f"{kpi.agreement_public_id} {kpi.code} {kpi.name}"
            writer.writerow([str(SECTION_LABELS["outcomes"]), name, value, kpi.unit, "・".join(note)])
    response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _render(request, report, template: str, filename: str, csv_url: str):
    if request.GET.get("format") == "csv":
        return _csv(report, filename)
    context = {
        "report": report,
        "sections": _sections(report),
        "csv_url": f"{csv_url}?format=csv",
    }
    return render(request, template, context)


@require_safe
def municipality_report(request, code: str, fiscal_year: str):
    year = _fiscal_year(fiscal_year)
    municipality = get_object_or_404(Municipality.objects.select_related("prefecture"), code=code)
    report = annual_report(fiscal_year=year, municipality=municipality)
    url = reverse("portal:municipality-report", args=[code, year])
    return _render(request, report, "portal/reports/municipality.html", f"annual-report-{code}-{year}.csv", url)


@require_safe
def national_report(request, fiscal_year: str):
    year = _fiscal_year(fiscal_year)
    report = annual_report(fiscal_year=year)
    url = reverse("portal:national-report", args=[year])
    return _render(request, report, "portal/reports/national.html", f"annual-report-{year}.csv", url)
