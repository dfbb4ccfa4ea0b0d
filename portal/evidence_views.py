"""Public outcome evidence (issue 15, section 4): the procedures municipalities publish, the national
comparison of one procedure across municipalities, and the before/after and difference-in-differences
of a linked KPI's initiative.

The statistics and the access rule are ``outcomes.evidence`` (``comparison``, ``before_after``,
``did_estimate``, ``evidence_visible``): these views only present them. Every figure shown has been
through the small-number rule there; a withheld value reads 「秘匿」, and an estimate the data cannot
support reads 「推定できません」 with its reasons, never a number.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import RegexValidator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from agreements.models import OutcomeIndicator
from core.templatetags.kyoso import date_display, jdate, number
from outcomes.choices import PeriodKind, StandardIndicator
from outcomes.evidence import before_after, comparison, did_estimate, evidence_visible
from outcomes.models import MunicipalProcedure, Procedure
from partnerships.models import Municipality

from . import outcome_charts
from .outcome_views import national_rule, period_label, share_text, value_text

SHARES = {
    StandardIndicator.WITHIN_STANDARD_SHARE,
    StandardIndicator.ONLINE_SHARE,
    StandardIndicator.CORRECTION_SHARE,
}
DAYS = {StandardIndicator.MEDIAN_DAYS, StandardIndicator.P90_DAYS}
CHART_ROWS = 40  # bars drawn at most (the table lists every municipality)


def indicator_kind(indicator: str) -> str:
    if indicator in SHARES:
        return "share"
    if indicator in DAYS:
        return "days"
    return "mean"


# -- the procedures published anywhere ------------------------------------------------------------------


@require_safe
def outcomes_index(request):
    """The national procedures whose figures at least one municipality publishes, with how many do. One
    query."""
    rows = list(
        MunicipalProcedure.objects.filter(publish_figures=True, procedure__municipality__isnull=True)
        .values("procedure__code", "procedure__name", "procedure__name_en", "procedure__group")
        .annotate(municipalities=Count("municipality", distinct=True))
        .order_by("procedure__code")
    )
    return render(request, "portal/outcomes/index.html", {"rows": rows})


# -- the comparison of one procedure --------------------------------------------------------------------


class ComparisonForm(forms.Form):
    indicator = forms.ChoiceField(label=gettext_lazy("Indicator"), choices=StandardIndicator.choices, required=False)
    period = forms.ChoiceField(label=gettext_lazy("Period"), choices=PeriodKind.choices, required=False)
    municipality = forms.CharField(
        label=gettext_lazy("Municipality to highlight"),
        required=False,
        validators=[RegexValidator(r"^[0-9]{6}$", gettext_lazy("Enter a 6-digit local government code."))],
    )

    def clean_municipality(self):
        code = self.cleaned_data["municipality"]
        if not code:
            return None
        municipality = Municipality.objects.filter(code=code).only("pk", "code", "name").first()
        if municipality is None:
            raise forms.ValidationError(_("No municipality has this code."))
        return municipality


@require_safe
def outcome_comparison(request, procedure):
    """Each municipality's latest figure of a national procedure (the chosen indicator and period), a
    highlighted municipality (``?municipality=CODE``), and the published reference figures. Bad choices
    are a 400 with the form's messages."""
    procedure = get_object_or_404(Procedure.objects.filter(municipality__isnull=True), code__iexact=procedure)
    form = ComparisonForm(request.GET or None)
    indicator, period, highlight = StandardIndicator.MEDIAN_DAYS, PeriodKind.FISCAL_YEAR, None
    if form.is_bound:
        if not form.is_valid():
            context = {
                "procedure": procedure,
                "form": form,
                "result": None,
                "indicator_choices": StandardIndicator.choices,
                "period_choices": PeriodKind.choices,
            }
            return render(request, "portal/outcomes/comparison.html", context, status=400)
        indicator = form.cleaned_data["indicator"] or indicator
        period = form.cleaned_data["period"] or period
        highlight = form.cleaned_data["municipality"]
    result = comparison(procedure=procedure, indicator=indicator, period=period, highlight=highlight, user=request.user)
    kind = indicator_kind(indicator)
    rows = [
        {
            "row": row,
            "text": _("Withheld") if row.suppressed else value_text(kind, row.value),
            "n": _("Withheld") if row.n is None and row.suppressed else value_text("count", row.n),
            "period": period_label(period, row.period_start) if row.period_start else "—",
            "url": reverse(
                "portal:municipality-outcome", kwargs={"code": row.municipality.code, "procedure": procedure.code}
            ),
        }
        for row in result.rows
    ]
    context = {
        "procedure": procedure,
        "form": form,
        "result": result,
        "rows": rows,
        "indicator": indicator,
        "indicator_label": dict(StandardIndicator.choices)[indicator],
        "period": period,
        "highlight": highlight,
        "days": kind == "days",
        "chart": _comparison_chart(result, rows, kind, procedure) if rows else None,
        "references": _references(result.references),
        "indicator_choices": StandardIndicator.choices,
        "period_choices": PeriodKind.choices,
        "any_withheld": any(r["row"].suppressed for r in rows),
        "rule": national_rule(),
        "api_url": reverse("outcome-comparison")
        + "?"
        + urlencode(
            {"procedure": procedure.code, "indicator": indicator, "period": period}
            | ({"municipality": highlight.code} if highlight else {})
        ),
    }
    return render(request, "portal/outcomes/comparison.html", context)


def _comparison_chart(result, rows, kind, procedure):
    drawn = rows[:CHART_ROWS]
    highlighted = [r for r in rows if r["row"].highlighted]
    if highlighted and highlighted[0] not in drawn:
        drawn = [*drawn[: CHART_ROWS - 1], highlighted[0]]
    bars = [
        outcome_charts.Bar(
            label=r["row"].municipality.name,
            value=None if r["row"].suppressed else r["row"].value,
            figure=r["text"],
            standard=Decimal(r["row"].standard_days) if r["row"].standard_days and kind == "days" else None,
            highlight=r["row"].highlighted,
        )
        for r in drawn
    ]
    shown = [r for r in rows if not r["row"].suppressed and r["row"].value is not None]
    desc = _("%(count)s municipalities, the shortest or lowest first; %(withheld)s withheld.") % {
        "count": len(rows),
        "withheld": len(rows) - len(shown),
    }
    if highlighted:
        row = highlighted[0]
        desc += " " + _("%(name)s (highlighted): %(value)s.") % {
            "name": row["row"].municipality.name,
            "value": row["text"],
        }
    if kind == "days":
        desc += " " + _("A red mark on each row is that municipality's standard processing period.")
    if len(drawn) < len(rows):
        desc += " " + _("The chart shows %(shown)s of them; the table lists all.") % {"shown": len(drawn)}
    return outcome_charts.comparison_bars(
        bars,
        key="chart-comparison",
        title=_("%(indicator)s: %(procedure)s")
        % {"indicator": dict(StandardIndicator.choices)[result.indicator], "procedure": procedure.name},
        desc=desc,
        share=kind == "share",
    )


def _references(references) -> dict:
    """The reference figures (e.g. MHLW's per insurer) and their sources, each source once."""
    sources = []
    for reference in references:
        source = (reference.source_title, reference.source_url)
        if source not in sources:
            sources.append(source)
    return {
        "rows": [
            {
                "figure": r,
                "n": value_text("count", r.n),
                "mean": value_text("days", r.mean_calendar_days),
                "within": value_text("share", r.within_statutory_share),
            }
            for r in references
        ],
        "sources": sources,
    }


# -- the evidence of one KPI -----------------------------------------------------------------------------


@require_safe
def outcome_effect(request, indicator):
    """導入前後の比較 and 差の差分析 of a KPI linked to a procedure, around its initiative's start. A 404
    unless ``evidence_visible`` lets this reader see it."""
    kpi = (
        OutcomeIndicator.objects.select_related(
            # the city, the initiative (its start) and the linked procedure are read by the evidence and named
            "agreement__municipality__prefecture",
            "initiative",
            "outcome_link__procedure",
        )
        .filter(pk=indicator)
        .first()
    )
    if kpi is None:
        raise Http404
    may_see, public = evidence_visible(indicator=kpi, user=request.user)
    if not may_see:
        raise Http404
    link = kpi.outcome_link
    municipality = kpi.agreement.municipality
    ba = before_after(indicator=kpi, public=public)
    did = did_estimate(indicator=kpi, public=public)
    context = {
        "kpi": kpi,
        "agreement": kpi.agreement,
        "municipality": municipality,
        "link": link,
        "procedure": link.procedure,
        "kind_label": dict(StandardIndicator.choices).get(link.kind, link.kind),
        "member": not public,
        "ba": ba,
        "ba_words": _before_after_words(ba),
        "sides": [
            {
                "title": title,
                "side": side,
                "share": share_text(side.within_standard_share)
                if side is not None and side.within_standard_share is not None
                else "—",
            }
            for title, side in ((_("Before the start"), ba.before), (_("After the start"), ba.after))
        ],
        "trend_rows": [
            {
                "label": date_display(p.period_start, "month"),
                "after": did.start is not None and p.period_start >= did.start.replace(day=1),
                "treated": value_text("days", p.treated),
                "controls": value_text("days", p.controls_mean),
            }
            for p in did.trend
        ],
        "did": did,
        "did_words": _did_words(did),
        "trend_chart": _trend_chart(did, municipality) if did.trend and did.start else None,
        "procedure_url": reverse(
            "portal:municipality-outcome", kwargs={"code": municipality.code, "procedure": link.procedure.code}
        ),
        "kpi_url": f"{kpi.agreement.get_absolute_url()}#indicator-{kpi.pk}",
        "comparison_url": reverse("portal:outcome-comparison", kwargs={"procedure": link.procedure.code})
        + "?"
        + urlencode({"municipality": municipality.code})
        if link.procedure.national
        else "",
        "api_url": reverse("outcome-effect", kwargs={"indicator": kpi.pk}),
    }
    return render(request, "portal/outcomes/effect.html", context)


def _days(value) -> str:
    return number(abs(value))


def _change_words(difference, low, high, *, unit_days=True) -> list[str]:
    """A difference and its interval said plainly: shorter or longer, and whether chance could explain it."""
    words = []
    if difference < 0:
        words.append(_("The median became %(days)s business days shorter.") % {"days": _days(difference)})
    elif difference > 0:
        words.append(_("The median became %(days)s business days longer.") % {"days": _days(difference)})
    else:
        words.append(_("The median did not change."))
    if low is not None and high is not None:
        words.append(
            _("The 95%% interval runs from %(low)s to %(high)s business days (negative: shorter).")
            % {"low": number(low), "high": number(high)}
        )
        if low <= 0 <= high:
            words.append(_("The interval includes 0: the change could be chance, the data do not show it clearly."))
        elif high < 0:
            words.append(_("The whole interval is below 0: the data show a real shortening, not just chance."))
        else:
            words.append(_("The whole interval is above 0: the data show a real lengthening, not just chance."))
    return words


def _before_after_words(ba) -> list[str]:
    if not ba.supported or ba.difference is None:
        return []
    low, high = ba.interval if ba.interval else (None, None)
    words = _change_words(ba.difference, low, high)
    if ba.share_change is not None:
        points = (ba.share_change * 100).quantize(Decimal("0.1"))
        words.append(
            _(
                "The share processed within the standard processing period changed by %(points)s points "
                "(%(before)s → %(after)s)."
            )
            % {
                "points": f"{points:+}",
                "before": share_text(ba.before.within_standard_share),
                "after": share_text(ba.after.within_standard_share),
            }
        )
    return words


def _did_words(did) -> list[str]:
    if not did.supported or did.estimate is None:
        return []
    low, high = did.interval if did.interval else (None, None)
    words = [
        _(
            "Compared with how the comparison municipalities changed over the same months, the initiative is "
            "estimated to have changed the monthly median by %(estimate)s business days (negative: shorter)."
        )
        % {"estimate": number(did.estimate)}
    ]
    words += _change_words(did.estimate, low, high)[1:]
    return words


def _trend_chart(did, municipality):
    treated = [outcome_charts.MonthPoint(p.period_start, p.treated) for p in did.trend]
    controls = [outcome_charts.MonthPoint(p.period_start, p.controls_mean) for p in did.trend]
    before = [p for p in did.trend if p.period_start < did.start]
    desc = _(
        "The monthly median processing days of %(name)s (solid line) and the mean of %(count)s comparison "
        "municipalities (dashed line); the vertical line is the start, %(start)s."
    ) % {"name": municipality.name, "count": len(did.controls), "start": jdate(did.start)}
    if before:
        desc += " " + _("%(months)s months before the start are shown.") % {"months": len(before)}
    return outcome_charts.trends(
        key="chart-trends",
        title=_("Before the start: %(name)s and the comparison municipalities") % {"name": municipality.name},
        desc=desc,
        series=[
            outcome_charts.Series(municipality.name, treated, outcome_charts.HIGHLIGHT),
            outcome_charts.Series(_("comparison municipalities"), controls, outcome_charts.COMPARISON, dash="6 4"),
        ],
        start=did.start,
        start_label=_("start %(date)s") % {"date": date_display(did.start, "month")},
        unit=_("business days"),
        year_label=lambda day: _("FY%(year)s") % {"year": day.year},
    )
