"""Builds the demo records through the same services the app uses, acting as the demo users, so that
the history shows who did what: officers log and move agreements, partners report, approvers review.

Idempotent: accounts, memberships, organizations, departments and contacts are looked up by stable
keys and only created or corrected when they differ; the agreements and everything under them are
created only when no demo agreement exists yet. Everything runs in one transaction.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from notifications.models import Notice
from partnerships.models import Contact, Department, Membership, Municipality, Organization
from partnerships.services import organization_save

from ..choices import AgreementStatus
from ..models import (
    Agreement,
    Amendment,
    CooperationField,
    Deliverable,
    Document,
    Initiative,
    Measurement,
    OutcomeIndicator,
    Party,
    ProgressUpdate,
)
from ..services import (
    agreement_activate,
    agreement_create,
    agreement_expire,
    agreement_publish,
    agreement_record_save,
    agreement_start_negotiation,
    agreement_terminate,
    measurement_accept,
    measurement_record,
    measurement_return,
    progress_update_accept,
    progress_update_return,
    progress_update_submit,
)
from ..vocabulary import COOPERATION_FIELDS
from .catalog import agreement_specs
from .people import (
    ACCOUNTS,
    CONTACTS,
    DAITO,
    DEMO_CITY_CODES,
    DEPARTMENTS,
    KAGA,
    ORGANIZATIONS,
    POPULATION_COUNTED_ON,
    POPULATIONS,
    REQUIRED_MUNICIPALITIES,
    SHIJONAWATE,
    AccountSpec,
)
from .reviews import demo_reviews
from .specs import AgreementSpec, DeliverableSpec, IndicatorSpec, InitiativeSpec
from .timeline import Timeline, add_months

DEMO_TITLE_PREFIX = "【デモ】"
SEED = 20240401  # the structure (noise in the measured values, sample sizes) is the same on every run


class DemoPrerequisiteError(Exception):
    """The data the demo builds on (the national municipality list) is missing."""


@dataclass
class DemoReport:
    created: bool
    counts: dict[str, int]
    accounts: list[AccountSpec]


def demo_agreements():
    """The demo agreements: those of the demo cities whose title carries the demo prefix."""
    return Agreement.objects.filter(municipality__code__in=DEMO_CITY_CODES, title__startswith=DEMO_TITLE_PREFIX)


def demo_organizations():
    """The fictional demo partners, found by their reserved corporate numbers."""
    return Organization.objects.filter(corporate_number__in=[spec.corporate_number for spec in ORGANIZATIONS])


@transaction.atomic
def demo_load(*, password: str, today=None) -> DemoReport:
    """Create the demo records and accounts, or bring the accounts back to their demo state."""
    cities = _municipalities()
    users = {spec.username: _account(spec, password) for spec in ACCOUNTS}
    admin = users["demo-admin"]
    for city in cities.values():
        _population(city, by=admin)
    organizations = {spec.key: _organization(spec, by=admin) for spec in ORGANIZATIONS}
    for spec in ACCOUNTS:
        _membership(spec, users[spec.username], cities, organizations, by=admin)
    departments = {
        (code, name): _get_or_record(
            Department, {"municipality": cities[code], "name": name}, {"name_en": en}, by=admin
        )
        for code, names in DEPARTMENTS.items()
        for name, en in names
    }
    contacts = [
        _contact(spec, index, cities, departments, organizations, by=admin) for index, spec in enumerate(CONTACTS)
    ]
    created = not demo_agreements().exists()
    if created:
        timeline = Timeline(today or timezone.localdate())
        builder = _Builder(timeline, cities, organizations, departments, contacts, users)
        for spec in agreement_specs(timeline):
            builder.agreement(spec)
        demo_reviews(timeline=timeline, users=users, organizations=organizations)
        _settle_notices(users.values())
    return DemoReport(created=created, counts=demo_counts(), accounts=ACCOUNTS)


UNREAD_KEPT = 3


def _settle_notices(users) -> None:
    """The notices the demo's back-dated history wrote are history too: read and mailed, but for each
    account's newest UNREAD_KEPT, so that a first visitor sees a few new notices, not ninety."""
    now = timezone.now()
    for user in users:
        mine = Notice.objects.filter(recipient=user)
        newest = mine.order_by("-created_at", "-id").values_list("pk", flat=True)[:UNREAD_KEPT]
        Notice.objects.filter(recipient=user).exclude(pk__in=list(newest)).update(read_at=now, sent_at=now)


def demo_counts() -> dict[str, int]:
    """How many demo records of each kind exist."""
    agreements = demo_agreements()
    indicators = OutcomeIndicator.objects.filter(agreement__in=agreements)
    updates = ProgressUpdate.objects.filter(deliverable__initiative__agreement__in=agreements)
    measurements = Measurement.objects.filter(indicator__in=indicators)
    counts = {
        "organizations": demo_organizations().count(),
        "agreements": agreements.count(),
        "unpublished agreements": agreements.filter(published=False).count(),
    }
    by_status = dict(agreements.order_by().values_list("status").annotate(n=Count("id")))
    counts |= {f"{status} agreements": by_status.get(status, 0) for status in AgreementStatus.values}
    counts |= {
        "parties": Party.objects.filter(agreement__in=agreements).count(),
        "amendments": Amendment.objects.filter(agreement__in=agreements).count(),
        "documents": Document.objects.filter(agreement__in=agreements).count(),
        "initiatives": Initiative.objects.filter(agreement__in=agreements).count(),
        "deliverables": Deliverable.objects.filter(initiative__agreement__in=agreements).count(),
        "progress updates": updates.count(),
        "pending progress updates": updates.pending().count(),
        "indicators": indicators.count(),
        "measurements": measurements.count(),
        "pending measurements": measurements.pending().count(),
        "contacts": Contact.objects.filter(email__in=[spec.email for spec in CONTACTS]).count(),
    }
    return counts


# --- the parties, accounts and people (looked up by stable keys) --------------------------------


def _record(instance, *, by):
    """Validate and save like the services do, for the records that have no service of their own
    (departments, contacts, memberships), recording the demo user in the history."""
    instance.full_clean()
    instance._history_user = by
    instance.save()
    return instance


def _get_or_record(model, lookup, defaults, *, by):
    instance = model.objects.filter(**lookup).first()
    return instance if instance is not None else _record(model(**lookup, **defaults), by=by)


def _municipalities():
    """The demo cities, after checking that everything the demo builds on is loaded."""
    found = {m.code: m for m in Municipality.objects.filter(code__in=REQUIRED_MUNICIPALITIES)}
    missing = [f"{name} ({code})" for code, name in REQUIRED_MUNICIPALITIES.items() if code not in found]
    if missing:
        raise DemoPrerequisiteError(
            f"The municipalities the demo uses are not loaded (missing: {', '.join(missing)}). "
            "Run `python manage.py load_municipalities` first."
        )
    if CooperationField.objects.count() < len(COOPERATION_FIELDS):
        raise DemoPrerequisiteError("The cooperation fields are missing. Run `python manage.py migrate` first.")
    return {code: found[code] for code in DEMO_CITY_CODES}


def _population(city, *, by):
    if city.population is None:  # never overwrite a figure that was loaded from a real source
        city.population, city.population_counted_on = POPULATIONS[city.code], POPULATION_COUNTED_ON
        _record(city, by=by)


def _account(spec: AccountSpec, password: str):
    user_model = get_user_model()
    user = user_model.objects.filter(username=spec.username).first() or user_model(username=spec.username)
    wanted = {
        "first_name": spec.first_name,
        "last_name": spec.last_name,
        "email": spec.email,
        "is_active": True,
        "is_staff": spec.is_staff,
        "is_superuser": spec.is_superuser,
    }
    changed = user.pk is None
    for name, value in wanted.items():
        if getattr(user, name) != value:
            setattr(user, name, value)
            changed = True
    if user.pk is None or not user.check_password(password):
        user.set_password(password)
        changed = True
    if changed:
        user.save()
    return user


def _organization(spec, *, by):
    organization = Organization.objects.filter(corporate_number=spec.corporate_number).first()
    if organization is not None:
        return organization
    prefecture = Municipality.objects.get(code=spec.prefecture)
    organization = Organization(
        corporate_number=spec.corporate_number,
        name=spec.name,
        kana=spec.kana,
        name_en=spec.name_en,
        kind=spec.kind,
        industry=spec.industry,
        prefecture=prefecture,
        website=spec.website,
    )
    return organization_save(organization=organization, by=by)


def _membership(spec: AccountSpec, user, cities, organizations, *, by):
    if spec.role is None:
        return
    lookup = {
        "user": user,
        "municipality": cities.get(spec.municipality),
        "organization": organizations.get(spec.organization),
    }
    membership = Membership.objects.filter(**lookup).first()
    if membership is None:
        _record(Membership(**lookup, role=spec.role), by=by)
    elif membership.role != spec.role:
        membership.role = spec.role
        _record(membership, by=by)


def _contact(spec, index, cities, departments, organizations, *, by):
    city = cities.get(spec.side)
    defaults = {
        "municipality": city,
        "department": departments[(spec.side, spec.department)] if city else None,
        "organization": None if city else organizations[spec.side],
        "name": spec.name,
        "name_kana": spec.kana,
        "title": spec.title,
        "phone": f"06-0000-{1001 + index:04d}",
    }
    return _get_or_record(Contact, {"email": spec.email}, defaults, by=by)


# --- the agreements and what came of them -------------------------------------------------------


class _Builder:
    def __init__(self, timeline: Timeline, cities, organizations, departments, contacts, users):
        self.t = timeline
        self.rng = random.Random(SEED)  # noqa: S311 -- reproducible noise, not a secret
        self.cities, self.organizations, self.departments = cities, organizations, departments
        self.fields = {field.code: field for field in CooperationField.objects.all()}
        admin = users["demo-admin"]
        # Who acts for each city: the demo officers where they have the role, the superuser elsewhere.
        self.officer = {SHIJONAWATE: users["demo-officer"], DAITO: users["demo-officer-2"], KAGA: admin}
        self.approver = {SHIJONAWATE: users["demo-officer"], DAITO: admin, KAGA: admin}
        self.partner_user = {"smart": users["demo-partner"], "hokuriku": users["demo-partner-2"]}
        self.department_contact = {(c.municipality.code, c.department.name): c for c in contacts if c.municipality_id}
        self.organization_contact = {}
        for contact in contacts:
            if contact.organization_id:
                self.organization_contact.setdefault(contact.organization_id, contact)
        self.built: dict[str, Agreement] = {}

    def agreement(self, spec: AgreementSpec) -> Agreement:
        officer, approver = self.officer[spec.city], self.approver[spec.city]
        agreement = agreement_create(
            municipality=self.cities[spec.city],
            by=officer,
            fields=[self.fields[code] for code in spec.fields],
            kind=spec.kind,
            parent=self.built[spec.parent] if spec.parent else None,
            title=DEMO_TITLE_PREFIX + spec.title,
            summary=spec.summary,
            department=self.departments[(spec.city, spec.department)],
            signed_on=spec.signed_on,
            signed_on_precision=spec.signed_on_precision,
            period_text=spec.period_text,
            source_ref=spec.source_ref,
            starts_on=spec.starts_on,
            ends_on=spec.ends_on,
            auto_renewal=spec.auto_renewal,
            renewal_term_months=spec.renewal_term_months,
            selection_method=spec.selection_method,
            municipal_cost_jpy=None if spec.cost_unknown else spec.municipal_cost_jpy,
            partner_contribution_jpy=spec.partner_contribution_jpy,
            data_sharing_terms=spec.data_sharing_terms,
        )
        self.built[spec.key] = agreement
        contacts = [self.department_contact[(spec.city, spec.department)]]
        for key, role, title in spec.parties:
            organization = self.organizations[key]
            agreement_record_save(
                instance=Party(
                    agreement=agreement,
                    organization=organization,
                    role=role,
                    signatory_title=title,
                    # a party's date has no precision of its own: a month-only signing leaves it empty
                    signed_on=spec.signed_on if spec.signed_on_precision == "day" else None,
                ),
                by=officer,
            )
            contacts.append(self.organization_contact[organization.pk])
        agreement.contacts.set(contacts)
        self._documents(agreement, spec, by=officer)
        self._move(agreement, spec, by=officer)
        if spec.published:
            agreement_publish(agreement=agreement, by=approver)
        for initiative in spec.initiatives:
            self._initiative(agreement, spec, initiative)
        for amendment in spec.amendments:
            agreement_record_save(
                instance=Amendment(
                    agreement=agreement,
                    amended_on=amendment.amended_on,
                    kind=amendment.kind,
                    description=amendment.description,
                    reason=amendment.reason,
                ),
                by=officer,
            )
        return agreement

    def _move(self, agreement, spec, *, by):
        """Walk the lifecycle to the spec's status: draft → negotiating → active → expired / terminated."""
        if spec.status == "draft":
            return
        agreement_start_negotiation(agreement=agreement, by=by)
        if spec.status == "negotiating" or (spec.status == "terminated" and spec.terminated_from == "negotiating"):
            if spec.status == "terminated":
                agreement_terminate(agreement=agreement, by=by)
            return
        agreement_activate(agreement=agreement, by=by, signed_on=spec.signed_on)
        if spec.status == "expired":
            agreement_expire(agreement=agreement, by=by)
        elif spec.status == "terminated":
            agreement_terminate(agreement=agreement, by=by)

    def _documents(self, agreement, spec, *, by):
        documents = []
        if spec.signed_on:
            paper = "覚書" if spec.kind == "memorandum" else "協定書"
            documents.append(("signed_agreement", f"締結済みの{paper}（写し）", "signed", spec.signed_on, True))
            if spec.published:
                documents.append(("press_release", f"報道発表資料：{spec.title}", "press", spec.signed_on, True))
        documents += [(d.kind, d.title, d.slug, d.dated, d.public) for d in spec.documents]
        for kind, title, slug, dated, public in documents:
            url = f"https://www.example.jp/demo/{agreement.public_id}/{slug}.pdf"
            agreement_record_save(
                instance=Document(
                    agreement=agreement, kind=kind, title=title, url=url, published_on=dated, public=public
                ),
                by=by,
            )

    def _initiative(self, agreement, agreement_spec: AgreementSpec, spec: InitiativeSpec):
        officer = self.officer[agreement_spec.city]
        initiative = agreement_record_save(
            instance=Initiative(
                agreement=agreement,
                title=spec.title,
                summary=spec.summary,
                field=self.fields[spec.field],
                status=spec.status,
                starts_on=spec.starts_on,
                ends_on=spec.ends_on,
                municipal_cost_jpy=spec.municipal_cost_jpy,
                in_kind_value_jpy=spec.in_kind_value_jpy,
                journey_before=spec.journey_before,
                journey_after=spec.journey_after,
            ),
            by=officer,
        )
        for deliverable in spec.deliverables:
            self._deliverable(initiative, agreement_spec.city, deliverable)
        for indicator in spec.indicators:
            self._indicator(initiative, agreement_spec.city, spec, indicator)

    def _deliverable(self, initiative, city: str, spec: DeliverableSpec):
        deliverable = Deliverable(
            initiative=initiative,
            title=spec.title,
            description=spec.description,
            responsible=self.organizations[spec.responsible],
            due_on=spec.due_on,
            weight=spec.weight,
        )
        if not spec.reports:  # the officer logs the state the partner reported by other means
            deliverable.status, deliverable.progress, deliverable.met_on = spec.status, spec.progress, spec.met_on
            if spec.status == "cancelled":
                deliverable.progress = 0
        agreement_record_save(instance=deliverable, by=self.officer[city])
        for report in spec.reports:
            update = progress_update_submit(
                deliverable=deliverable,
                by=self.partner_user[spec.responsible],
                progress=report.progress,
                status=report.status,
                note=report.note,
                met_on=report.met_on,
            )
            if report.review == "accept":
                progress_update_accept(update=update, by=self.approver[city], comment=report.comment)
            elif report.review == "return":
                progress_update_return(update=update, by=self.approver[city], comment=report.comment)
            deliverable.refresh_from_db()

    def _indicator(self, initiative, city: str, initiative_spec: InitiativeSpec, spec: IndicatorSpec):
        starts_on = initiative_spec.starts_on
        indicator = agreement_record_save(
            instance=OutcomeIndicator(
                agreement=initiative.agreement,
                initiative=initiative,
                code=spec.code,
                name=spec.name,
                unit=spec.unit,
                direction=spec.direction,
                baseline_value=_decimal(spec.baseline, spec.decimals),
                # The twelve months before the initiative started.
                baseline_period_start=add_months(starts_on, -12),
                baseline_period_end=starts_on - datetime.timedelta(days=1),
                target_value=_decimal(spec.target, spec.decimals),
                target_on=initiative_spec.ends_on or self.t.fy_end(1),
                data_source=spec.data_source,
                method=spec.method,
                frequency=spec.frequency,
                reporter=self.organizations[spec.reporter] if spec.reporter else None,
            ),
            by=self.officer[city],
        )
        partner = self.partner_user.get(spec.reporter) if spec.measured_by == "partner" else None
        periods = self.t.periods(spec.frequency, until=initiative_spec.ends_on)
        for number, (start, end) in enumerate(periods, start=1):
            measurement = measurement_record(
                indicator=indicator,
                by=partner or self.officer[city],
                period_start=start,
                period_end=end,
                value=self._value(spec, starts_on, end),
                sample_size=self._sample_size(spec),
                source=spec.data_source,
                method=spec.method,
                measured_by=spec.measured_by,
                verified=spec.measured_by != "partner",
            )
            if partner is None:
                continue  # an officer's value is accepted as it is recorded
            review = spec.last_review if number == len(periods) else "accept"
            if review == "accept":
                measurement_accept(measurement=measurement, by=self.approver[city])
            elif review == "return":
                measurement_return(measurement=measurement, by=self.approver[city], comment=spec.return_comment)

    def _value(self, spec: IndicatorSpec, starts_on, period_end) -> Decimal:
        """Around the baseline before the initiative; then closing in on the target, fast at first."""
        span = spec.target - spec.baseline
        share = 0.0
        if period_end >= starts_on:
            elapsed = (period_end - starts_on).days / max(1, (self.t.today - starts_on).days)
            share = spec.attainment * min(1.0, elapsed) ** 0.7
        jitter = self.rng.uniform(-1, 1) * spec.noise * abs(span)
        if share == 0 and spec.baseline == 0:
            jitter = 0.0  # nothing happened online before the online service existed
        value = max(0.0, spec.baseline + span * share + jitter)
        if spec.unit == "%":
            value = min(100.0, value)
        return _decimal(value, spec.decimals)

    def _sample_size(self, spec: IndicatorSpec) -> int | None:
        if spec.sample_size is None:
            return None
        return self.rng.randint(int(spec.sample_size * 0.8), int(spec.sample_size * 1.2))


def _decimal(value: float, decimals: int) -> Decimal:
    return Decimal(f"{value:.{decimals}f}")
