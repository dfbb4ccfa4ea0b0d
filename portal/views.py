"""The public portal: the national picture, agreement search, agreement, municipality and
organization pages, and public document downloads. Everyone sees published records; members of an
agreement also see what is theirs."""

from pathlib import PurePath

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from agreements.models import Agreement, CooperationField, Party
from agreements.selectors import stats_get
from core.templatetags.kyoso import jdate, number
from outcomes.models import MunicipalProcedure
from partnerships.models import Municipality, MunicipalityKind, Organization
from proposals.models import Proposal, ProposalStatus, Theme
from reports.annual import last_complete_fiscal_year

from . import charts, kpi
from .forms import MORE, PRIMARY, search_filterset
from .history import agreement_history
from .models import InfoPage
from .selectors import (
    VERDICTS,
    agreement_sections,
    document_for,
    kpi_verdicts,
    municipality_agreements_q,
    municipality_partners,
    organization_deliverables,
    organization_is_public,
    organization_municipalities,
    organization_parties,
    prefecture_municipalities,
    prefecture_names,
    recent_agreements,
    recent_improvements,
    totals,
    with_list_relations,
)
from .templatetags.portal import local

PER_PAGE = 20
# The home page's prefecture chart shows the prefectures with the most agreements; all of them are in
# the table under it. 15 bars stay readable on a phone and on a desktop without scrolling past a wall.
CHART_PREFECTURES = 15


def verdict_labels() -> dict[str, str]:
    return {
        "met_target": _("Met the target"),
        "improved": _("Improved on the baseline"),
        "unchanged": _("Unchanged"),
        "worsened": _("Worsened"),
        "not_measured": _("Not measured yet"),
    }


def _verdict_summary(verdicts: dict, key: str) -> dict:
    labels = verdict_labels()
    segments = [(name, labels[name], verdicts.get(name, 0)) for name in VERDICTS]
    measured = verdicts.get("indicators", 0) - verdicts.get("not_measured", 0)
    better = verdicts.get("met_target", 0) + verdicts.get("improved", 0)
    desc = _("%(better)s of %(measured)s measured outcome indicators improved on their baseline.") % {
        "better": better,
        "measured": measured,
    }
    chart = (
        charts.verdict_bar(segments, key=key, title=_("How the outcome indicators stand"), desc=desc)
        if verdicts.get("indicators")
        else None
    )
    return {"segments": segments, "measured": measured, "better": better, "chart": chart, **verdicts}


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_safe
def home(request):
    stats = stats_get()
    prefectures = prefecture_names()
    rows = [
        {
            **row,
            "label": prefectures.get(row["prefecture"], (row["name"], None))[0],
            "code": prefectures.get(row["prefecture"], (None, None))[1],
        }
        for row in stats["by_prefecture"]
    ]
    chart = None
    if rows:
        # most agreements first; ties in the national (code) order
        charted = sorted(rows, key=lambda row: (-row["agreements"], row["prefecture"]))[:CHART_PREFECTURES]
        busiest = charted[0]
        desc = _(
            "Agreements in %(count)s prefectures, the zero-budget ones first in each bar. "
            "Most in %(name)s: %(agreements)s."
        ) % {"count": len(rows), "name": busiest["label"], "agreements": busiest["agreements"]}
        if len(charted) < len(rows):
            desc += " " + _("The chart shows the %(shown)s prefectures with the most agreements.") % {
                "shown": len(charted)
            }
        chart = charts.stacked_bars(
            [charts.BarRow(row["label"], row["zero_budget"], row["agreements"]) for row in charted],
            key="chart-prefectures",
            title=_("Published agreements by prefecture"),
            desc=desc,
        )
    field_names = {
        field.code: field for field in CooperationField.objects.only("code", "name", "name_en", "sort_order")
    }
    by_field = [{**row, "object": field_names.get(row["field"])} for row in stats["by_field"]]
    share = stats["zero_budget_share"]
    context = {
        "stats": stats,
        "zero_budget_percent": None if share is None else share * 100,
        "prefecture_rows": rows,
        "prefecture_chart": chart,
        "prefectures_charted": min(len(rows), CHART_PREFECTURES),
        "by_field": by_field,
        "verdicts": _verdict_summary(stats["kpis"], "chart-verdicts"),
        "recent": recent_agreements(),
        "improvements": recent_improvements(),
    }
    return render(request, "portal/home.html", context)


@require_safe
def search(request):
    filterset = search_filterset(request.GET, queryset=Agreement.objects.visible_to(request.user), request=request)
    page = None
    if filterset.is_valid():
        page = Paginator(with_list_relations(filterset.qs), PER_PAGE).get_page(request.GET.get("page"))
    query = _query_without_page(request)
    form = filterset.form
    shown_more = [name for name in MORE if name != "published" or request.user.is_authenticated]
    context = {
        "filterset": filterset,
        "form": form,
        "primary_fields": [form[name] for name in PRIMARY],
        "more_fields": [form[name] for name in shown_more if name != "status"],
        "status_field": form["status"],
        "more_open": any(request.GET.get(name) for name in shown_more) or bool(form.errors),
        "page": page,
        "query": query,
        "csv_url": f"{reverse('agreement-list')}?{query + '&' if query else ''}format=csv",
        "xlsx_url": f"{reverse('agreement-list')}?{query + '&' if query else ''}format=xlsx",
        "json_url": f"{reverse('agreement-list')}?{query}" if query else reverse("agreement-list"),
    }
    return render(request, "portal/search.html", context)


@require_safe
def agreement_detail(request, public_id):
    agreement = get_object_or_404(
        # municipality with its prefecture (full name), department and parent are shown: joined
        Agreement.objects.visible_to(request.user).select_related("municipality__prefecture", "department", "parent"),
        public_id=public_id,
    )
    sections = agreement_sections(agreement=agreement, user=request.user)
    labels = verdict_labels()
    for indicator in sections["indicators"]:
        indicator.series = kpi.series(indicator)
        indicator.columns = kpi.columns(indicator, member=sections["member"])
        indicator.pending = kpi.latest_pending(indicator) if sections["member"] else None
        if indicator.latest:
            indicator.latest.before_baseline = kpi.before_baseline(indicator, indicator.latest)
            indicator.latest.shown_attainment = kpi.attainment(indicator, indicator.latest)
        indicator.chart = _kpi_chart(indicator)
        indicator.verdict_label = labels[indicator.verdict]
        indicator.outcome = kpi.outcome(indicator, member=sections["member"])
    history, history_total = agreement_history(agreement, member=sections["member"])
    context = {
        "agreement": agreement,
        "fields": list(agreement.fields.order_by("sort_order", "code")),
        "history": history,
        "history_total": history_total,
        "legend": charts.legend_items(members=sections["member"]),
        **sections,
    }
    return render(request, "portal/agreement.html", context)


def _kpi_chart(indicator):
    points = [
        charts.Point(m.period_end, m.value, accepted=m.review_status == "accepted")
        for m in indicator.shown_measurements
    ]
    accepted = [p for p in points if p.accepted]
    unit = indicator.unit
    desc = _(
        "Baseline %(baseline)s %(unit)s (period to %(baseline_on)s); target %(target)s %(unit)s by %(target_on)s."
    ) % {
        "baseline": number(indicator.baseline_value),
        "unit": unit,
        "baseline_on": jdate(indicator.baseline_period_end),
        "target": number(indicator.target_value),
        "target_on": jdate(indicator.target_on),
    }
    if accepted:
        desc += " " + _("%(count)s accepted values; the latest is %(value)s %(unit)s (period to %(on)s).") % {
            "count": len(accepted),
            "value": number(accepted[-1].value),
            "unit": unit,
            "on": jdate(accepted[-1].on),
        }
    else:
        desc += " " + _("No accepted value yet.")
    return charts.kpi_chart(
        key=f"chart-kpi-{indicator.pk}",
        title=_("%(code)s %(name)s over time") % {"code": indicator.code, "name": local(indicator, "name")},
        desc=desc,
        unit=unit,
        baseline=charts.Point(indicator.baseline_period_end, indicator.baseline_value),
        target=charts.Point(indicator.target_on, indicator.target_value),
        points=points,
        year_label=lambda day: _("FY%(year)s") % {"year": day.year},
        latest_label=f"{number(accepted[-1].value)} {unit}" if accepted else "",
    )


@require_safe
def document_download(request, pk):
    """A document's file, as a download that cannot run in the browser: public documents of
    published agreements for everyone, all documents for members of the agreement, 404 otherwise."""
    document = document_for(pk=pk, user=request.user)
    if document is None:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=PurePath(document.file.name).name)
    response["Content-Type"] = "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    public = document.agreement.published and document.public
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    return response


@require_safe
def municipality_detail(request, code):
    municipality = get_object_or_404(
        Municipality.objects.select_related("prefecture", "parent_city")  # named on the page
        # the 「サービスの成果」 link: does it publish any procedure's figures (a subquery, no extra query)
        .annotate(
            publishes_outcomes=Exists(
                MunicipalProcedure.objects.filter(municipality=OuterRef("pk"), publish_figures=True)
            ),
            # the 「民間提案」 link: published themes or decided proposals (subqueries, no extra query)
            has_proposals=Exists(Theme.objects.published().filter(municipality=OuterRef("pk")))
            | Exists(Proposal.objects.filter(municipality=OuterRef("pk"), status=ProposalStatus.DECIDED)),
        ),
        code=code,
    )
    # its own agreements and those it signed as a party (inter-municipal): both cities list them
    agreements = Agreement.objects.visible_to(request.user).filter(municipality_agreements_q(municipality))
    page = Paginator(with_list_relations(agreements.order_by("-signed_on", "-id")), PER_PAGE).get_page(
        request.GET.get("page")
    )
    published = Agreement.objects.published().filter(municipality=municipality)
    is_prefecture = municipality.kind == MunicipalityKind.PREFECTURE
    context = {
        "municipality": municipality,
        "page": page,
        "figures": totals(published),
        "verdicts": _verdict_summary(kpi_verdicts(published), "chart-verdicts"),
        "partners": municipality_partners(municipality),
        "is_prefecture": is_prefecture,
        "prefecture_municipalities": prefecture_municipalities(municipality) if is_prefecture else [],
        "search_query": f"municipality={municipality.code}",
        "report_year": last_complete_fiscal_year(),  # the annual report linked from the page
    }
    return render(request, "portal/municipality.html", context)


@require_safe
def organization_detail(request, pk):
    # prefecture and the public body it is (if any) are named on the page
    organization = get_object_or_404(Organization.objects.select_related("prefecture", "municipality"), pk=pk)
    if not organization_is_public(organization, request.user):
        raise Http404
    page = Paginator(organization_parties(organization, request.user), PER_PAGE).get_page(request.GET.get("page"))
    published = Agreement.objects.published().filter(
        pk__in=Party.objects.filter(organization=organization).values("agreement_id")
    )
    context = {
        "organization": organization,
        "page": page,
        "figures": totals(published),
        "deliverables": organization_deliverables(organization),
        # one more query than before issue 11: the cities it works with (tests/portal/test_query_counts.py)
        "municipalities": organization_municipalities(organization, request.user),
    }
    return render(request, "portal/organization.html", context)


@require_safe
def info_page(request, slug):
    """The operator's pages (contact, privacy, accessibility), as the operator wrote them in the admin."""
    page = get_object_or_404(InfoPage, slug=slug)
    title, body = page.localized()
    return render(request, "portal/info_page.html", {"page": page, "title": title, "body": body})
