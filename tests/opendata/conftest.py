"""A realistic published agreement for the OCDS tests: three partners (one without a 法人番号), an
independent monitor, deliverables in every status, two KPIs with accepted, pending and returned
measurements, public and private documents, an amendment, a parent agreement, and contacts on both
sides whose names, e-mail addresses and phone numbers must never reach open data."""

import contextlib
import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agreements.choices import AgreementKind, DeliverableStatus, Direction, ReviewStatus
from agreements.models import Agreement
from agreements.services import agreement_publish
from opendata.services import release_record_for
from tests.api.conftest import client_for
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
    ProgressUpdateFactory,
    ready_to_publish,
)

BASE_URL = "https://kyoso.example.jp"


@dataclass
class Story:
    agreement: object
    parent: object
    lead: object  # 株式会社パートナー, with a 法人番号
    npo: object  # no 法人番号
    monitor: object
    deliverables: dict  # status → Deliverable
    update: object  # a pending progress update on the in-progress deliverable
    kpi_days: object
    kpi_online: object
    accepted: list
    pending: list
    returned: object
    public_documents: list
    private_document: object
    contacts: list


@contextlib.contextmanager
def tasks_in_process():
    """The outbox task runs in the test process when a commit dispatches it (its errors raised)."""
    from config.celery import app

    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = False, False


@pytest.fixture(autouse=True)
def eager_tasks():
    with tasks_in_process():
        yield


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run what a real commit would run (the outbox task, in the process) when the block ends."""
    with tasks_in_process():
        yield lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def publish(approver, django_capture_on_commit_callbacks):
    """Publish an agreement as an approver does (through the service), the release built at the commit."""

    def publish(agreement):
        with django_capture_on_commit_callbacks(execute=True):
            agreement_publish(agreement=ready_to_publish(agreement), by=approver)
        return agreement

    return publish


@pytest.fixture
def story(city, organization, approver, settings, run_on_commit, tmp_path):
    settings.KYOSO_PUBLIC_BASE_URL = BASE_URL
    settings.MEDIA_ROOT = tmp_path / "media"
    with run_on_commit():
        parent = AgreementFactory(
            municipality=city,
            kind=AgreementKind.COMPREHENSIVE,
            title="四條畷市と株式会社パートナーとの包括連携協定",
            status="active",
        )
        agreement_publish(agreement=ready_to_publish(parent), by=approver)
        agreement = AgreementFactory(
            municipality=city,
            kind=AgreementKind.INDIVIDUAL,
            parent=parent,
            title="子育て手続のオンライン化に関する協定",
            title_en="Agreement on online childcare procedures",
            summary="保育所入所申請をオンライン化し、申請から結果通知までの日数を短縮する。",
            summary_en="Put nursery applications online and shorten the time to a decision.",
            selection_method="proposal",
            municipal_cost_jpy=0,
            status="active",
            signed_on=datetime.date(2024, 4, 1),
        )
        npo = OrganizationFactory(corporate_number=None, name="こそだてネット四條畷", kind="npo")
        monitor = OrganizationFactory(name="国立大学法人テスト大学", kind="university")
        PartyFactory(agreement=agreement, organization=organization, role="lead_partner", signatory_title="代表取締役")
        PartyFactory(agreement=agreement, organization=npo, role="supporter")
        PartyFactory(agreement=agreement, organization=monitor, role="independent_monitor")

        initiative = InitiativeFactory(agreement=agreement, title="保育所入所申請のオンライン化")
        due = datetime.date(2025, 3, 31)
        deliverables = {
            DeliverableStatus.MET: DeliverableFactory(
                initiative=initiative,
                title="申請フォームの公開",
                status="met",
                progress=100,
                due_on=due,
                met_on=datetime.date(2025, 3, 20),
                responsible=organization,
            ),
            DeliverableStatus.IN_PROGRESS: DeliverableFactory(
                initiative=initiative,
                title="審査業務の電子化",
                status="in_progress",
                progress=40,
                due_on=datetime.date(2026, 3, 31),
                responsible=organization,
            ),
            DeliverableStatus.PARTIALLY_MET: DeliverableFactory(
                initiative=initiative, title="窓口職員の研修", status="partially_met", progress=70, due_on=due
            ),
            DeliverableStatus.NOT_MET: DeliverableFactory(
                initiative=initiative, title="紙申請の廃止", status="not_met", due_on=due
            ),
            DeliverableStatus.CANCELLED: DeliverableFactory(
                initiative=initiative, title="専用アプリの開発", status="cancelled", due_on=due
            ),
            DeliverableStatus.SCHEDULED: DeliverableFactory(
                initiative=initiative, title="利用者アンケート", status="scheduled", due_on=None
            ),
        }
        update = ProgressUpdateFactory(
            deliverable=deliverables[DeliverableStatus.IN_PROGRESS],
            progress=100,
            status="met",
            met_on=datetime.date(2025, 6, 1),
        )

        kpi_days = OutcomeIndicatorFactory(
            agreement=agreement,
            initiative=initiative,
            code="KPI-1",
            name="申請から結果通知までの日数",
            unit="日",
            direction=Direction.LOWER,
            baseline_value=Decimal("14"),
            target_value=Decimal("3"),
            method="四半期ごとの平均暦日数",
            data_source="業務システムの処理記録",
        )
        kpi_online = OutcomeIndicatorFactory(
            agreement=agreement,
            code="KPI-2",
            name="オンライン申請の割合",
            unit="%",
            direction=Direction.HIGHER,
            baseline_value=Decimal("8.5"),
            target_value=Decimal("60"),
        )
        accepted = [
            MeasurementFactory(indicator=kpi_days, value=Decimal("7"), verified=True, note="窓口集計"),
            MeasurementFactory(indicator=kpi_online, value=Decimal("31.25"), measured_by="partner", verified=True),
        ]
        later = {"period_start": datetime.date(2025, 4, 1), "period_end": datetime.date(2026, 3, 31)}
        pending = [
            MeasurementFactory(
                indicator=kpi_days,
                value=Decimal("5.5"),
                review_status=ReviewStatus.PENDING,
                measured_by="partner",
                note="未確認の自己申告値",
                **later,
            ),
            MeasurementFactory(
                indicator=kpi_online,
                value=Decimal("77.7"),
                review_status=ReviewStatus.PENDING,
                measured_by="partner",
                **later,
            ),
        ]
        returned = MeasurementFactory(
            indicator=kpi_online,
            value=Decimal("99.9"),
            review_status=ReviewStatus.RETURNED,
            review_comment="集計期間が違います",
            period_start=datetime.date(2026, 4, 1),
            period_end=datetime.date(2027, 3, 31),
        )

        public_documents = [
            DocumentFactory(
                agreement=agreement,
                kind="signed_agreement",
                title="協定書（写し）",
                url="",
                file=SimpleUploadedFile("kyotei.pdf", b"%PDF-1.4\n"),
                published_on=datetime.date(2024, 4, 1),
            ),
            DocumentFactory(
                agreement=agreement, kind="press_release", title="報道発表", url="https://www.example.jp/press/1"
            ),
            DocumentFactory(
                agreement=agreement, kind="report", title="中間報告", url="https://www.example.jp/report.pdf"
            ),
        ]
        private_document = DocumentFactory(
            agreement=agreement,
            kind="other",
            title="内部検討資料",
            url="https://intra.example.jp/naibu.pdf",
            public=False,
        )
        AmendmentFactory(agreement=agreement, kind="duration", description="期間を1年延長", reason="事業の継続のため")

        contacts = [
            ContactFactory(
                organization=organization,
                name="山田 花子",
                name_kana="やまだ はなこ",
                email="hanako.yamada@partner.example.jp",
                phone="06-6000-1234",
            ),
            ContactFactory(
                organization=None,
                municipality=city,
                name="佐藤 太郎",
                name_kana="さとう たろう",
                title="企画政策課長",
                email="taro.sato@city.example.jp",
                phone="072-877-2121",
            ),
        ]
        agreement.contacts.add(*contacts)
        agreement_publish(agreement=ready_to_publish(agreement), by=approver)
    return Story(
        agreement=agreement,
        parent=parent,
        lead=organization,
        npo=npo,
        monitor=monitor,
        deliverables=deliverables,
        update=update,
        kpi_days=kpi_days,
        kpi_online=kpi_online,
        accepted=accepted,
        pending=pending,
        returned=returned,
        public_documents=public_documents,
        private_document=private_document,
        contacts=contacts,
    )


# --- query counts of the OCDS endpoints (test_api, test_ocds_packages) ---------------------------


def add_published(city, n):
    """n published agreements, each with a party and a deliverable, and three releases each."""
    for _ in range(n):
        agreement = AgreementFactory(municipality=city, status="active")
        PartyFactory(agreement=agreement)
        DeliverableFactory(initiative=InitiativeFactory(agreement=agreement))
        Agreement.objects.filter(pk=agreement.pk).update(published=True, published_at=timezone.now())
        for summary in ("一", "二", "三"):
            Agreement.objects.filter(pk=agreement.pk).update(summary=summary)  # no signal: recorded by hand
            release_record_for(agreement_id=agreement.pk)


def count_queries(url) -> int:
    client = client_for()
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured)
