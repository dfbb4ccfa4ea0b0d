"""A small proposal scheme: 四條畷市 with an open and a closed theme, scheme criteria, two reviewers, and
proposals by two organizations; 大東市 with one proposal of its own."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from partnerships.models import Role
from proposals.models import Criterion, Decision, Proposal, ProposalStatus, Theme
from tests.factories import DepartmentFactory, MembershipFactory, OrganizationFactory, UserFactory

TODAY = timezone.localdate()
SECRET = "秘密の発想ABC"  # the content of the rejected confidential proposal: in no public output


def theme(municipality, **extra) -> Theme:
    data = {
        "title": "公園の利活用",
        "background": "公園の利用が少ない",
        "wanted": "民間の運営ノウハウ",
        "opens_on": TODAY - datetime.timedelta(days=30),
        "closes_on": TODAY + datetime.timedelta(days=30),
        "published": True,
        **extra,
    }
    return Theme.objects.create(municipality=municipality, **data)


def proposal(municipality, organization, **extra) -> Proposal:
    data = {
        "title": "提案",
        "problem": "課題の説明",
        "offer": "提供する内容",
        "expected_outcome": "期待する成果",
        **extra,
    }
    return Proposal.objects.create(municipality=municipality, organization=organization, **data)


def decided(item: Proposal, outcome: str, reasons: str = "理由") -> Proposal:
    Decision.objects.create(proposal=item, outcome=outcome, reasons=reasons)
    item.status = ProposalStatus.DECIDED
    item.save(update_fields=["status"])
    return item


@dataclass
class Scheme:
    open_theme: Theme
    closed_theme: Theme
    criteria: list
    proposal: Proposal  # by the partner's organization, submitted
    rival: Proposal  # by another organization, submitted
    other_city_proposal: Proposal
    rival_user: object
    reviewer: object
    second_reviewer: object
    department: object


@pytest.fixture
def scheme(city, other_city, organization, partner, editor, approver):
    open_theme = theme(city, department=DepartmentFactory(municipality=city, name="公園課"))
    closed_theme = theme(
        city,
        title="図書館の夜間開館",
        opens_on=TODAY - datetime.timedelta(days=90),
        closes_on=TODAY - datetime.timedelta(days=60),
    )
    criteria = [
        Criterion.objects.create(municipality=city, name="課題の理解", weight=Decimal("2"), order=1),
        Criterion.objects.create(municipality=city, name="実現可能性", weight=Decimal("1"), order=2),
    ]
    rival_organization = OrganizationFactory(name="株式会社ライバル")
    rival_user = UserFactory(username="rival")
    MembershipFactory(user=rival_user, municipality=None, organization=rival_organization, role=Role.EDITOR)
    second = UserFactory(username="second-reviewer")
    MembershipFactory(user=second, municipality=city, organization=None, role=Role.EDITOR)
    return Scheme(
        open_theme=open_theme,
        closed_theme=closed_theme,
        criteria=criteria,
        proposal=proposal(city, organization, title="公園カフェ", theme=open_theme, submitted_by=partner),
        rival=proposal(city, rival_organization, title="ライバル案", problem="ライバルの課題", offer="ライバルの提供"),
        other_city_proposal=proposal(other_city, OrganizationFactory(), title="大東市への提案"),
        rival_user=rival_user,
        reviewer=editor,
        second_reviewer=second,
        department=open_theme.department,
    )


@pytest.fixture
def partner_viewer(organization):
    """A viewer of the partner's organization: reads its proposals, submits none."""
    user = UserFactory(username="partner-viewer")
    MembershipFactory(user=user, municipality=None, organization=organization, role=Role.VIEWER)
    return user
