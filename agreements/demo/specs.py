"""The shape of the demo catalogue: plain, frozen descriptions that the loader turns into records."""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class Report:
    """A partner's progress report on a deliverable, and what the municipality did with it."""

    progress: int
    status: str
    note: str
    review: str = "accept"  # "accept", "return" or "pending"
    comment: str = ""
    met_on: datetime.date | None = None


@dataclass(frozen=True)
class DeliverableSpec:
    """A deliverable. Without reports its state is logged by the officer; with reports the partner's
    accepted reports make its state."""

    title: str
    responsible: str  # organization key
    due_on: datetime.date
    weight: int = 1
    description: str = ""
    status: str = "scheduled"
    progress: int = 0
    met_on: datetime.date | None = None
    reports: tuple[Report, ...] = ()


@dataclass(frozen=True)
class IndicatorSpec:
    """A KPI and how its measured values evolve: around the baseline before the initiative starts,
    then towards ``attainment`` × the way to the target by today."""

    code: str
    name: str
    unit: str
    direction: str  # "higher" or "lower"
    baseline: float
    target: float
    frequency: str  # "quarterly", "semiannual" or "annual"
    measured_by: str  # "city", "partner" or "independent"
    data_source: str
    method: str
    reporter: str | None = None  # organization key of the reporting partner
    attainment: float = 0.8
    decimals: int = 1
    noise: float = 0.05  # share of |target − baseline|
    sample_size: int | None = None
    last_review: str = "accept"  # the latest value: "accept", "pending" or "return"
    return_comment: str = ""


@dataclass(frozen=True)
class InitiativeSpec:
    title: str
    field: str  # cooperation field code
    status: str
    starts_on: datetime.date
    ends_on: datetime.date | None = None
    summary: str = ""
    journey_before: str = ""
    journey_after: str = ""
    municipal_cost_jpy: int = 0
    in_kind_value_jpy: int | None = None
    deliverables: tuple[DeliverableSpec, ...] = ()
    indicators: tuple[IndicatorSpec, ...] = ()


@dataclass(frozen=True)
class AmendmentSpec:
    amended_on: datetime.date
    kind: str
    description: str
    reason: str = ""


@dataclass(frozen=True)
class DocumentSpec:
    kind: str
    title: str
    slug: str
    dated: datetime.date | None
    public: bool


@dataclass(frozen=True)
class AgreementSpec:
    """An agreement. ``status`` is reached through the lifecycle services; ``terminated_from`` says
    whether a terminated agreement ended during talks ("negotiating") or after signature ("active")."""

    key: str
    city: str  # municipality code
    kind: str
    title: str  # without the demo prefix
    summary: str
    fields: tuple[str, ...]
    department: str
    status: str
    selection_method: str
    parties: tuple[tuple[str, str, str], ...]  # (organization key, role, signatory's title)
    parent: str | None = None
    signed_on: datetime.date | None = None
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    auto_renewal: bool = False
    renewal_term_months: int | None = None
    municipal_cost_jpy: int = 0
    cost_unknown: bool = False  # the city did not state its cost: stored as NULL (TOML has no null)
    signed_on_precision: str = "day"  # month or year: signed_on is the first day of it
    period_text: str = ""
    source_ref: str = ""
    partner_contribution_jpy: int | None = None
    data_sharing_terms: str = ""
    published: bool = False
    terminated_from: str = "active"
    amendments: tuple[AmendmentSpec, ...] = ()
    documents: tuple[DocumentSpec, ...] = ()
    initiatives: tuple[InitiativeSpec, ...] = ()
