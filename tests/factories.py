"""factory_boy factories for every model. Codes carry valid check digits."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from agreements.choices import AgreementKind, AgreementStatus, Direction, MeasuredBy, PartyRole
from agreements.models import (
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
from partnerships.codes import corporate_number_check_digit, lg_code_check_digit
from partnerships.models import Contact, Department, Membership, Municipality, Organization, Role


def lg_code(first_five: str) -> str:
    return first_five + lg_code_check_digit(first_five)


def corporate_number(base12: str) -> str:
    return corporate_number_check_digit(base12) + base12


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.jp")
    password = factory.django.Password("pass-for-tests")


class PrefectureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    code = "270008"
    name = "大阪府"
    kana = "おおさかふ"
    name_en = "Osaka"
    kind = "prefecture"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    prefecture = factory.SubFactory(PrefectureFactory)
    # 27xxx codes under 大阪府, a new one each time, with a valid check digit.
    code = factory.Sequence(lambda n: lg_code(f"27{500 + n % 499:03d}"))
    name = factory.Sequence(lambda n: f"テスト市{n}")
    kana = factory.Sequence(lambda n: f"てすとし{n}")
    kind = "city"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    corporate_number = factory.Sequence(lambda n: corporate_number(f"{120001000000 + n:012d}"))
    name = factory.Sequence(lambda n: f"株式会社テスト{n}")
    kind = "company"
    industry = "情報通信業"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"企画課{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    organization = None
    role = Role.EDITOR


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organization = factory.SubFactory(OrganizationFactory)
    name = "山田 花子"
    name_kana = "やまだ はなこ"
    email = factory.Sequence(lambda n: f"hanako{n}@example.jp")
    phone = "072-000-0000"


def cooperation_field(code="dx_public_services"):
    return CooperationField.objects.get(code=code)


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    municipality = factory.SubFactory(MunicipalityFactory)
    public_id = factory.LazyAttributeSequence(lambda a, n: f"{a.municipality.code}-2024-{n + 1:03d}")
    kind = AgreementKind.COMPREHENSIVE
    title = factory.Sequence(lambda n: f"包括連携協定{n}")
    summary = "地域の課題解決に向けた連携"
    signed_on = datetime.date(2024, 4, 1)
    starts_on = datetime.date(2024, 4, 1)
    ends_on = datetime.date(2027, 3, 31)


def ready_to_publish(agreement):
    """Give an agreement what publishing needs, where it lacks it, without a history version (the
    tests about histories count versions): signed, a summary, a cooperation field and a partner."""
    changes = {}
    if agreement.status not in ("active", "expired", "terminated"):
        changes["status"] = AgreementStatus.ACTIVE
    if agreement.signed_on is None:
        changes["signed_on"] = datetime.date(2024, 4, 1)
    if not agreement.summary:
        changes["summary"] = "地域の課題解決に向けた連携"
    if changes:
        Agreement.objects.filter(pk=agreement.pk).update(**changes)
        for name, value in changes.items():
            setattr(agreement, name, value)
    if not agreement.fields.exists():
        # the migration's cooperation fields are gone after a transactional test flushed the database
        field, _created = CooperationField.objects.get_or_create(
            code="dx_public_services", defaults={"name": "DX・行政サービス", "name_en": "DX and public services"}
        )
        agreement.fields.add(field)
    if not agreement.parties.exists():
        PartyFactory(agreement=agreement)
    return agreement


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    agreement = factory.SubFactory(AgreementFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = PartyRole.PARTNER


class AmendmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Amendment

    agreement = factory.SubFactory(AgreementFactory)
    amended_on = datetime.date(2025, 4, 1)
    kind = "duration"
    description = "期間を1年延長"


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    agreement = factory.SubFactory(AgreementFactory)
    kind = "press_release"
    title = "報道発表"
    url = "https://www.example.jp/press/1"
    public = True


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    agreement = factory.SubFactory(AgreementFactory)
    title = factory.Sequence(lambda n: f"オンライン申請の導入{n}")
    starts_on = datetime.date(2024, 4, 1)
    ends_on = datetime.date(2026, 3, 31)


class DeliverableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deliverable

    initiative = factory.SubFactory(InitiativeFactory)
    title = factory.Sequence(lambda n: f"成果物{n}")
    due_on = datetime.date(2025, 3, 31)


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    deliverable = factory.SubFactory(DeliverableFactory)
    progress = 50
    status = "in_progress"
    note = "順調"


class OutcomeIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutcomeIndicator

    agreement = factory.SubFactory(AgreementFactory)
    code = factory.Sequence(lambda n: f"KPI-{n}")
    name = "申請から交付までの日数"
    unit = "日"
    direction = Direction.LOWER
    baseline_value = Decimal("14")
    baseline_period_start = datetime.date(2023, 4, 1)
    baseline_period_end = datetime.date(2024, 3, 31)
    target_value = Decimal("3")
    target_on = datetime.date(2027, 3, 31)


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    indicator = factory.SubFactory(OutcomeIndicatorFactory)
    period_start = datetime.date(2024, 4, 1)
    period_end = datetime.date(2025, 3, 31)
    value = Decimal("7")
    measured_by = MeasuredBy.CITY
