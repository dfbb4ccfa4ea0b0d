"""Reads of the workspace pages: the officer's dashboard, an agreement's workspace page, the partner's
lists. Each is a fixed number of queries, whatever the number of rows."""

import datetime
from dataclasses import dataclass

from django.db import connections
from django.db.models import Exists, F, OuterRef, Prefetch

from agreements.choices import AgreementStatus
from agreements.models import Agreement, Deliverable, Initiative, Measurement, OutcomeIndicator, ProgressUpdate
from notifications.messages import render as render_notice
from notifications.models import Notice
from partnerships.models import Membership

DUE_SOON_DAYS = 14  # the first reminder of agreements.jobs (KYOSO_REMINDER_DAYS)
ENDING_DAYS = 90  # the first "ending" notice of agreements.jobs (KYOSO_ENDING_NOTICE_DAYS)


CAP = 100  # the dashboard counts a section up to here and shows "100+" past it: more says nothing new


@dataclass
class Section:
    """The first rows of a list and how many there are in all (``capped``: more than ``total``)."""

    rows: list
    total: int
    capped: bool = False

    @property
    def more(self) -> int:
        return self.total - len(self.rows)

    @property
    def label(self) -> str:
        """The total as shown: "100+" when capped."""
        return f"{self.total}+" if self.capped else str(self.total)


def section(queryset, limit) -> Section:
    """The first rows, and the total — counted only when the rows fill the section (a window count
    would make PostgreSQL read every matching row of the country)."""
    rows = list(queryset[:limit])
    return Section(rows, queryset.count() if len(rows) == limit else len(rows))


def capped_sections(querysets: dict, *, limit: int, cap: int = CAP) -> dict[str, Section]:
    """The first ``limit`` rows of each list, then the totals of the full ones in one query, each counted
    up to ``cap`` (an index reads at most cap + 1 entries, however many rows the city has)."""
    rows = {name: list(queryset[:limit]) for name, queryset in querysets.items()}
    counts = capped_counts({name: querysets[name] for name in querysets if len(rows[name]) == limit}, cap + 1)
    return {
        name: Section(found, cap, capped=True)
        if counts.get(name, 0) > cap
        else Section(found, counts.get(name, len(found)))
        for name, found in rows.items()
    }


def capped_counts(querysets: dict, at_most: int) -> dict[str, int]:
    """``COUNT(*)`` of the first ``at_most`` rows of each queryset, as one query of scalar subqueries
    (a round trip, and the work of compiling a query, for all of them)."""
    if not querysets:
        return {}
    parts, params = [], []
    for queryset in querysets.values():
        sql, part_params = queryset.values("pk")[:at_most].query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS part)")  # noqa: S608 — Django's SQL, values as params
        params.extend(part_params)
    with connections[next(iter(querysets.values())).db].cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        return dict(zip(querysets, cursor.fetchone(), strict=True))


def dashboard(*, user, municipality_ids, today: datetime.date, limit: int = 10) -> dict:
    """What needs an officer's attention in these municipalities."""
    # the deliverable's own municipality: the city's open deliverables by due date from one partial index
    deliverables = Deliverable.objects.open().filter(municipality_id__in=municipality_ids)
    # select_related: each row names the deliverable's agreement, its municipality and the responsible party
    deliverables = deliverables.select_related("initiative__agreement__municipality", "responsible")
    agreements = Agreement.objects.filter(municipality_id__in=municipality_ids, status=AgreementStatus.ACTIVE)
    agreements = agreements.select_related("municipality")  # each row names its municipality
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    sections = capped_sections(
        {
            "due_soon": deliverables.filter(due_on__gte=today, due_on__lte=soon).order_by("due_on", "id"),
            "overdue": deliverables.filter(due_on__lt=today).order_by("due_on", "id"),
            "progress_pending": progress_queue(municipality_ids).order_by("submitted_at", "id"),
            "measurements_pending": measurement_queue(municipality_ids).order_by("reported_at", "id"),
            "ending": agreements.filter(
                ends_on__gte=today, ends_on__lte=today + datetime.timedelta(days=ENDING_DAYS)
            ).order_by("ends_on", "id"),
            "dormant": agreements.filter(dormant_since__isnull=False).order_by("dormant_since", "id"),
        },
        limit=limit,
    )
    notices = list(Notice.objects.filter(recipient=user).order_by("-created_at", "-id")[:5])
    return sections | {
        "notices": [(notice, render_notice(notice.kind, notice.params)[0]) for notice in notices],
        "due_soon_days": DUE_SOON_DAYS,
        "ending_days": ENDING_DAYS,
    }


def progress_queue(municipality_ids):
    """Progress reports waiting for review in these municipalities."""
    return (
        ProgressUpdate.objects.pending()
        # the city's deliverables first (an index walk), not every pending report of the country joined back
        .filter(deliverable_id__in=Deliverable.objects.filter(municipality_id__in=municipality_ids).values("pk"))
        # select_related: each row names the deliverable, its agreement and municipality, and the reporting party
        .select_related("deliverable__initiative__agreement__municipality", "deliverable__responsible")
    )


def measurement_queue(municipality_ids):
    """Partners' measurements waiting for review in these municipalities."""
    return (
        # the value's own municipality: the city's pending values, oldest first, from one partial index
        Measurement.objects.pending()
        .filter(municipality_id__in=municipality_ids)
        # select_related: each row names the indicator, its agreement and municipality, and the reporting party
        .select_related("indicator__agreement__municipality", "indicator__reporter")
    )


def agreement_workspace(agreement: Agreement) -> dict:
    """Everything under an agreement for its workspace page, in six queries."""
    deliverables = Deliverable.objects.select_related("responsible").order_by("due_on", "id")
    initiatives = list(
        Initiative.objects.filter(agreement=agreement)
        .with_progress()
        .select_related("field")  # the cooperation field's name on every initiative
        .prefetch_related(Prefetch("deliverables", queryset=deliverables))  # the deliverables under each
        .order_by("id")
    )
    accepted = Measurement.objects.accepted().order_by("period_start", "id")
    indicators = list(
        OutcomeIndicator.objects.filter(agreement=agreement)
        .select_related("reporter", "initiative", "outcome_link__procedure")  # names on every indicator row
        .prefetch_related(Prefetch("measurements", queryset=accepted, to_attr="accepted_measurements"))
        .order_by("code")
    )
    parties = list(agreement.parties.select_related("organization").order_by("role", "id"))  # organization names
    pending = {
        "progress": ProgressUpdate.objects.pending().filter(deliverable__initiative__agreement=agreement).count(),
        "measurements": Measurement.objects.pending().filter(indicator__agreement=agreement).count(),
    }
    return {
        "parties": parties,
        "initiatives": initiatives,
        "indicators": indicators,
        "fields": list(agreement.fields.all()),
        "pending": pending,
    }


def partner_deliverables(organization_ids):
    """Deliverables the partner's organizations are responsible for, by due date (undated last)."""
    return (
        Deliverable.objects.filter(responsible_id__in=organization_ids)
        # select_related: each row names its initiative, agreement, municipality and responsible organization
        .select_related("initiative__agreement__municipality", "responsible")
        .order_by(F("due_on").asc(nulls_last=True), "id")
    )


def partner_indicators(organization_ids):
    """KPIs the partner's organizations report."""
    return (
        OutcomeIndicator.objects.filter(reporter_id__in=organization_ids)
        # select_related: each row names its agreement, municipality and reporting organization
        .select_related("agreement__municipality", "reporter")
        .order_by("agreement__public_id", "code")
    )


def partner_progress_reports(organization_ids):
    """Progress reports on the partner's deliverables, newest first."""
    return (
        ProgressUpdate.objects.filter(deliverable__responsible_id__in=organization_ids)
        # select_related: each row names the deliverable, its agreement and the submitting user
        .select_related("deliverable__initiative__agreement", "submitted_by")
        .order_by("-submitted_at", "-id")
    )


def partner_measurements(organization_ids):
    """Values the partner's users reported (the municipality's own values are not theirs to follow)."""
    reporters = Membership.objects.filter(organization_id__in=organization_ids).values("user_id")
    return (
        Measurement.objects.filter(indicator__reporter_id__in=organization_ids, reported_by_id__in=reporters)
        # select_related: each row names the indicator and its agreement
        .select_related("indicator__agreement")
        .order_by("-reported_at", "-id")
    )


def partner_returned_reports(organization_ids):
    """Returned progress reports not yet followed by a newer report on the same deliverable."""
    newer = ProgressUpdate.objects.filter(deliverable_id=OuterRef("deliverable_id"), pk__gt=OuterRef("pk"))
    return (
        ProgressUpdate.objects.filter(deliverable__responsible_id__in=organization_ids, review_status="returned")
        .exclude(Exists(newer))
        .select_related("deliverable")  # each row names its deliverable
        .order_by("-reviewed_at", "-id")
    )
