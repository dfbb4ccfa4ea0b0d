"""Public outcome figures of a municipality (issue 15, sections 3 and 5): the procedures whose figures it
publishes with their latest fiscal year, and one procedure's figures per fiscal year and month with a
chart of the monthly median 処理日数.

Every figure goes through the small-number rule (``outcomes.disclosure.shown``, the rule of
``outcomes.services.public_figures`` and of the API): a withheld value reads 「秘匿」. Members of the
municipality (``access_for(user).is_officer``) read every value, and also the procedures it does not
publish; for anyone else an unpublished procedure is a 404, as in the API. Each page is a fixed number
of queries (tests/portal/test_outcome_pages.py pins them).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from agreements.models import Agreement
from core.templatetags.kyoso import date_display, number
from outcomes.catalogue import procedure_for_code
from outcomes.choices import PeriodKind, StandardIndicator
from outcomes.disclosure import shown, threshold_for
from outcomes.models import IndicatorLink, MunicipalProcedure, OutcomeFigure, Procedure
from outcomes.services import public_figures
from partnerships.access import access_for
from partnerships.models import Municipality

from . import outcome_charts


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str  # count, days, share, mean, standard


# The API's columns, in its order (docs/outcomes.md §7); ``*_days`` in business days unless calendar.
COLUMNS = (
    Column("n", gettext_lazy("Cases"), "count"),
    Column("median_days", gettext_lazy("Processing days, median (business days)"), "days"),
    Column("p90_days", gettext_lazy("Processing days, 90th percentile (business days)"), "days"),
    Column("median_calendar_days", gettext_lazy("Calendar days, median"), "days"),
    Column("mean_calendar_days", gettext_lazy("Calendar days, mean"), "days"),
    Column("within_standard_share", gettext_lazy("Share processed within the standard processing period"), "share"),
    Column("within_statutory_share", gettext_lazy("Share within the statutory limit"), "share"),
    Column("online_share", gettext_lazy("Share of online applications"), "share"),
    Column("correction_share", gettext_lazy("Share of cases needing a correction"), "share"),
    Column("satisfaction_mean", gettext_lazy("Satisfaction, mean (1–5)"), "mean"),
    Column("standard_days", gettext_lazy("Standard processing period (business days)"), "standard"),
)
# The list of a municipality's procedures shows these of each latest fiscal year.
SUMMARY = ("n", "median_days", "within_standard_share")
# Shown only when a row has something to say (a value or a withheld one).
OPTIONAL = {"within_standard_share", "within_statutory_share", "online_share", "satisfaction_mean"}


def share_text(value) -> str:
    """0.6667 → 66.7%."""
    return f"{(Decimal(value) * 100).quantize(Decimal('0.1'))}%"


def value_text(kind: str, value) -> str:
    if value is None:
        return "—"
    if kind == "share":
        return share_text(value)
    if kind == "standard":
        return _("%(days)s business days") % {"days": value}
    return number(value)


@dataclass
class Cell:
    column: Column
    text: str
    withheld: bool = False


@dataclass
class FigureRow:
    """One period as the page shows it."""

    period: str
    period_start: datetime.date
    period_end: datetime.date
    label: str
    values: dict
    withheld: set
    standard_days: int | None
    in_progress: bool = False
    cells: list[Cell] = field(default_factory=list)

    @property
    def suppressed(self) -> bool:
        return bool(self.withheld)

    def value(self, key):
        return self.values.get(key)

    def is_withheld(self, key) -> bool:
        return key in self.withheld


def period_label(period: str, start: datetime.date) -> str:
    if period == PeriodKind.FISCAL_YEAR:
        return _("FY%(year)s") % {"year": start.year}
    return date_display(start, "month")


def figure_rows(shown_rows, *, today: datetime.date | None = None) -> list[FigureRow]:
    """``disclosure.PublicFigure`` rows → the page's rows (cells are filled by ``with_cells``)."""
    today = today or timezone.localdate()
    return [
        FigureRow(
            period=row.period,
            period_start=row.period_start,
            period_end=row.period_end,
            label=period_label(row.period, row.period_start),
            values=row.values,
            withheld=set(row.withheld),
            standard_days=row.standard_days,
            in_progress=row.period_end >= today,
        )
        for row in shown_rows
    ]


def shown_columns(rows: list[FigureRow]) -> list[Column]:
    """Every column of the API, but the optional ones only when some row has a value or withholds one."""
    return [
        column
        for column in COLUMNS
        if column.key not in OPTIONAL
        or any(row.value(column.key) is not None or row.is_withheld(column.key) for row in rows)
    ]


def with_cells(rows: list[FigureRow], columns: list[Column]) -> list[FigureRow]:
    for row in rows:
        row.cells = [
            Cell(column, _("Withheld"), True)
            if row.is_withheld(column.key)
            else Cell(
                column,
                value_text(column.kind, row.standard_days if column.key == "standard_days" else row.value(column.key)),
            )
            for column in columns
        ]
    return rows


def procedure_for(municipality, code: str) -> Procedure | None:
    """The procedure of this code for this municipality: a national code wins over the city's own of the
    same spelling (as in the import and the API)."""
    return procedure_for_code(code, municipality)


def small_number_rule(municipality) -> dict:
    """What the page says about the small-number rule for this municipality."""
    return {"threshold": threshold_for(municipality) if municipality is not None else None, **national_rule()}


def national_rule() -> dict:
    """The thresholds of the small-number rule, as configured (docs/outcomes.md §8)."""
    return {
        "min_cases": settings.KYOSO_SMALL_NUMBER_MIN_CASES,
        "min_cases_small_town": settings.KYOSO_SMALL_NUMBER_MIN_CASES_SMALL_TOWN,
        "small_town_population": settings.KYOSO_SMALL_NUMBER_SMALL_TOWN_POPULATION,
        "no_figures_population": settings.KYOSO_SMALL_NUMBER_NO_FIGURES_POPULATION,
    }


def api_links(municipality, procedure) -> dict:
    base = reverse("outcomes")
    links = {}
    for period in (PeriodKind.FISCAL_YEAR, PeriodKind.MONTH):
        query = {"municipality": municipality.code, "procedure": procedure.code, "period": period}
        links[period] = {
            "json": f"{base}?{urlencode(query)}",
            "csv": f"{base}?{urlencode({**query, 'format': 'csv'})}",
        }
    return links


# -- the list of a municipality's procedures ------------------------------------------------------------


@require_safe
def municipality_outcomes(request, code):
    """The procedures whose figures the municipality publishes (members: also the unpublished ones with
    figures), each with its latest fiscal year. Queries: the municipality, its settings, the figures,
    the procedures (a member: + their access)."""
    municipality = get_object_or_404(Municipality.objects.select_related("prefecture"), code=code)  # full name
    member = access_for(request.user).is_officer(municipality.pk)
    settings_of = {s.procedure_id: s for s in MunicipalProcedure.objects.filter(municipality=municipality)}
    published = {pk for pk, s in settings_of.items() if s.publish_figures}
    figures = OutcomeFigure.objects.filter(municipality=municipality).order_by("procedure_id", "period", "period_start")
    if not member:
        figures = figures.filter(procedure_id__in=published)
    by_procedure = defaultdict(list)
    for figure in figures:
        by_procedure[figure.procedure_id].append(figure)
    threshold = threshold_for(municipality)
    ids = published | set(by_procedure)
    procedures = (
        list(Procedure.objects.filter(pk__in=ids).order_by(F("municipality").asc(nulls_first=True), "code"))
        if ids
        else []
    )
    today = timezone.localdate()
    summary = [c for c in COLUMNS if c.key in SUMMARY]
    rows = []
    for procedure in procedures:
        shown_rows = shown(by_procedure.get(procedure.pk, []), threshold=threshold, public=not member)
        years = [r for r in figure_rows(shown_rows, today=today) if r.period == PeriodKind.FISCAL_YEAR]
        setting = settings_of.get(procedure.pk)
        rows.append(
            {
                "procedure": procedure,
                "published": procedure.pk in published,
                "standard_days": setting.standard_days if setting else None,
                "latest": with_cells(years[-1:], summary)[0] if years else None,
                "url": reverse(
                    "portal:municipality-outcome", kwargs={"code": municipality.code, "procedure": procedure.code}
                ),
            }
        )
    context = {
        "municipality": municipality,
        "member": member,
        "rows": rows,
        "summary_columns": summary,
        "any_withheld": any(cell.withheld for r in rows if r["latest"] for cell in r["latest"].cells),
        "rule": small_number_rule(municipality),
    }
    return render(request, "portal/outcomes/municipality_outcomes.html", context)


# -- one procedure ------------------------------------------------------------------------------------


@require_safe
def municipality_outcome(request, code, procedure):
    """One procedure's figures: the fiscal years and the months (every column of the API), the chart of
    the monthly median, links to the API and to the national comparison, and the KPIs of the city's
    published agreements linked to it. Queries: the municipality, the procedure, its setting, the
    figures, the linked KPIs (a member: + their access)."""
    municipality = get_object_or_404(Municipality.objects.select_related("prefecture"), code=code)  # full name
    found = procedure_for(municipality, procedure)
    if found is None:
        raise Http404
    procedure = found
    setting = MunicipalProcedure.objects.filter(municipality=municipality, procedure=procedure).first()
    member = access_for(request.user).is_officer(municipality.pk)
    published = bool(setting and setting.publish_figures)
    if not (member or published):
        raise Http404
    rows = figure_rows(public_figures(municipality=municipality, procedure=procedure, public=not member))
    years = [r for r in rows if r.period == PeriodKind.FISCAL_YEAR]
    months = [r for r in rows if r.period == PeriodKind.MONTH]
    columns = shown_columns(rows)
    with_cells(rows, columns)
    standard_days = setting.standard_days if setting else None
    links = list(
        IndicatorLink.objects.filter(
            procedure=procedure,
            indicator__agreement__in=Agreement.objects.published().filter(municipality=municipality),
        )
        # the agreement (title, public id) and the indicator are named on each row
        .select_related("indicator__agreement")
        .order_by("indicator__agreement__public_id", "indicator__code")
    )
    kinds = dict(StandardIndicator.choices)
    periods = dict(PeriodKind.choices)
    linked = [
        {
            "link": link,
            "indicator": link.indicator,
            "agreement": link.indicator.agreement,
            "kind": kinds.get(link.kind, link.kind),
            "period": periods.get(link.period, link.period),
            "url": f"{link.indicator.agreement.get_absolute_url()}#indicator-{link.indicator.pk}",
            "effect_url": reverse("portal:outcome-effect", kwargs={"indicator": link.indicator.pk})
            if link.indicator.initiative_id
            else "",
        }
        for link in links
    ]
    context = {
        "municipality": municipality,
        "procedure": procedure,
        "setting": setting,
        "standard_days": standard_days,
        "member": member,
        "published": published,
        "years": years,
        "months": months,
        "columns": columns,
        "any_withheld": any(r.suppressed for r in rows),
        "chart": _monthly_chart(months, procedure, standard_days) if months else None,
        "api": api_links(municipality, procedure),
        "comparison_url": (
            reverse("portal:outcome-comparison", kwargs={"procedure": procedure.code})
            + "?"
            + urlencode({"municipality": municipality.code})
        )
        if procedure.national
        else "",
        "linked": linked,
        "rule": small_number_rule(municipality),
    }
    return render(request, "portal/outcomes/municipality_outcome.html", context)


def _monthly_chart(months: list[FigureRow], procedure, standard_days):
    points = [outcome_charts.MonthPoint(r.period_start, r.value("median_days")) for r in months]
    drawn = [p for p in points if p.value is not None]
    withheld = len(points) - len(drawn)
    desc = _("The median processing days of each month from %(first)s to %(last)s.") % {
        "first": date_display(months[0].period_start, "month"),
        "last": date_display(months[-1].period_start, "month"),
    }
    if drawn:
        latest = drawn[-1]
        desc += " " + _("The latest shown month, %(month)s: %(days)s business days.") % {
            "month": date_display(latest.on, "month"),
            "days": number(latest.value),
        }
    if withheld:
        desc += " " + _("%(count)s withheld months are gaps in the line.") % {"count": withheld}
    if standard_days:
        desc += " " + _("The dashed line is the standard processing period, %(days)s business days.") % {
            "days": standard_days
        }
    return outcome_charts.monthly_days(
        key="chart-outcome-months",
        title=_("Median processing days per month: %(name)s") % {"name": procedure.name},
        desc=desc,
        points=points,
        standard_days=standard_days,
        unit=_("business days"),
        standard_label=_("standard %(days)s") % {"days": standard_days} if standard_days else "",
        year_label=lambda day: _("FY%(year)s") % {"year": day.year},
    )
