# ruff: noqa: S311 — reproducible synthetic data, not secrets
"""Synthetic data at national scale, written with PostgreSQL's COPY (``manage.py seed_scale``).

Over the real municipality list (run ``load_municipalities`` first) it writes organizations,
departments, agreements with their cooperation fields and parties, initiatives, deliverables, outcome
indicators and their measurements — by default 20,000 / ~7,900 / 100,000 / 200,000 / 500,000 /
250,000 / 5,000,000 rows — in one transaction, so a failed run leaves nothing behind.

Every row keeps the models' rules, not only the database constraints that COPY checks anyway:
check digits of 法人番号; signed ≤ starts ≤ ends; active agreements are signed and published ones
dated; exactly one lead partner per agreement, each organization once; a parent agreement is a
comprehensive one of the same municipality; departments belong to the agreement's municipality;
responsible organizations and KPI reporters are parties; targets improve on baselines in the KPI's
direction; one measurement per indicator and period, none after the ``as_of`` day; returned
measurements say why; met deliverables are dated. Generated columns (``zero_budget``,
``prefecture_code``) are left to the database.

Synthetic rows are marked: titles and organization names start with 【合成】, websites are under
example.jp, and corporate numbers are check digit + "99" + 10 digits (no registry office has code
99xx, so no real company shares one). The same ``seed`` and sizes give the same rows.
History (django-simple-history) is not written: seeded records have no change history.
"""

import bisect
import datetime
import json
import logging
import math
import random
import time
from collections import Counter
from dataclasses import dataclass

from django.core.management.color import no_style
from django.db import connection

from agreements.models import (
    Agreement,
    CooperationField,
    Deliverable,
    Initiative,
    Measurement,
    OutcomeIndicator,
    Party,
)
from partnerships.codes import corporate_number_check_digit
from partnerships.models import Department, Municipality, Organization

from . import vocabulary as v

logger = logging.getLogger(__name__)
JST = datetime.timezone(datetime.timedelta(hours=9))
AS_OF = datetime.date(2026, 4, 1)  # the synthetic "today": nothing is signed, due or measured after it
FIRST_SIGNED = datetime.date(2012, 4, 1)


@dataclass(frozen=True)
class Sizes:
    organizations: int
    agreements: int
    initiatives: int
    deliverables: int
    indicators: int
    measurements: int


SCALES = {
    "tiny": Sizes(60, 120, 240, 600, 300, 3_000),
    "small": Sizes(4_000, 10_000, 20_000, 50_000, 25_000, 500_000),
    "full": Sizes(20_000, 100_000, 200_000, 500_000, 250_000, 5_000_000),
}

ORGANIZATION = ("id", "corporate_number", "name", "kana", "name_en", "kind", "industry", "prefecture_id")
ORGANIZATION += ("website", "created_at", "updated_at")
DEPARTMENT = ("id", "municipality_id", "name", "name_en")
AGREEMENT = ("id", "public_id", "municipality_id", "department_id", "kind", "parent_id", "title", "title_en")
AGREEMENT += ("summary", "summary_en", "signed_on", "starts_on", "ends_on", "auto_renewal", "renewal_term_months")
AGREEMENT += ("status", "selection_method", "municipal_cost_jpy", "partner_contribution_jpy", "data_sharing_terms")
AGREEMENT += ("published", "published_at", "created_at", "updated_at")
AGREEMENT_FIELD = ("id", "agreement_id", "cooperationfield_id")
PARTY = ("id", "agreement_id", "organization_id", "role", "signatory_title", "signed_on")
INITIATIVE = ("id", "agreement_id", "title", "title_en", "summary", "field_id", "status", "starts_on", "ends_on")
INITIATIVE += ("municipal_cost_jpy", "in_kind_value_jpy", "journey_before", "journey_after", "created_at", "updated_at")
DELIVERABLE = ("id", "initiative_id", "title", "description", "responsible_id", "due_on", "status", "progress")
DELIVERABLE += ("met_on", "weight", "created_at", "updated_at", "municipality_id")  # the agreement's, stored
INDICATOR = ("id", "agreement_id", "initiative_id", "code", "name", "name_en", "unit", "direction")
INDICATOR += ("baseline_value", "baseline_period_start", "baseline_period_end", "target_value", "target_on")
INDICATOR += ("data_source", "method", "frequency", "reporter_id")
MEASUREMENT = ("id", "indicator_id", "period_start", "period_end", "value", "sample_size", "source", "method")
MEASUREMENT += ("measured_by", "verified", "note", "review_status", "review_comment", "reported_at", "reviewed_at")
MEASUREMENT += ("municipality_id",)  # the agreement's, stored

MODELS = (Organization, Department, Agreement, Party, Initiative, Deliverable, OutcomeIndicator, Measurement)


def spread(total: int, parents: int, rng: random.Random) -> list[int]:
    """``parents`` counts that add up to ``total`` exactly, each near the mean (±50 %)."""
    if parents <= 0:
        return []
    mean = total / parents
    low, high = max(0, math.floor(mean * 0.5)), max(1, math.ceil(mean * 1.5))
    counts = [rng.randint(low, high) for _ in range(parents)]
    difference = total - sum(counts)
    while difference:
        i = rng.randrange(parents)
        if difference > 0:
            counts[i] += 1
            difference -= 1
        elif counts[i] > 0:
            counts[i] -= 1
            difference += 1
    return counts


def synthetic_corporate_number(serial: int) -> str:
    base = f"99{serial:010d}"
    return corporate_number_check_digit(base) + base


class _Months:
    """Month n (months since year 0) → its first and last day, as ISO text, computed once."""

    def __init__(self):
        self.first, self.last = {}, {}

    @staticmethod
    def index(day: datetime.date) -> int:
        return day.year * 12 + day.month - 1

    def first_day(self, n: int) -> str:
        if n not in self.first:
            self.first[n] = datetime.date(n // 12, n % 12 + 1, 1).isoformat()
        return self.first[n]

    def last_day(self, n: int) -> str:
        if n not in self.last:
            self.last[n] = (datetime.date((n + 1) // 12, (n + 1) % 12 + 1, 1) - datetime.timedelta(days=1)).isoformat()
        return self.last[n]


class Seeder:
    """Generates the rows in order (parents before children) and writes each table with one COPY."""

    def __init__(self, *, sizes: Sizes, seed: int = 42, as_of: datetime.date = AS_OF):
        self.sizes, self.seed, self.as_of = sizes, seed, as_of
        self.rng = random.Random(seed)
        self.months = _Months()
        self.counts: dict[str, int] = {}
        self.timings: dict[str, float] = {}
        self.largest_municipality: str | None = None

    # --- the run --------------------------------------------------------------------------------

    def run(self) -> dict:
        """Write everything (the caller holds the transaction). Returns counts and timings."""
        started = time.monotonic()
        self._read_context()
        with connection.cursor() as cursor:
            self.cursor = cursor
            cursor.execute("SET LOCAL synchronous_commit = off")
            self._copy(Organization, ORGANIZATION, self._organizations())
            self._copy(Department, DEPARTMENT, self._departments())
            self._copy(Agreement, AGREEMENT, self._agreements())
            self._copy(Agreement.fields.through, AGREEMENT_FIELD, iter(self.field_rows))
            self._copy(Party, PARTY, iter(self.party_rows))
            del self.field_rows, self.party_rows
            self._copy(Initiative, INITIATIVE, self._initiatives())
            self._copy(Deliverable, DELIVERABLE, self._deliverables())
            self._copy(OutcomeIndicator, INDICATOR, self._indicators())
            self._copy(Measurement, MEASUREMENT, self._measurements())
            for statement in connection.ops.sequence_reset_sql(no_style(), [*MODELS, Agreement.fields.through]):
                cursor.execute(statement)
        self.timings["total"] = round(time.monotonic() - started, 1)
        return {"counts": self.counts, "seconds": self.timings, "largest_municipality": self.largest_municipality}

    def _copy(self, model, columns, rows) -> None:
        table = model._meta.db_table
        # NOT NULL columns the generators do not write get the model's default (a column added later —
        # a city's own number, a branch — needs no edit here): Django's defaults live in Python, not in SQL.
        extra = [
            f
            for f in model._meta.concrete_fields
            if f.column not in columns
            and not f.null
            and not f.generated
            and (f.has_default() or f.empty_strings_allowed)
        ]
        defaults = tuple(
            json.dumps(f.get_default()) if f.get_internal_type() == "JSONField" else f.get_default() for f in extra
        )
        columns = (*columns, *(f.column for f in extra))
        started, count = time.monotonic(), 0
        with self.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, *defaults))
                count += 1
        self.counts[table] = count
        self.timings[table] = round(time.monotonic() - started, 1)
        logger.info("%s: %s rows in %.1f s", table, count, self.timings[table])

    def _read_context(self) -> None:
        municipalities = list(Municipality.objects.order_by("id").values_list("id", "code", "name", "kind"))
        if not municipalities:
            raise RuntimeError("No municipalities: run `manage.py load_municipalities` first.")
        self.municipalities = municipalities
        self.prefectures = [m[0] for m in municipalities if m[3] == "prefecture"] or [None]
        self.fields = list(CooperationField.objects.order_by("sort_order", "code").values_list("id", "name"))
        self.next_id = {}
        for model in (*MODELS, Agreement.fields.through):
            table = model._meta.db_table
            last = model.objects.order_by("-id").values_list("id", flat=True).first() or 0
            self.next_id[table] = last + 1
        self.used_numbers = set(
            Organization.objects.exclude(corporate_number=None).values_list("corporate_number", flat=True)
        )
        self.used_public_ids = set(Agreement.objects.values_list("public_id", flat=True))
        self.existing_departments = set(Department.objects.values_list("municipality_id", "name"))

    def _ids(self, model, n: int) -> range:
        table = model._meta.db_table
        first = self.next_id[table]
        self.next_id[table] = first + n
        return range(first, first + n)

    def _moment(self, day: datetime.date, hour: int = 10) -> datetime.datetime:
        return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=JST)

    # --- organizations and departments ------------------------------------------------------------

    def _organizations(self):
        rng, n = self.rng, self.sizes.organizations
        ids = self._ids(Organization, n)
        self.organization_ids = list(ids)
        self.organization_names = {}
        # A few partners work with hundreds of municipalities, most with one or two (Zipf-like).
        weights = [1 / (rank + 5) ** 1.1 for rank in range(n)]
        rng.shuffle(weights)
        self.organization_cumulative = _cumulative(weights)
        created = self._moment(FIRST_SIGNED)
        serial = 0
        for pk in ids:
            kind, suffix, industry = rng.choices(v.ORGANIZATION_KINDS, v.ORGANIZATION_KIND_WEIGHTS)[0]
            serial += 1
            number = synthetic_corporate_number(serial)
            while number in self.used_numbers:
                serial += 1
                number = synthetic_corporate_number(serial)
            stem = rng.choice(v.NAME_STEMS)
            name = f"{v.MARK}{suffix.format(stem=stem)}{pk % 10000:04d}"
            self.organization_names[pk] = name
            yield (
                pk,
                number,
                name,
                "ごうせい" + stem,
                f"Synthetic {kind} {pk}",
                kind,
                industry or rng.choice(v.INDUSTRIES),
                rng.choice(self.prefectures),
                f"https://example.jp/synthetic/{pk}",
                created,
                created,
            )

    def _departments(self):
        """Four departments in each municipality that will have agreements."""
        self.agreement_counts = self._agreement_counts()
        self.departments: dict[int, list[int]] = {}
        for index, _count in self.agreement_counts:
            municipality_id = self.municipalities[index][0]
            names = [d for d in v.DEPARTMENTS if (municipality_id, d[0]) not in self.existing_departments]
            ids = self._ids(Department, len(names))
            self.departments[municipality_id] = list(ids)
            for pk, (name, name_en) in zip(ids, names, strict=True):
                yield (pk, municipality_id, name, name_en)

    def _pick_organizations(self, k: int) -> list[int]:
        rng, cumulative, ids = self.rng, self.organization_cumulative, self.organization_ids
        total, chosen = cumulative[-1], []
        while len(chosen) < min(k, len(ids)):
            pk = ids[bisect.bisect_left(cumulative, rng.random() * total)]
            if pk not in chosen:
                chosen.append(pk)
        return chosen

    # --- agreements, their fields and parties -------------------------------------------------------

    def _agreement_counts(self) -> list[tuple[int, int]]:
        rng = self.rng
        weights = [
            v.MUNICIPALITY_WEIGHT[kind] * rng.lognormvariate(0, 0.6) for _id, _c, _n, kind in self.municipalities
        ]
        picks = Counter(rng.choices(range(len(self.municipalities)), weights, k=self.sizes.agreements))
        return [(i, picks[i]) for i in range(len(self.municipalities)) if picks[i]]

    def _agreements(self):
        rng, as_of = self.rng, self.as_of
        self.field_rows, self.party_rows, self.agreements = [], [], []
        self.municipality_of = {}  # agreement id → municipality id, stored on deliverables and measurements
        field_ids, party_ids = (
            iter(range(self.next_id[Agreement.fields.through._meta.db_table], 10**15)),
            iter(range(self.next_id[Party._meta.db_table], 10**15)),
        )
        ids = iter(self._ids(Agreement, self.sizes.agreements))
        span = (as_of - FIRST_SIGNED).days
        published_per_municipality = Counter()
        for index, count in self.agreement_counts:
            municipality_id, code, municipality_name, _kind = self.municipalities[index]
            serials, comprehensive = Counter(), []
            for _ in range(count):
                pk = next(ids)
                kind = rng.choices(v.AGREEMENT_KINDS, v.AGREEMENT_KIND_WEIGHTS)[0]
                status = rng.choices(v.AGREEMENT_STATUSES, v.AGREEMENT_STATUS_WEIGHTS)[0]
                signed = FIRST_SIGNED + datetime.timedelta(days=rng.randrange(span))
                starts = signed + datetime.timedelta(days=rng.randrange(0, 31))
                ends = starts + datetime.timedelta(days=365 * rng.randint(1, 5) - 1)
                renews = rng.random() < 0.4
                if renews and status == "active" and ends < as_of:  # renewed by 12 months until today
                    ends += datetime.timedelta(days=365 * ((as_of - ends).days // 365 + 1))
                if status in ("draft", "negotiating"):
                    signed = None
                    starts = as_of + datetime.timedelta(days=rng.randrange(30, 180))
                    ends = starts + datetime.timedelta(days=365 * 3 - 1)
                elif status == "active":
                    status = "active" if ends >= as_of else "expired"
                elif status == "terminated":
                    ends = min(ends, as_of)
                    starts = min(starts, ends)
                year = (signed or as_of).year
                serial = serials[year] + 1
                public_id = f"{code}-{year}-{serial:03d}"
                while public_id in self.used_public_ids:
                    serial += 1
                    public_id = f"{code}-{year}-{serial:03d}"
                serials[year] = serial
                published = signed is not None and rng.random() < 0.95
                published_at = self._moment(min(starts, as_of), 14) if published else None
                created = self._moment(signed or as_of, 9) - datetime.timedelta(days=rng.randrange(1, 60))
                parent = None
                if kind == "individual" and comprehensive and rng.random() < 0.6:
                    parent = rng.choice(comprehensive)
                if kind == "comprehensive":
                    comprehensive.append(pk)
                organizations = self._pick_organizations(rng.choices((1, 2, 3, 4), (45, 35, 15, 5))[0])
                fields = rng.sample(self.fields, rng.choices((1, 2, 3), (50, 35, 15))[0])
                for field_id, _name in fields:
                    self.field_rows.append((next(field_ids), pk, field_id))
                for position, organization_id in enumerate(organizations):
                    role = "lead_partner" if position == 0 else rng.choice(v.OTHER_ROLES)
                    self.party_rows.append(
                        (next(party_ids), pk, organization_id, role, rng.choice(v.SIGNATORY_TITLES), signed)
                    )
                cost = 0 if rng.random() < 0.8 else rng.randrange(100, 50_000) * 100
                topic = fields[0][1]
                lead = self.organization_names[organizations[0]]
                published_per_municipality[code] += published
                self.agreements.append((pk, status, signed, starts, ends, tuple(organizations), fields, published))
                self.municipality_of[pk] = municipality_id
                yield (
                    pk,
                    public_id,
                    municipality_id,
                    rng.choice(self.departments[municipality_id] or [None]),
                    kind,
                    parent,
                    f"{v.MARK}{municipality_name}と{lead}との{topic}に関する{v.KIND_LABEL[kind]}",
                    f"[Synthetic] {v.KIND_LABEL_EN[kind]} {public_id}" if rng.random() < 0.2 else "",
                    f"{v.MARK}ベンチマーク用の合成データ。{topic}の分野で{rng.choice(v.SERVICES)}に取り組む。",
                    "",
                    signed,
                    starts,
                    ends,
                    renews,
                    12 if renews else None,
                    status,
                    rng.choice(v.SELECTION_METHODS),
                    cost,
                    rng.randrange(1, 500) * 10_000 if rng.random() < 0.7 else None,
                    rng.choice(v.DATA_SHARING),
                    published,
                    published_at,
                    created,
                    published_at or created,
                )
        if published_per_municipality:
            self.largest_municipality = published_per_municipality.most_common(1)[0][0]

    # --- initiatives and deliverables -------------------------------------------------------------

    def _initiatives(self):
        rng, as_of = self.rng, self.as_of
        counts = spread(self.sizes.initiatives, len(self.agreements), rng)
        ids = iter(self._ids(Initiative, self.sizes.initiatives))
        self.initiatives, self.initiatives_of = [], {}
        for agreement, count in zip(self.agreements, counts, strict=True):
            agreement_id, status, _signed, starts, ends, organizations, fields, _published = agreement
            for _ in range(count):
                pk = next(ids)
                field_id, field_name = rng.choice(fields)
                service = rng.choice(v.SERVICES)
                state = rng.choice(v.INITIATIVE_STATUS[status])
                begins = starts + datetime.timedelta(days=rng.randrange(0, 90))
                finishes = max(begins, ends - datetime.timedelta(days=rng.randrange(0, 90)))
                before, after = rng.choice(v.JOURNEYS)
                created = self._moment(min(starts, as_of), 11)
                self.initiatives.append((pk, agreement_id, begins, finishes, organizations))
                self.initiatives_of.setdefault(agreement_id, []).append(pk)
                yield (
                    pk,
                    agreement_id,
                    f"{v.MARK}{field_name}：{service}",
                    "",
                    f"{service}を連携先の負担で実施する（合成データ）。",
                    field_id,
                    state,
                    begins,
                    finishes,
                    0 if rng.random() < 0.9 else rng.randrange(10, 2000) * 1000,
                    rng.randrange(5, 2000) * 10_000 if rng.random() < 0.6 else None,
                    before,
                    after,
                    created,
                    created,
                )

    def _deliverables(self):
        rng, as_of, municipality_of = self.rng, self.as_of, self.municipality_of
        counts = spread(self.sizes.deliverables, len(self.initiatives), rng)
        ids = iter(self._ids(Deliverable, self.sizes.deliverables))
        for (initiative_id, agreement_id, begins, finishes, organizations), count in zip(
            self.initiatives, counts, strict=True
        ):
            length = max(1, (finishes - begins).days)
            for step in range(count):
                pk = next(ids)
                due = begins + datetime.timedelta(days=length * (step + 1) // (count + 1))
                if due > as_of:
                    status = rng.choice(("scheduled", "scheduled", "in_progress"))
                    progress, met = (0 if status == "scheduled" else rng.randrange(5, 95)), None
                else:
                    status = rng.choices(v.PAST_DELIVERABLE_STATUSES, v.PAST_DELIVERABLE_WEIGHTS)[0]
                    progress = {"met": 100, "partially_met": rng.randrange(40, 95), "not_met": rng.randrange(0, 40)}
                    progress = progress.get(status, rng.randrange(0, 60))
                    met = min(as_of, due + datetime.timedelta(days=rng.randrange(-20, 20))) if status == "met" else None
                created = self._moment(min(begins, as_of), 12)
                yield (
                    pk,
                    initiative_id,
                    f"{v.MARK}{rng.choice(v.DELIVERABLE_STEPS)}",
                    "",
                    organizations[0] if rng.random() < 0.8 else rng.choice(organizations),
                    due,
                    status,
                    progress,
                    met,
                    rng.choice((1, 1, 1, 2, 3, 5)),
                    created,
                    created,
                    municipality_of[agreement_id],
                )
        del self.initiatives

    # --- indicators and measurements --------------------------------------------------------------

    def _indicators(self):
        rng, months = self.rng, self.months
        counts = spread(self.sizes.indicators, len(self.agreements), rng)
        ids = iter(self._ids(OutcomeIndicator, self.sizes.indicators))
        per_indicator = iter(spread(self.sizes.measurements, self.sizes.indicators, rng))
        initiatives_of = self.initiatives_of
        self.indicators = []
        as_of_month = months.index(self.as_of) - 1  # the last complete month
        for agreement, count in zip(self.agreements, counts, strict=True):
            agreement_id, _status, _signed, starts, ends, organizations, _fields, _published = agreement
            for number in range(1, count + 1):
                pk = next(ids)
                name, name_en, unit, direction, (low, high), (gain_low, gain_high), decimals = rng.choice(v.KPIS)
                baseline = round(rng.uniform(low, high), decimals)
                gain = rng.uniform(gain_low, gain_high)
                target = round(baseline * (1 + gain) if direction == "higher" else baseline * (1 - gain), decimals)
                unit_step = 10**-decimals
                if direction == "higher" and target <= baseline:
                    target = baseline + unit_step
                if direction == "lower" and target >= baseline:
                    baseline = target + unit_step
                measured = next(per_indicator)
                step = 1 if measured > 6 else 3
                last = min(as_of_month, months.index(ends))
                first = last - measured * step + 1  # the series ends with the last complete month
                frequency = "monthly" if step == 1 else "quarterly"
                reporter = organizations[0] if rng.random() < 0.6 else None
                initiative = rng.choice(initiatives_of.get(agreement_id) or [None])
                city = self.municipality_of[agreement_id]
                self.indicators.append((pk, direction, baseline, target, decimals, first, step, measured, city))
                yield (
                    pk,
                    agreement_id,
                    initiative,
                    f"KPI-{number}",
                    name,
                    name_en,
                    unit,
                    direction,
                    f"{baseline:.{decimals}f}",
                    months.first_day(first - 12),
                    months.last_day(first - 1),
                    f"{target:.{decimals}f}",
                    ends,
                    rng.choice(v.DATA_SOURCES),
                    "",
                    frequency,
                    reporter,
                )
        del self.agreements, self.initiatives_of, self.municipality_of

    def _measurements(self):
        rng, months = self.rng, self.months
        random_, gauss, choice = rng.random, rng.gauss, rng.choice
        ids = iter(self._ids(Measurement, self.sizes.measurements))
        reported, reviewed = {}, {}
        for indicator_id, _direction, baseline, target, decimals, first, step, measured, city in self.indicators:
            pace = rng.uniform(-0.2, 1.4)  # some KPIs reach the target, some stall, a few worsen
            span = target - baseline
            for k in range(measured):
                start = first + k * step
                end = start + step - 1
                if end not in reported:
                    last_day = datetime.date.fromisoformat(months.last_day(end))
                    reported[end] = self._moment(last_day + datetime.timedelta(days=10))
                    reviewed[end] = reported[end] + datetime.timedelta(days=3)
                value = baseline + span * pace * (k + 1) / measured + span * gauss(0, 0.05)
                if value < 0:
                    value = 0.0
                draw = random_()
                review, comment = ("accepted", "") if draw < 0.96 else ("pending", "") if draw < 0.99 else v.RETURNED
                yield (
                    next(ids),
                    indicator_id,
                    months.first_day(start),
                    months.last_day(end),
                    f"{value:.{decimals}f}",
                    int(random_() * 900) + 100 if random_() < 0.5 else None,
                    choice(v.DATA_SOURCES),
                    "",
                    choice(v.MEASURED_BY),
                    review == "accepted" and random_() < 0.7,
                    "",
                    review,
                    comment,
                    reported[end],
                    reviewed[end] if review != "pending" else None,
                    city,
                )
        del self.indicators


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out
