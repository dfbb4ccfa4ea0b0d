"""The import template: Japanese column names, what each accepts, and an example row."""

from django.utils.translation import gettext_lazy as _

# (header, required, help, example)
COLUMNS = [
    ("協定ID", False, _("Leave empty to have one assigned, or e.g. 272299-2024-001"), ""),
    ("協定名", True, _("Title of the agreement"), "株式会社サンプルとの包括連携協定"),
    (
        "協定種別",
        True,
        _("包括連携協定, 個別協定, 覚書 or その他 (or comprehensive, individual, memorandum, other)"),
        "包括連携協定",
    ),
    ("概要", False, _("Summary"), "子育て支援と行政手続のデジタル化で連携する"),
    (
        "親協定ID",
        False,
        _("For an individual agreement: the comprehensive agreement's id (in the file or already in Kyoso)"),
        "",
    ),
    (
        "連携分野",
        False,
        _("Cooperation fields separated by ;, e.g. 子育て;DX・行政サービス"),
        "子育て;DX・行政サービス",
    ),
    ("締結日", False, _("Date signed, e.g. 2024-07-01 or 2024/7/1"), "2024-07-01"),
    ("開始日", False, _("Start date"), "2024-07-01"),
    ("終了日", False, _("End date"), "2027-03-31"),
    ("自動更新", False, _("はい or いいえ"), "はい"),
    ("更新期間_月", False, _("Months of each automatic renewal"), "12"),
    ("状態", False, _("下書き, 協議中, 締結中, 期間満了 or 解除 (default 下書き)"), "締結中"),
    ("選定方法", False, _("公募, 提案 or 協議"), "提案"),
    ("市の費用_円", False, _("Whole yen; 0 or empty for a zero-budget project"), "0"),
    ("連携先の貢献見込額_円", False, _("Whole yen"), "3000000"),
    ("担当課", False, _("A department already registered in Kyoso"), ""),
    ("連携先法人番号", False, _("13-digit corporate numbers of the partners, separated by ;"), "4000020270008"),
    ("連携先名称", False, _("Partner names (registered in Kyoso), separated by ;, when there is no 法人番号"), ""),
    ("公開", False, _("はい to publish at once (approvers only); default いいえ"), "いいえ"),
]
HEADERS = [c[0] for c in COLUMNS]
REQUIRED = {c[0] for c in COLUMNS if c[1]}
