"""The demo's yearly review (issue 16 §3): for 四條畷市's earliest active agreement with an end date and
デモ・スマート行政株式会社 as a party, both sides' evaluation of the last fiscal year — with one aspect two
grades apart, so the comparison has something to highlight — and the city's renewal decision for the
current term. Through the same services as the pages (``agreements.review_services``)."""

from __future__ import annotations

from ..choices import AgreementStatus, EvaluationAspect, EvaluationSide, RenewalOutcome
from ..models import Agreement
from ..review_services import evaluation_submit, renewal_decide
from .timeline import Timeline

SHIJONAWATE = "272299"

CITY_GRADES = {
    EvaluationAspect.PURPOSE: ("B", "申請から入所決定までの日数は短くなったが、目標にはまだ届いていない。"),
    EvaluationAspect.ROLES: ("A", "役割分担は協定書のとおりに進んだ。"),
    EvaluationAspect.INFORMATION: ("B", "月次の定例会で進捗を共有できた。"),
    EvaluationAspect.RESIDENTS: ("B", "オンライン申請の割合が上がった。"),
    EvaluationAspect.CONTINUATION: ("A", "効果が見えており、継続の意義は大きい。"),
}
PARTNER_GRADES = {
    EvaluationAspect.PURPOSE: ("B", "処理日数の短縮は進んだ。"),
    EvaluationAspect.ROLES: ("B", "市側の担当者の交代時に引き継ぎが遅れた。"),
    EvaluationAspect.INFORMATION: ("D", "庁内の利用状況のデータが届くまでに時間がかかった。"),
    EvaluationAspect.RESIDENTS: ("A", "利用者アンケートの評価が高い。"),
    EvaluationAspect.CONTINUATION: ("A", "次期も継続したい。"),
}


def demo_reviews(*, timeline: Timeline, users: dict, organizations: dict) -> Agreement | None:
    """Both sides' evaluation of last fiscal year and a renewal decision; the agreement, or None when the
    demo has no such agreement (nothing is written then)."""
    smart = organizations["smart"]
    last_year = timeline.fiscal_year - 1
    agreement = (
        Agreement.objects.filter(
            municipality__code=SHIJONAWATE,
            status=AgreementStatus.ACTIVE,
            ends_on__isnull=False,
            starts_on__lte=timeline.fy(-1),
            parties__organization=smart,
        )
        .order_by("starts_on", "pk")
        .first()
    )
    if agreement is None:
        return None
    evaluation_submit(
        agreement=agreement,
        fiscal_year=last_year,
        side=EvaluationSide.CITY,
        by=users["demo-officer"],
        grades=CITY_GRADES,
        comment="全体として順調。情報共有の方法を見直したい。",
        today=timeline.today,
    )
    evaluation_submit(
        agreement=agreement,
        fiscal_year=last_year,
        side=EvaluationSide.PARTNER,
        organization=smart,
        by=users["demo-partner"],
        grades=PARTNER_GRADES,
        comment="データ連携の手順を決めれば、さらに効果を出せる。",
        today=timeline.today,
    )
    renewal_decide(
        agreement=agreement,
        by=users["demo-officer"],
        outcome=RenewalOutcome.RENEW_WITH_CHANGES,
        reasons="成果が出ているため更新する。年次評価で差の大きかった情報共有について、月次のデータ提供を協定に加える。",
    )
    return agreement
