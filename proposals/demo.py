"""Demo proposal scheme (issue 16): fictional themes and proposals for 四條畷市 and 大東市, written through
the services (the same checks as a city's own), so that the public proposal pages, the API, the open-data
files and the pipeline figures have something to show. Run after ``load_demo`` (the demo accounts and
organizations): ``manage.py load_proposal_demo``.

- **Accounts**: demo-officer (四條畷市, approver) and demo-admin (superuser) review and decide in 四條畷市;
  demo-officer-2 (大東市, editor) writes 大東市's themes and demo-admin decides there; demo-partner and
  demo-partner-2 submit for their organizations.
- **Every stage**: in each city an open and a closed theme; in 四條畷市 a proposal submitted, one under
  review scored by two reviewers, one adopted (content public by consent) and turned into an agreement in
  negotiation, and a confidential one rejected (its decision public, its content never); in 大東市 one
  submitted and one rejected.
- **Marked**: every title starts with 【デモ】 (agreements.demo.DEMO_TITLE_PREFIX). **Idempotent**: a city
  that has a demo theme is skipped.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from agreements.demo import DEMO_TITLE_PREFIX, DemoPrerequisiteError
from agreements.demo.people import DAITO, SHIJONAWATE
from partnerships.models import Department, Membership, Municipality

from .models import DecisionOutcome, Theme
from .selectors import criteria_for
from .services import (
    criterion_save,
    proposal_adopt_to_agreement,
    proposal_decide,
    proposal_route,
    proposal_submit,
    score_submit,
    theme_save,
)

ACCOUNTS = ("demo-admin", "demo-officer", "demo-officer-2", "demo-partner", "demo-partner-2")
CRITERIA = (("課題の理解", 2), ("実現可能性", 2), ("市の費用負担の少なさ", 1))


@dataclass
class ProposalDemoReport:
    loaded: list[str] = field(default_factory=list)  # municipality codes
    proposals: int = 0
    agreements: int = 0


# The confidential proposal's idea (a made-up technique, distinctive on purpose): tests/test_no_personal_data.py
# looks for these words on every output a non-member reads.
SECRET_PROBLEM = "蔵書点検に毎年1週間の休館が必要になっている。"
SECRET_OFFER = (
    "書架の棚板に薄型の重量センサーを貼り、貸出記録と照合して所在不明の本を自動で見つける独自方式を試行する。"
)


def _title(text: str) -> str:
    return DEMO_TITLE_PREFIX + text


def _prerequisites():
    users = {u.username: u for u in get_user_model().objects.filter(username__in=ACCOUNTS)}
    cities = {m.code: m for m in Municipality.objects.filter(code__in=(SHIJONAWATE, DAITO))}
    missing = sorted(set(ACCOUNTS) - set(users)) + sorted({SHIJONAWATE, DAITO} - set(cities))
    if missing:
        raise DemoPrerequisiteError(f"Run load_demo first: missing {', '.join(missing)}.")
    organization = {
        name: Membership.objects.filter(user=users[name], organization__isnull=False).first()
        for name in ("demo-partner", "demo-partner-2")
    }
    if None in organization.values():
        raise DemoPrerequisiteError("Run load_demo first: the demo partners have no organization.")
    return users, cities, {name: m.organization for name, m in organization.items()}


def _themes(city, by, today, open_title, closed_title, department=None):
    common = {"department": department, "reviewed_on": today - datetime.timedelta(days=10), "published": True}
    open_theme = theme_save(
        municipality=city,
        by=by,
        title=_title(open_title[0]),
        background=open_title[1],
        wanted=open_title[2],
        contact="企画政策課 公民連携担当",
        opens_on=today - datetime.timedelta(days=45),
        closes_on=today + datetime.timedelta(days=60),
        **common,
    )
    # the closed theme takes its proposals first, then closes (theme_save: the municipality's own step)
    closed = theme_save(
        municipality=city,
        by=by,
        title=_title(closed_title[0]),
        background=closed_title[1],
        wanted=closed_title[2],
        opens_on=today - datetime.timedelta(days=150),
        closes_on=None,
        **common,
    )
    return open_theme, closed


def _close(theme, by, today):
    closes_on = today - datetime.timedelta(days=30)
    return theme_save(municipality=theme.municipality, by=by, theme=theme, closes_on=closes_on)


def _score_both(proposal, reviewers, marks):
    criteria = list(criteria_for(proposal))
    for reviewer, values in zip(reviewers, marks, strict=True):
        score_submit(proposal=proposal, by=reviewer, scores=dict(zip(criteria, values, strict=True)))


def _shijonawate(city, users, orgs, today, report):
    officer, admin = users["demo-officer"], users["demo-admin"]
    smart, other = orgs["demo-partner"], orgs["demo-partner-2"]
    for order, (name, weight) in enumerate(CRITERIA, start=1):
        criterion_save(municipality=city, by=officer, name=name, weight=weight, order=order)
    open_theme, closed = _themes(
        city,
        officer,
        today,
        ("公園の利活用", "市内の公園の平日の利用が少ない。", "公園を活かす民間の運営・企画。"),
        ("図書館の夜間開館", "勤めている人が図書館を使いにくい。", "人手を増やさずに開館時間を延ばす方法。"),
    )
    adopted = proposal_submit(
        municipality=city,
        organization=smart,
        by=users["demo-partner"],
        theme=closed,
        title=_title("無人貸出機による夜間開館"),
        problem="平日夜に図書館を使えない市民が多い。",
        offer="無人貸出機と入退館管理の仕組みを3年間無償で提供し、運用を支援する。",
        city_must_provide="設置場所と電源、夜間の巡回。",
        expected_outcome="平日夜の貸出が増える。",
        measurement="19時以降の貸出冊数（月ごと、図書館システムの記録）。",
        no_new_cost=True,
        cost_to_city_jpy=0,
        period="3年",
        publish_consent=True,
    )
    secret = proposal_submit(
        municipality=city,
        organization=other,
        by=users["demo-partner-2"],
        theme=closed,
        title=_title("独自技術による書架管理"),
        problem=SECRET_PROBLEM,
        offer=SECRET_OFFER,
        expected_outcome="蔵書点検の作業時間が半分になる。",
        confidential=True,
    )
    _close(closed, officer, today)
    reviewing = proposal_submit(
        municipality=city,
        organization=other,
        by=users["demo-partner-2"],
        title=_title("公園でのキッチンカー出店の調整"),
        problem="公園でのイベントが少ない。",
        offer="出店者の募集と調整を行う。",
        expected_outcome="公園の利用者が増える。",
    )
    submitted = proposal_submit(
        municipality=city,
        organization=smart,
        by=users["demo-partner"],
        theme=open_theme,
        title=_title("公園の利用者数のセンサー計測"),
        problem="公園の利用状況が分からない。",
        offer="人流センサーを1年間貸し出す。",
        expected_outcome="利用の少ない時間帯が分かる。",
        publish_consent=True,
    )
    departments = list(Department.objects.filter(municipality=city).order_by("id")[:1])
    for item, marks in ((adopted, [(5, 4, 5), (4, 4, 5)]), (secret, [(2, 3, 2), (3, 2, 2)])):
        proposal_route(proposal=item, departments=departments, by=officer)
        _score_both(item, (officer, admin), marks)
    proposal_route(proposal=reviewing, departments=departments, by=officer)
    _score_both(reviewing, (officer, admin), [(4, 3, 4), (3, 3, 4)])
    proposal_decide(
        proposal=adopted,
        outcome=DecisionOutcome.ADOPTED,
        reasons="市の費用負担がなく、夜間の利用という課題に直接応える。",
        by=officer,
    )
    proposal_decide(
        proposal=secret,
        outcome=DecisionOutcome.REJECTED,
        reasons="市の既存の書架管理の更新計画と重なるため。",
        by=officer,
    )
    proposal_adopt_to_agreement(proposal=adopted, by=officer)
    report.proposals += 4
    report.agreements += 1
    return submitted


def _daito(city, users, orgs, today, report):
    editor, admin = users["demo-officer-2"], users["demo-admin"]
    for order, (name, weight) in enumerate(CRITERIA, start=1):
        criterion_save(municipality=city, by=editor, name=name, weight=weight, order=order)
    open_theme, closed = _themes(
        city,
        editor,
        today,
        ("空き家の活用", "空き家が増えている。", "空き家を地域の拠点に変える提案。"),
        ("子育て世帯への情報発信", "子育て支援の情報が届きにくい。", "情報を届ける新しい方法。"),
    )
    rejected = proposal_submit(
        municipality=city,
        organization=orgs["demo-partner"],
        by=users["demo-partner"],
        theme=closed,
        title=_title("子育て情報のアプリ配信"),
        problem="子育て支援の情報が届いていない。",
        offer="アプリの開発と配信。",
        expected_outcome="情報を受け取る世帯が増える。",
        cost_to_city_jpy=3_000_000,
    )
    _close(closed, editor, today)
    proposal_submit(
        municipality=city,
        organization=orgs["demo-partner-2"],
        by=users["demo-partner-2"],
        theme=open_theme,
        title=_title("空き家の地域拠点化"),
        problem="空き家が放置されている。",
        offer="改修と運営を担う。",
        expected_outcome="地域の拠点が生まれる。",
    )
    _score_both(rejected, (editor, admin), [(3, 2, 1), (2, 2, 1)])
    proposal_decide(
        proposal=rejected,
        outcome=DecisionOutcome.REJECTED,
        reasons="市の費用負担が大きく、既存の配信の仕組みで対応できるため。",
        by=admin,
    )
    report.proposals += 2


def load_proposal_demo(*, today=None) -> ProposalDemoReport:
    """Load the demo scheme of each city that has no demo theme yet (idempotent)."""
    users, cities, orgs = _prerequisites()
    today = today or timezone.localdate()
    report = ProposalDemoReport()
    for code, load in ((SHIJONAWATE, _shijonawate), (DAITO, _daito)):
        city = cities[code]
        if Theme.objects.filter(municipality=city, title__startswith=DEMO_TITLE_PREFIX).exists():
            continue
        with transaction.atomic():
            load(city, users, orgs, today, report)
        report.loaded.append(code)
    return report
