"""Request examples shown in the OpenAPI documentation."""

from drf_spectacular.utils import OpenApiExample

AGREEMENT_CREATE = OpenApiExample(
    "A comprehensive agreement",
    request_only=True,
    value={
        "title": "四條畷市と株式会社サンプルとの包括連携協定",
        "kind": "comprehensive",
        "municipality": "272299",
        "fields": ["dx_public_services", "childcare"],
        "signed_on": "2024-07-01",
        "starts_on": "2024-07-01",
        "ends_on": "2027-03-31",
        "auto_renewal": True,
        "renewal_term_months": 12,
        "selection_method": "proposal",
        "municipal_cost_jpy": 0,
        "partner_contribution_jpy": 3000000,
    },
)
PROGRESS_UPDATE_CREATE = OpenApiExample(
    "A partner's progress report",
    request_only=True,
    value={"deliverable": 12, "progress": 80, "status": "in_progress", "note": "窓口端末を3台設置しました"},
)
MEASUREMENT_CREATE = OpenApiExample(
    "A measured value",
    request_only=True,
    value={
        "indicator": 7,
        "period_start": "2025-04-01",
        "period_end": "2025-09-30",
        "value": "4.5",
        "sample_size": 312,
        "source": "申請管理システム",
        "measured_by": "partner",
    },
)
ACCEPT = OpenApiExample("Accept", request_only=True, value={"comment": "確認しました"})
RETURN = OpenApiExample("Return", request_only=True, value={"comment": "設置場所の写真を添付してください"})
TOKEN = OpenApiExample(
    "Obtain a token",
    request_only=True,
    value={"username": "demo-partner", "password": "kyoso-demo", "name": "基幹システム連携", "days": 90},
)
