"""Words the synthetic seed draws from. Every name it makes starts with MARK."""

MARK = "【合成】"

# kind of municipality → relative number of agreements (then varied per municipality)
MUNICIPALITY_WEIGHT = {
    "prefecture": 8.0,
    "designated_city": 25.0,
    "core_city": 10.0,
    "city": 4.0,
    "special_ward": 6.0,
    "town": 1.0,
    "village": 0.5,
    "ward": 0.5,
}

# (kind, name pattern, industry or "" for a random one)
ORGANIZATION_KINDS = [
    ("company", "株式会社{stem}", ""),
    ("university", "{stem}大学", "教育、学習支援業"),
    ("npo", "特定非営利活動法人{stem}", "サービス業"),
    ("financial", "{stem}銀行", "金融業、保険業"),
    ("association", "一般社団法人{stem}協会", "サービス業"),
    ("cooperative", "{stem}農業協同組合", "農業、林業"),
    ("other", "{stem}組合", ""),
]
ORGANIZATION_KIND_WEIGHTS = [70, 6, 10, 5, 5, 3, 1]
NAME_STEMS = [
    "あおば",
    "ひかり",
    "みらい",
    "さくら",
    "やまと",
    "つばさ",
    "みどり",
    "あさひ",
    "はるか",
    "かなで",
    "こだま",
    "いぶき",
]
INDUSTRIES = [
    "情報通信業",
    "小売業",
    "製造業",
    "運輸業、郵便業",
    "建設業",
    "電気・ガス・熱供給・水道業",
    "医療、福祉",
    "保険業",
]

DEPARTMENTS = [
    ("企画政策課", "Planning and Policy Division"),
    ("公民連携推進課", "Public-Private Partnership Division"),
    ("市民生活課", "Civic Life Division"),
    ("子ども家庭課", "Children and Families Division"),
]

AGREEMENT_KINDS = ["comprehensive", "individual", "memorandum", "other"]
AGREEMENT_KIND_WEIGHTS = [20, 55, 20, 5]
KIND_LABEL = {"comprehensive": "包括連携協定", "individual": "個別協定", "memorandum": "覚書", "other": "協定"}
KIND_LABEL_EN = {
    "comprehensive": "Comprehensive partnership agreement",
    "individual": "Individual agreement",
    "memorandum": "Memorandum",
    "other": "Agreement",
}
# "active" becomes "expired" when the end date has passed
AGREEMENT_STATUSES = ["draft", "negotiating", "active", "terminated"]
AGREEMENT_STATUS_WEIGHTS = [4, 3, 91, 2]
SELECTION_METHODS = ["open_call", "proposal", "consultation", ""]
DATA_SHARING = ["", "", "個人を特定できない統計データのみ共有する。", "双方の同意を得たデータのみ共有する。"]
OTHER_ROLES = ["partner", "partner", "supporter", "independent_monitor"]
SIGNATORY_TITLES = ["代表取締役社長", "代表取締役", "学長", "理事長", "支店長", "組合長"]

SERVICES = [
    "オンライン申請の導入",
    "窓口予約システムの提供",
    "高齢者の見守りサービス",
    "健康ポイント事業",
    "防災アプリの提供",
    "小中学校への出前授業",
    "空き家の利活用",
    "キャッシュレス決済の導入",
    "子育て情報の配信",
    "観光案内の多言語化",
]
JOURNEYS = [
    ("窓口で申請し、結果を郵送で受け取る（平均14日）", "スマートフォンで申請し、最短即日で受け取る"),
    ("平日の開庁時間に電話で予約する", "24時間ウェブで予約できる"),
    ("紙の回覧板で情報を受け取る", "アプリの通知で受け取る"),
    ("担当課に出向いて相談する", "オンラインで相談できる"),
]
INITIATIVE_STATUS = {
    "draft": ["planned"],
    "negotiating": ["planned"],
    "active": ["in_progress", "in_progress", "planned", "completed"],
    "expired": ["completed", "completed", "suspended"],
    "terminated": ["cancelled", "suspended"],
}
DELIVERABLE_STEPS = ["要件定義", "試行運用", "本格運用の開始", "利用者アンケート", "成果報告書の提出"]
PAST_DELIVERABLE_STATUSES = ["met", "partially_met", "not_met", "cancelled", "in_progress"]
PAST_DELIVERABLE_WEIGHTS = [70, 12, 6, 4, 8]

# (name, English name, unit, direction, baseline range, relative gain range, decimals)
KPIS = [
    ("申請から交付までの日数", "Days from application to service", "日", "lower", (7, 30), (0.3, 0.7), 1),
    ("オンライン申請率", "Online application rate", "%", "higher", (5, 40), (0.5, 1.5), 1),
    ("利用者満足度", "User satisfaction", "点", "higher", (2.5, 3.5), (0.1, 0.3), 2),
    ("窓口の待ち時間", "Waiting time at the counter", "分", "lower", (15, 60), (0.3, 0.7), 0),
    ("参加者数", "Participants", "人", "higher", (50, 500), (0.2, 1.5), 0),
    ("相談件数", "Consultations", "件", "higher", (20, 300), (0.2, 1.0), 0),
]
DATA_SOURCES = ["住民アンケート", "業務システムの記録", "連携先の報告", "窓口の受付記録"]
MEASURED_BY = ["city", "city", "partner", "independent"]
RETURNED = ("returned", "数値の根拠資料を添付してください。")
