"""Records for the portal's tests (page tests and browser tests): a published agreement with every
section filled, a contact that must never show, and measurements under review."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agreements.choices import DeliverableStatus, PartyRole, ReviewStatus
from agreements.models import Agreement, CooperationField
from agreements.vocabulary import COOPERATION_FIELDS
from tests.factories import (
    AgreementFactory,
    AmendmentFactory,
    ContactFactory,
    DeliverableFactory,
    DocumentFactory,
    InitiativeFactory,
    MeasurementFactory,
    OrganizationFactory,
    OutcomeIndicatorFactory,
    PartyFactory,
    UserFactory,
)

PENDING_VALUE = Decimal("9.8765")  # a value under review: must not reach the public
PUBLISHED = {"published": True, "published_at": datetime.datetime(2025, 4, 1, 9, 0, tzinfo=datetime.UTC)}


def cooperation_field(code: str) -> CooperationField:
    """The vocabulary comes from a data migration, which a transactional test's flush removes."""
    for order, (known, name, name_en) in enumerate(COOPERATION_FIELDS, start=1):
        if known == code:
            return CooperationField.objects.get_or_create(
                code=code, defaults={"name": name, "name_en": name_en, "sort_order": order}
            )[0]
    raise LookupError(code)


@dataclass
class Seeded:
    agreement: Agreement
    lead: object
    contact: object
    editor_user: object
    public_file: object
    private_file: object
    link: object
    late: object
    pending: object
    extra: dict = field(default_factory=dict)


def seed_agreement(municipality, *, organization=None, rows: int = 3, published: bool = True) -> Seeded:
    """A (published) zero-budget agreement with `rows` of each kind of record under it."""
    lead = organization or OrganizationFactory(name="株式会社スマート行政", name_en="Smart Gov Inc.")
    extra = {"published": False} if not published else PUBLISHED
    agreement = AgreementFactory(
        municipality=municipality,
        title="保育所入所申請のオンライン化に関する協定",
        title_en="Online applications for nursery schools",
        summary="保護者の来庁と書類のやりとりをなくす。",
        status="active",
        municipal_cost_jpy=0,
        partner_contribution_jpy=4_500_000,
        **extra,
    )
    agreement.fields.add(cooperation_field("childcare"), cooperation_field("dx_public_services"))
    editor_user = UserFactory(
        username="kenta-officer", first_name="健太", last_name="鈴木", email="kenta@city.example.jp"
    )
    agreement._history_user = editor_user  # simple-history records who changed it: never shown publicly
    agreement.title_en = "Online applications for nursery schools (amended)"
    agreement.save()
    PartyFactory(agreement=agreement, organization=lead, role=PartyRole.LEAD_PARTNER, signatory_title="代表取締役社長")
    for index in range(rows - 1):
        PartyFactory(
            agreement=agreement, role=PartyRole.SUPPORTER, organization=OrganizationFactory(name=f"支援団体{index}")
        )
    contact = ContactFactory(
        organization=lead, name="山田 花子", email="hanako.yamada@partner.example.jp", phone="06-1234-5678"
    )
    agreement.contacts.add(contact)

    today = timezone.localdate()
    late = None
    for index in range(rows):
        initiative = InitiativeFactory(
            agreement=agreement,
            title=f"オンライン申請{index}",
            field=cooperation_field("childcare"),
            journey_before="窓口で申請書を受け取る",
            journey_after="スマートフォンで申請する",
            in_kind_value_jpy=1_500_000,
        )
        for number in range(rows):
            DeliverableFactory(
                initiative=initiative,
                title=f"成果物{index}-{number}",
                responsible=lead,
                status=DeliverableStatus.IN_PROGRESS,
                progress=40,
                due_on=today + datetime.timedelta(days=30 + number),
                weight=number + 1,
            )
        if late is None:
            late = DeliverableFactory(
                initiative=initiative,
                title="遅れている成果物",
                responsible=lead,
                status=DeliverableStatus.IN_PROGRESS,
                progress=10,
                due_on=today - datetime.timedelta(days=10),
            )
    pending = None
    for index in range(rows):
        indicator = OutcomeIndicatorFactory(agreement=agreement, code=f"KPI-{index + 1}", reporter=lead)
        for number in range(rows):
            start = datetime.date(2024 + number, 4, 1)
            MeasurementFactory(
                indicator=indicator,
                period_start=start,
                period_end=datetime.date(start.year + 1, 3, 31),
                value=Decimal(12 - 2 * number),
            )
        if pending is None:
            pending = MeasurementFactory(
                indicator=indicator,
                period_start=datetime.date(2030, 4, 1),
                period_end=datetime.date(2031, 3, 31),
                value=PENDING_VALUE,
                review_status=ReviewStatus.PENDING,
            )
    for index in range(rows):
        AmendmentFactory(agreement=agreement, description=f"期間を延長{index}")
    public_file = DocumentFactory(
        agreement=agreement,
        title="協定書（公開）",
        url="",
        file=SimpleUploadedFile("kyotei.html", b"<script>alert(1)</script>"),
        public=True,
    )
    private_file = DocumentFactory(
        agreement=agreement,
        title="内部資料",
        url="",
        file=SimpleUploadedFile("naibu.pdf", b"%PDF-1.4 internal"),
        public=False,
    )
    link = DocumentFactory(agreement=agreement, title="報道発表", url="https://www.example.jp/press/1", public=True)
    for index in range(rows - 1):
        DocumentFactory(agreement=agreement, title=f"報告書{index}", url=f"https://www.example.jp/report/{index}")
    return Seeded(agreement, lead, contact, editor_user, public_file, private_file, link, late, pending)
