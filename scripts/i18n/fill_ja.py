"""Fill locale/ja/LC_MESSAGES/django.po from the translation table below, and check the catalogue.

    .venv/bin/python manage.py makemessages -l ja -l en --ignore=.venv --ignore=node_modules --ignore=var --no-obsolete
    .venv/bin/python scripts/i18n/fill_ja.py            # fill empty entries, fix the header, report gaps
    .venv/bin/python scripts/i18n/fill_ja.py --check    # report only (exit 1 if anything is missing)
    .venv/bin/python manage.py compilemessages --ignore=.venv

The .po file is the reference: translations made directly in it are kept (only empty entries are
filled, unless --force). New source strings that are not in TRANSLATIONS are listed: add them to the
table (or translate them in the .po) following the terminology in TERMINOLOGY.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from po_tools import dump, parse, problems  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "ja" / "LC_MESSAGES" / "django.po"
EN_PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"

TERMINOLOGY = """\
Japanese catalogue of Kyoso（共創）. Source strings are English; Japanese is the default UI language.
Translator's note: keep this terminology so that later passes stay consistent.
Vocabulary is that of Japanese municipal administration (自治体職員).

  agreement                          協定
  comprehensive partnership agreement 包括連携協定
  individual agreement               個別協定
  memorandum                         覚書
  initiative                         連携事業
  deliverable                        成果物
  progress update / report           進捗報告
  outcome indicator                  成果指標（KPI）
  measurement                        測定値
  municipality                       自治体（UI labels）／地方公共団体（formal "local government"）
  local government code              全国地方公共団体コード（check digit: 検査数字）
  corporate number                   法人番号（check digit: 検査用数字）
  organization                       団体
  partner                            連携先
  party                              協定当事者（連携先）
  lead partner                       代表連携先
  supporter                          協力団体
  independent monitor / party        第三者評価者／第三者
  responsible (organization)         実施主体
  department                         担当課
  contact                            担当者
  membership                         所属
  role: viewer / editor / approver   閲覧者／編集者／承認者
  status: draft / negotiating / active / expired / terminated
                                     下書き／協議中／締結中／期間満了／解除
  zero-budget                        ゼロ予算
  municipal cost (yen)               自治体の費用（円）
  in-kind contribution / value       現物提供（貢献）額
  published / publish / unpublish    公開／公開する／非公開にする
  accept / return                    承認する／差し戻す
  review (status) / waiting for review 確認状況／確認待ち
  cooperation field                  連携分野
  selection method                   選定方法（公募／提案／協議）
  renewal / renews automatically     更新／自動更新
  dormant                            休眠
  public id                          協定ID
  title / name                       名称（English title/name: 名称（英語））
  name in kana                       ふりがな

Placeholders (%(name)s, %(count)d, {name}, %s, %%) and leading/trailing newlines are kept exactly.
Quotes “…” become 「…」. Japanese has one plural form: msgstr[0] only.
"""

HEADER = {
    "Project-Id-Version": "Kyoso",
    "Language-Team": "Japanese",
    "Language": "ja",
    "Plural-Forms": "nplurals=1; plural=0;",
}

TRANSLATIONS: dict[str, str] = {
    "There is no page at this address, or it is not public.": "このアドレスのページはないか、公開されていません。",
    "This organization is responsible for deliverables of the agreement; reassign them first.": "この団体はこの協定の成果物の責任団体です。先に責任団体を変更してください。",
    "This organization reports KPIs of the agreement; change their reporter first.": "この団体はこの協定の成果指標を報告しています。先に報告団体を変更してください。",
    "Your account cannot do this. Ask your municipality's Kyoso administrator if you need it.": "このアカウントではこの操作はできません。必要な場合は自治体の Kyoso 管理者に依頼してください。",
    "Page not found": "ページが見つかりません",
    # --- accounts ------------------------------------------------------------------------------
    "Accounts": "アカウント",
    "user": "ユーザー",
    "name": "名称",
    "What the token is for, e.g. 基幹システム連携": "トークンの用途（例：基幹システム連携）",
    "key prefix": "キーの接頭辞",
    "key hash": "キーのハッシュ値",
    "created at": "作成日時",
    "expires at": "有効期限",
    "last used at": "最終使用日時",
    "revoked at": "無効化日時",
    "API token": "APIトークン",
    "API tokens": "APIトークン",
    "language": "言語",
    "profile": "プロフィール",
    "profiles": "プロフィール",
    # --- agreements: admin ---------------------------------------------------------------------
    "Title and summary": "名称と概要",
    "Dates": "日付",
    "Terms": "条件",
    "Status and publication": "状態と公開",
    "partners": "連携先",
    "Start negotiation on the selected agreements": "選択した協定の協議を開始する",
    "%(count)d agreement is now in negotiation.": "%(count)d 件の協定を協議中にしました。",
    "Mark the selected agreements as signed and active": "選択した協定を締結済み（締結中）にする",
    "%(count)d agreement is now active.": "%(count)d 件の協定を締結中にしました。",
    "Terminate the selected agreements": "選択した協定を解除する",
    "%(count)d agreement was terminated.": "%(count)d 件の協定を解除しました。",
    "Publish the selected agreements": "選択した協定を公開する",
    "%(count)d agreement is published.": "%(count)d 件の協定を公開しました。",
    "Withdraw the selected agreements from publication": "選択した協定を非公開にする",
    "%(count)d agreement was withdrawn.": "%(count)d 件の協定を非公開にしました。",
    "progress (%)": "進捗率（%）",
    "agreement": "協定",
    "Comment to the partner": "連携先へのコメント",
    "Say what to fix. The partner sees this comment with the returned report.": (
        "修正が必要な点を記入してください。連携先には、差し戻された報告とともにこのコメントが表示されます。"
    ),
    "Return with a comment": "コメントを付けて差し戻す",
    "partner": "連携先",
    "Accept the selected progress updates": "選択した進捗報告を承認する",
    "%(count)d progress update was accepted.": "%(count)d 件の進捗報告を承認しました。",
    "Return the selected progress updates with a comment…": "選択した進捗報告をコメントを付けて差し戻す…",
    "%(count)d progress update was returned.": "%(count)d 件の進捗報告を差し戻しました。",
    "attainment (%)": "達成度（%）",
    "Accept the selected measurements": "選択した測定値を承認する",
    "%(count)d measurement was accepted.": "%(count)d 件の測定値を承認しました。",
    "Return the selected measurements with a comment…": "選択した測定値をコメントを付けて差し戻す…",
    "%(count)d measurement was returned.": "%(count)d 件の測定値を差し戻しました。",
    "Agreements": "協定",
    # --- agreements: choices -------------------------------------------------------------------
    "Comprehensive partnership agreement": "包括連携協定",
    "Individual agreement": "個別協定",
    "Memorandum": "覚書",
    "Other": "その他",
    "Draft": "下書き",
    "Negotiating": "協議中",
    "Active": "締結中",
    "Expired": "期間満了",
    "Terminated": "解除",
    "Open call (公募)": "公募",
    "Partner proposal (提案)": "提案",
    "Consultation (協議)": "協議",
    "Lead partner": "代表連携先",
    "Partner": "連携先",
    "Supporter": "協力団体",
    "Independent monitor": "第三者評価者",
    "Scope": "対象範囲",
    "Duration": "期間",
    "Value": "金額",
    "Parties": "協定当事者",
    "Signed agreement": "締結済み協定書",
    "Press release": "報道発表資料",
    "Report": "報告書",
    "Evidence": "根拠資料",
    "Planned": "計画中",
    "In progress": "実施中",
    "Completed": "完了",
    "Suspended": "休止中",
    "Cancelled": "中止",
    "Scheduled": "予定",
    "Met": "達成",
    "Partially met": "一部達成",
    "Not met": "未達成",
    "Waiting for review": "確認待ち",
    "Accepted": "承認済み",
    "Returned": "差し戻し",
    "Higher is better": "高いほど良い",
    "Lower is better": "低いほど良い",
    "Monthly": "毎月",
    "Quarterly": "四半期ごと",
    "Every six months": "半年ごと",
    "Annually": "毎年",
    "Once": "1回のみ",
    "The municipality": "自治体",
    "The partner": "連携先",
    "An independent party": "第三者",
    # --- agreements: filters -------------------------------------------------------------------
    "organization (法人番号)": "団体（法人番号）",
    "Give a 13-digit corporate number (法人番号).": "13桁の法人番号を入力してください。",
    "cooperation field": "連携分野",
    "kind": "種別",
    "status": "状態",
    "signed on or after": "締結日（この日以降）",
    "signed on or before": "締結日（この日以前）",
    "ends on or before": "終了日（この日以前）",
    "zero-budget": "ゼロ予算",
    "published": "公開",
    "free text": "フリーワード",
    "ordering": "並び順",
    "agreement (public id)": "協定（協定ID）",
    "initiative": "連携事業",
    "responsible (法人番号)": "実施主体（法人番号）",
    "due on or after": "期限（この日以降）",
    "due on or before": "期限（この日以前）",
    "deliverable": "成果物",
    "review": "確認状況",
    "indicator": "成果指標",
    "period from": "期間（開始日）",
    "period to": "期間（終了日）",
    "verified": "検証済み",
    "prefecture (2-digit code)": "都道府県（2桁のコード）",
    "Give a 2-digit prefecture code, e.g. 27 for 大阪府.": "2桁の都道府県コードを入力してください（例：大阪府は 27）。",
    "法人番号": "法人番号",
    # --- agreements: models --------------------------------------------------------------------
    "A public id has the form <6-digit municipality code>-<year>-<number>, e.g. 272299-2024-001.": (
        "協定IDは <6桁の団体コード>-<年>-<番号> の形式です（例：272299-2024-001）。"
    ),
    "code": "コード",
    "English name": "名称（英語）",
    "order": "表示順",
    "cooperation fields": "連携分野",
    "public id": "協定ID",
    "Stable identifier, e.g. 272299-2024-001. Assigned when the agreement is created.": (
        "変わることのない識別子です（例：272299-2024-001）。協定の作成時に付番されます。"
    ),
    "municipality": "自治体",
    "department": "担当課",
    "comprehensive agreement": "包括連携協定",
    "For an individual agreement made under a comprehensive one.": (
        "包括連携協定に基づいて締結する個別協定の場合に、その包括連携協定を指定します。"
    ),
    "title": "名称",
    "English title": "名称（英語）",
    "summary": "概要",
    "English summary": "概要（英語）",
    "signed on": "締結日",
    "starts on": "開始日",
    "ends on": "終了日",
    "renews automatically": "自動更新",
    "renewal term (months)": "更新期間（月）",
    "How long each automatic renewal lasts, e.g. 12.": "自動更新1回あたりの期間（月数）です（例：12）。",
    "selection method": "選定方法",
    "municipal cost (yen)": "自治体の費用（円）",
    "0 for a zero-budget project.": "ゼロ予算事業の場合は 0 とします。",
    "partner's estimated in-kind contribution (yen)": "連携先による現物提供（貢献）の見込額（円）",
    "data-sharing terms": "データ共有の条件",
    "contacts": "担当者",
    "dormant since": "休眠開始日",
    "Set by the nightly job when an active agreement has had no activity for months.": (
        "締結中の協定に数か月間動きがない場合に、夜間処理で設定されます。"
    ),
    "published at": "公開日時",
    "updated at": "更新日時",
    "created by": "作成者",
    "agreements": "協定",
    "The end date must not be before the start date.": "終了日は開始日以降の日付にしてください。",
    "The agreement cannot start before it is signed.": "協定の開始日は締結日以降の日付にしてください。",
    "The parent must be a comprehensive agreement.": "親協定には包括連携協定を指定してください。",
    "The parent agreement belongs to another municipality.": "親協定は別の自治体の協定です。",
    "An agreement cannot be its own parent.": "協定自身を親協定に指定することはできません。",
    "This department belongs to another municipality.": "この担当課は別の自治体に属しています。",
    "Give the renewal term of an agreement that renews automatically.": "自動更新する協定には更新期間を入力してください。",
    "An agreement cannot move from %(old)s to %(new)s.": "協定の状態を「%(old)s」から「%(new)s」に変更することはできません。",
    "An active agreement needs the date it was signed.": "締結中の協定には締結日が必要です。",
    "organization": "団体",
    "role": "役割",
    "signatory's title": "署名者の役職",
    "e.g. 代表取締役社長 (a title, not a name)": "例：代表取締役社長（氏名ではなく役職を入力）",
    "party": "協定当事者",
    "parties": "協定当事者",
    "An agreement has at most one lead partner.": "代表連携先は1つの協定につき1者までです。",
    "amended on": "変更日",
    "what changed": "変更内容",
    "why": "変更理由",
    "amendment": "協定の変更",
    "amendments": "協定の変更",
    "An amendment cannot predate the signature of the agreement.": "変更日は協定の締結日以降の日付にしてください。",
    "file": "ファイル",
    "URL": "URL",
    "dated": "日付",
    "public": "公開",
    "Shown to the public once the agreement is published.": "協定の公開後、一般に公開されます。",
    "document": "文書",
    "documents": "文書",
    "A document is either a file or a URL, not both.": "文書にはファイルかURLのどちらか一方を指定します（両方は指定できません）。",
    "Upload a file or give a URL (one of the two).": "ファイルをアップロードするか、URLを入力してください（いずれか一方）。",
    "The file is %(size)s MB; the limit is %(limit)s MB.": "ファイルサイズが %(size)s MB です。上限は %(limit)s MB です。",
    "in-kind value (yen)": "現物提供（貢献）額（円）",
    "service journey before": "導入前のサービス利用の流れ",
    "How a resident got the service before: from application to delivery.": (
        "これまで住民がサービスを受けるまでの流れ（申請から提供まで）。"
    ),
    "service journey after": "導入後のサービス利用の流れ",
    "How a resident gets the service with this initiative.": "この連携事業により住民がサービスを受けるまでの流れ。",
    "initiatives": "連携事業",
    "description": "説明",
    "responsible party": "実施主体",
    "due on": "期限",
    "met on": "達成日",
    "weight": "重み",
    "How much this deliverable counts in the initiative's progress.": "連携事業の進捗率を算出する際の、この成果物の重みです。",
    "deliverables": "成果物",
    "A met deliverable needs the date it was met.": "達成した成果物には達成日が必要です。",
    "Progress is a percentage from 0 to 100.": "進捗率は 0～100 の範囲（%）で入力してください。",
    "Give the date the deliverable was met.": "成果物の達成日を入力してください。",
    "The responsible organization must be a party to the agreement.": "実施主体には、この協定の当事者である団体を指定してください。",
    "note": "備考",
    "evidence": "根拠資料",
    "submitted by": "提出者",
    "submitted at": "提出日時",
    "reviewer's comment": "確認者のコメント",
    "reviewed by": "確認者",
    "reviewed at": "確認日時",
    "progress update": "進捗報告",
    "progress updates": "進捗報告",
    "Say why the report is returned.": "報告を差し戻す理由を記入してください。",
    "Short id within the agreement, e.g. KPI-1.": "協定内での短い識別子です（例：KPI-1）。",
    "unit": "単位",
    "e.g. 日, %, 件, 点": "例：日、%、件、点",
    "direction": "評価の方向",
    "baseline value": "基準値",
    "baseline period from": "基準期間（開始日）",
    "baseline period to": "基準期間（終了日）",
    "target value": "目標値",
    "target date": "目標期日",
    "data source": "データの出典",
    "method": "測定方法",
    "reporting frequency": "報告頻度",
    "reporting partner": "報告する連携先",
    "The partner that reports measurements of this indicator (empty: the municipality).": (
        "この成果指標の測定値を報告する連携先です（空欄の場合は自治体が報告）。"
    ),
    "outcome indicator": "成果指標",
    "outcome indicators": "成果指標",
    "The target must improve on the baseline in the indicator's direction.": (
        "目標値は、指標の評価の方向に沿って基準値より改善した値にしてください。"
    ),
    "The baseline period ends before it starts.": "基準期間の終了日が開始日より前になっています。",
    "Higher is better: the target must be above the baseline.": "高いほど良い指標です。目標値は基準値より大きくしてください。",
    "Lower is better: the target must be below the baseline.": "低いほど良い指標です。目標値は基準値より小さくしてください。",
    "This initiative belongs to another agreement.": "この連携事業は別の協定に属しています。",
    "The reporting partner must be a party to the agreement.": "報告する連携先には、この協定の当事者である団体を指定してください。",
    "value": "値",
    "sample size": "サンプル数",
    "source": "出典",
    "measured by": "測定主体",
    "Checked by the municipality or an independent party.": "自治体または第三者が確認済みであることを示します。",
    "reported by": "報告者",
    "reported at": "報告日時",
    "measurement": "測定値",
    "measurements": "測定値",
    "This indicator already has a value for this period.": "この成果指標には、この期間の測定値がすでに登録されています。",
    "Say why the measurement is returned.": "測定値を差し戻す理由を記入してください。",
    "The period ends before it starts.": "期間の終了日が開始日より前になっています。",
    # --- agreements: services ------------------------------------------------------------------
    "You need the %(role)s role at this municipality.": "この自治体での「%(role)s」の権限が必要です。",
    "Could not assign a public id; please try again.": "協定IDを付番できませんでした。もう一度お試しください。",
    "This field is changed by its own action, not by editing.": "この項目は編集では変更できません。専用の操作で変更してください。",
    "Only an active agreement that renews automatically can be renewed.": (
        "更新できるのは、自動更新が設定された締結中の協定のみです。"
    ),
    "Renewed automatically: the end date moved from %(old)s to %(new)s.": (
        "自動更新：終了日を %(old)s から %(new)s に変更しました。"
    ),
    "Only an editor of the responsible organization can report on this.": "報告できるのは、担当する団体の編集者のみです。",
    "This report has already been reviewed.": "この報告はすでに確認済みです。",
    "Only an unpublished draft can be deleted; terminate or unpublish the agreement instead.": (
        "削除できるのは未公開の下書きのみです。協定を解除するか、非公開にしてください。"
    ),
    "Individual agreements are made under this agreement; delete them first.": (
        "この協定に基づく個別協定があります。先にそれらを削除してください。"
    ),
    # --- api -----------------------------------------------------------------------------------
    "Invalid, expired or revoked token.": "トークンが無効、期限切れ、または無効化されています。",
    "Some values are not valid; see fields.": "入力内容に誤りがあります。各項目を確認してください。",
    "Not found.": "見つかりませんでした。",
    "Your account has no editor role; ask your municipality's Kyoso administrator.": (
        "このアカウントには編集者の権限がありません。所属する自治体の Kyoso 管理者にお問い合わせください。"
    ),
    "Unknown field.": "不明な項目です。",
    "This cannot be changed after the record is created.": "この項目は登録後に変更できません。",
    "Too many failed logins; wait before trying again.": "ログインの失敗が続いています。しばらく待ってから再度お試しください。",
    "Wrong username or password.": "ユーザー名またはパスワードが正しくありません。",
    "Only the municipality can verify a value; a partner's value is self-reported.": (
        "値を検証済みにできるのは自治体のみです。連携先が報告した値は自己申告として扱われます。"
    ),
    # --- config --------------------------------------------------------------------------------
    "Japanese": "日本語",
    "English": "英語",
    # --- notifications -------------------------------------------------------------------------
    "Notifications": "通知",
    "[Kyoso] Due in %(days)s days: %(title)s": "[Kyoso] 期限まであと%(days)s日：%(title)s",
    (
        "The deliverable “%(title)s” of agreement %(agreement)s is due on %(due_on)s (in %(days)s days).\n"
        "Please report its progress in Kyoso."
    ): (
        "協定 %(agreement)s の成果物「%(title)s」の期限は %(due_on)s です（あと%(days)s日）。\n"
        "Kyoso で進捗を報告してください。"
    ),
    "[Kyoso] Overdue: %(title)s": "[Kyoso] 期限超過：%(title)s",
    "The deliverable “%(title)s” of agreement %(agreement)s was due on %(due_on)s and is not yet met.": (
        "協定 %(agreement)s の成果物「%(title)s」は %(due_on)s が期限でしたが、まだ達成されていません。"
    ),
    "[Kyoso] Ends in %(days)s days: %(agreement)s": "[Kyoso] 終了まであと%(days)s日：%(agreement)s",
    "Agreement %(agreement)s “%(title)s” ends on %(ends_on)s. Decide whether to renew it.": (
        "協定 %(agreement)s「%(title)s」は %(ends_on)s に終了します。更新するかどうかをご判断ください。"
    ),
    "[Kyoso] Expired: %(agreement)s": "[Kyoso] 期間満了：%(agreement)s",
    "Agreement %(agreement)s “%(title)s” ended on %(ends_on)s and is now expired.": (
        "協定 %(agreement)s「%(title)s」は %(ends_on)s に終了し、期間満了となりました。"
    ),
    "[Kyoso] Renewed: %(agreement)s": "[Kyoso] 自動更新：%(agreement)s",
    "Agreement %(agreement)s “%(title)s” renewed automatically; it now ends on %(ends_on)s.": (
        "協定 %(agreement)s「%(title)s」が自動更新されました。新しい終了日は %(ends_on)s です。"
    ),
    "[Kyoso] No activity: %(agreement)s": "[Kyoso] 動きのない協定：%(agreement)s",
    "Agreement %(agreement)s “%(title)s” has had no progress report, measurement or change since %(since)s.": (
        "協定 %(agreement)s「%(title)s」は、%(since)s 以降、進捗報告・測定値の報告・変更がありません。"
    ),
    "[Kyoso] Progress report to review: %(title)s": "[Kyoso] 進捗報告の確認依頼：%(title)s",
    "%(organization)s reported %(progress)s%% on “%(title)s” (agreement %(agreement)s). Please review it.": (
        "%(organization)sが「%(title)s」（協定 %(agreement)s）の進捗を %(progress)s%% と報告しました。"
        "内容を確認してください。"
    ),
    "[Kyoso] Report accepted: %(title)s": "[Kyoso] 進捗報告が承認されました：%(title)s",
    "Your progress report on “%(title)s” (agreement %(agreement)s) was accepted.\n%(comment)s": (
        "「%(title)s」（協定 %(agreement)s）についての進捗報告が承認されました。\n%(comment)s"
    ),
    "[Kyoso] Report returned: %(title)s": "[Kyoso] 進捗報告が差し戻されました：%(title)s",
    "Your progress report on “%(title)s” (agreement %(agreement)s) was returned:\n%(comment)s": (
        "「%(title)s」（協定 %(agreement)s）についての進捗報告が差し戻されました。コメント：\n%(comment)s"
    ),
    "[Kyoso] Measurement to review: %(title)s": "[Kyoso] 測定値の確認依頼：%(title)s",
    "%(organization)s reported a value for “%(title)s” (agreement %(agreement)s). Please review it.": (
        "%(organization)sが「%(title)s」（協定 %(agreement)s）の測定値を報告しました。内容を確認してください。"
    ),
    "[Kyoso] Measurement accepted: %(title)s": "[Kyoso] 測定値が承認されました：%(title)s",
    "Your value for “%(title)s” (agreement %(agreement)s) was accepted and verified.\n%(comment)s": (
        "「%(title)s」（協定 %(agreement)s）について報告された測定値が承認され、検証済みとなりました。\n%(comment)s"
    ),
    "[Kyoso] Measurement returned: %(title)s": "[Kyoso] 測定値が差し戻されました：%(title)s",
    "Your value for “%(title)s” (agreement %(agreement)s) was returned:\n%(comment)s": (
        "「%(title)s」（協定 %(agreement)s）について報告された測定値が差し戻されました。コメント：\n%(comment)s"
    ),
    "[Kyoso] Import finished: %(file)s": "[Kyoso] 取り込み完了：%(file)s",
    "The import of %(file)s has finished: %(result)s.": "%(file)s の取り込みが完了しました。結果：%(result)s。",
    "Deliverable due soon": "成果物の期限間近",
    "Deliverable overdue": "成果物の期限超過",
    "Agreement ending": "協定の終了間近",
    "Agreement expired": "協定の期間満了",
    "Agreement renewed": "協定の自動更新",
    "Agreement dormant": "協定の休眠",
    "Progress report submitted": "進捗報告の提出",
    "Progress report accepted": "進捗報告の承認",
    "Progress report returned": "進捗報告の差し戻し",
    "Measurement submitted": "測定値の報告",
    "Measurement accepted": "測定値の承認",
    "Measurement returned": "測定値の差し戻し",
    "Import finished": "取り込み完了",
    "recipient": "宛先",
    "key": "キー",
    "What makes the notice unique for its recipient, e.g. due-14:12:2025-03-31": (
        "宛先ごとに通知を一意に識別する値です（例：due-14:12:2025-03-31）。"
    ),
    "subject type": "対象の種類",
    "subject id": "対象のID",
    "link": "リンク",
    "details": "詳細",
    "sent at": "送信日時",
    "read at": "既読日時",
    "attempts": "送信試行回数",
    "last error": "直近のエラー",
    "notice": "通知",
    "notices": "通知",
    # --- opendata ------------------------------------------------------------------------------
    "Open data": "オープンデータ",
    "released on or after (date, Japan time)": "リリース日（この日以降、日本時間）",
    "OCID": "OCID",
    "release id": "リリースID",
    "release date": "リリース日時",
    "tags": "タグ",
    "release": "リリース",
    "content hash": "内容のハッシュ値",
    "SHA-256 of the release without its id, date and tags.": "ID・日付・タグを除いたリリースの SHA-256 ハッシュ値です。",
    "OCDS release": "OCDSリリース",
    "OCDS releases": "OCDSリリース",
    # --- partnerships --------------------------------------------------------------------------
    "corporate number": "法人番号",
    "You are not allowed to do this.": "この操作を行う権限がありません。",
    "%(object)s: %(error)s": "%(object)s：%(error)s",
    "Partnerships": "自治体・連携先",
    "A local government code has exactly 6 digits (e.g. 272299).": "全国地方公共団体コードは6桁の数字です（例：272299）。",
    "The check digit of %(value)s is wrong: the code should end in %(expected)s.": (
        "%(value)s の検査数字が正しくありません。末尾は %(expected)s になるはずです。"
    ),
    "A corporate number (法人番号) has exactly 13 digits (e.g. 4000020270008).": "法人番号は13桁の数字です（例：4000020270008）。",
    "The check digit of %(value)s is wrong: the number should start with %(expected)s.": (
        "%(value)s の検査用数字が正しくありません。先頭は %(expected)s になるはずです。"
    ),
    "municipality (6-digit code)": "自治体（6桁のコード）",
    "Give a 6-digit local government code, e.g. 272299.": "6桁の全国地方公共団体コードを入力してください（例：272299）。",
    "Use true or false.": "true または false を指定してください。",
    "Prefecture": "都道府県",
    "Designated city": "政令指定都市",
    "Core city": "中核市",
    "City": "市",
    "Special ward": "特別区",
    "Town": "町",
    "Village": "村",
    "Ward of a designated city": "政令指定都市の区",
    "local government code": "全国地方公共団体コード",
    "全国地方公共団体コード: 6 digits including the check digit.": "全国地方公共団体コード：検査数字を含む6桁です。",
    "prefecture code": "都道府県コード",
    "name in kana": "ふりがな",
    "prefecture": "都道府県",
    "designated city": "政令指定都市",
    "For a ward (区) of a designated city.": "政令指定都市の区の場合に、その市を指定します。",
    "population": "人口",
    "population counted on": "人口の基準日",
    "municipalities": "自治体",
    "A prefecture's code has the form PP000C (e.g. 270008).": "都道府県のコードは PP000C の形式です（例：270008）。",
    "The code %(code)s does not belong to %(prefecture)s.": "コード %(code)s は%(prefecture)sの団体のコードではありません。",
    "Give the date the population was counted.": "人口の基準日を入力してください。",
    "Company": "企業",
    "University or school": "大学・学校",
    "NPO": "NPO法人",
    "Financial institution": "金融機関",
    "Association or foundation": "社団法人・財団法人",
    "Cooperative": "協同組合",
    "Public body": "公的機関",
    "法人番号: 13 digits including the leading check digit. Leave empty if it has none.": (
        "法人番号：先頭の検査用数字を含む13桁です。法人番号がない場合は空欄にしてください。"
    ),
    "industry": "業種",
    "website": "ウェブサイト",
    "organizations": "団体",
    "departments": "担当課",
    "Viewer": "閲覧者",
    "Editor": "編集者",
    "Approver": "承認者",
    "membership": "所属",
    "memberships": "所属",
    "Choose either a municipality (officer) or an organization (partner).": (
        "自治体（職員）または団体（連携先）のどちらか一方を選択してください。"
    ),
    "Partner users can be viewers or editors, not approvers.": (
        "連携先のユーザーは閲覧者または編集者のみです（承認者にはなれません）。"
    ),
    "job title": "役職",
    "e-mail": "メールアドレス",
    "phone": "電話番号",
    "contact": "担当者",
    "A contact belongs either to a municipality or to an organization.": "担当者は自治体または団体のどちらか一方に所属します。",
    "%(file)s is neither UTF-8 nor CP932 text.": "%(file)s の文字コードが UTF-8 でも CP932（Shift_JIS）でもありません。",
    # Prefix of a CSV row number in the two "Row %(row)s" messages below: "ファイルの5行目".
    "line ": "ファイルの",
    "check digit should be %(digit)s": "検査数字は %(digit)s になるはずです",
    "not a 6-digit code": "6桁のコードではありません",
    "Row %(row)s: code %(code)s (%(name)s) is invalid: %(detail)s.": (
        "%(row)s行目：コード %(code)s（%(name)s）が正しくありません（%(detail)s）。"
    ),
    "Row %(row)s: code %(code)s has no name.": "%(row)s行目：コード %(code)s に名称がありません。",
    "Only municipal officers with the editor role can register organizations.": (
        "団体を登録できるのは、編集者の権限を持つ自治体職員のみです。"
    ),
    "Only editors of a municipality this organization has an agreement with can change it.": (
        "この団体を変更できるのは、この団体と協定を結んでいる自治体の編集者のみです。"
    ),
    # --- imports -------------------------------------------------------------------------------
    # Column guide of the import template (the "記入方法" sheet): short phrases, no final 。
    "Imports": "取り込み",
    "Leave empty to have one assigned, or e.g. 272299-2024-001": "空欄の場合は自動で付番（指定する場合は例：272299-2024-001）",
    "Title of the agreement": "協定の名称",
    "包括連携協定, 個別協定, 覚書 or その他 (or comprehensive, individual, memorandum, other)": (
        "包括連携協定、個別協定、覚書、その他のいずれか（comprehensive、individual、memorandum、other も可）"
    ),
    "Summary": "概要",
    "For an individual agreement: the comprehensive agreement's id (in the file or already in Kyoso)": (
        "個別協定の場合：基となる包括連携協定の協定ID（このファイル内または Kyoso に登録済みのもの）"
    ),
    "Cooperation fields separated by ;, e.g. 子育て;DX・行政サービス": "連携分野を ; で区切って記入（例：子育て;DX・行政サービス）",
    "Date signed, e.g. 2024-07-01 or 2024/7/1": "締結日（例：2024-07-01 または 2024/7/1）",
    "Start date": "開始日",
    "End date": "終了日",
    "はい or いいえ": "はい または いいえ",
    "Months of each automatic renewal": "自動更新1回あたりの期間（月数）",
    "下書き, 協議中, 締結中, 期間満了 or 解除 (default 下書き)": "下書き、協議中、締結中、期間満了、解除のいずれか（省略時は下書き）",
    "公募, 提案 or 協議": "公募、提案、協議のいずれか",
    "Whole yen; 0 or empty for a zero-budget project": "円単位の整数。ゼロ予算事業の場合は 0 または空欄",
    "Whole yen": "円単位の整数",
    "A department already registered in Kyoso": "Kyoso に登録済みの担当課",
    "13-digit corporate numbers of the partners, separated by ;": "連携先の13桁の法人番号（複数の場合は ; で区切る）",
    "Partner names (registered in Kyoso), separated by ;, when there is no 法人番号": (
        "法人番号がない場合の連携先の名称（Kyoso に登録済みのもの。複数の場合は ; で区切る）"
    ),
    "はい to publish at once (approvers only); default いいえ": "すぐに公開する場合は はい（承認者のみ）。省略時は いいえ",
    "Queued": "待機中",
    "Running": "処理中",
    "Succeeded": "完了",
    "Failed: nothing was imported": "失敗（取り込みは行われていません）",
    "file name": "ファイル名",
    "dry run": "確認のみ",
    "Check every row and report, import nothing.": "すべての行を確認して結果を報告します。取り込みは行いません。",
    "rows": "行数",
    "rows checked": "確認済みの行数",
    "errors": "エラー",
    "[{row, column, message}, …]": "[{row, column, message}, …]",
    "result": "結果",
    "finished at": "完了日時",
    "import": "取り込み",
    "imports": "取り込み",
    "The file is neither UTF-8 nor Shift_JIS (CP932) text. Save it as CSV UTF-8 or XLSX.": (
        "ファイルの文字コードが UTF-8 でも Shift_JIS（CP932）でもありません。"
        "「CSV UTF-8」または XLSX 形式で保存してください。"
    ),
    "The Excel file cannot be read (%(error)s).": "Excel ファイルを読み込めません（%(error)s）。",
    "Upload a .csv or .xlsx file.": ".csv または .xlsx ファイルをアップロードしてください。",
    "The CSV file is malformed (%(error)s).": "CSV ファイルの形式が正しくありません（%(error)s）。",
    "The file is empty.": "ファイルが空です。",
    "Write the date as 2024-07-01 or 2024/7/1.": "日付は 2024-07-01 または 2024/7/1 の形式で記入してください。",
    "%(text)s is not a date in the calendar.": "「%(text)s」は存在しない日付です。",
    "Write whole yen as digits, e.g. 1200000.": "金額は円単位の整数を数字で記入してください（例：1200000）。",
    "An amount in yen cannot be negative.": "金額にマイナスの値は指定できません。",
    "Write はい or いいえ.": "はい または いいえ と記入してください。",
    "%(value)s is not one of the allowed values.": "「%(value)s」は指定できる値ではありません。",
    "This column is required.": "この列は必須です。",
    "An id has the form 272299-2024-001.": "協定IDは 272299-2024-001 の形式です。",
    "The id must start with this municipality's code %(code)s.": "協定IDは、この自治体の団体コード %(code)s で始まる必要があります。",
    "The id %(id)s appears twice in the file (first on row %(row)s).": (
        "協定ID %(id)s がファイル内で重複しています（最初の出現は %(row)s 行目）。"
    ),
    "The agreement %(id)s is already in Kyoso.": "協定 %(id)s はすでに Kyoso に登録されています。",
    "Write a whole number of months, e.g. 12.": "月数を整数で記入してください（例：12）。",
    "No department %(name)s is registered for this municipality.": "この自治体には担当課「%(name)s」が登録されていません。",
    "No agreement %(id)s in Kyoso or earlier in the file.": "協定 %(id)s は Kyoso にも、ファイル内のこれより前の行にもありません。",
    "%(value)s is not a cooperation field.": "「%(value)s」は連携分野ではありません。",
    "No organization with 法人番号 %(number)s is registered; register it first.": (
        "法人番号 %(number)s の団体は登録されていません。先に団体を登録してください。"
    ),
    "No organization named %(name)s is registered; register it first.": (
        "名称が「%(name)s」の団体は登録されていません。先に団体を登録してください。"
    ),
    "Several organizations are named %(name)s; give the 法人番号.": "名称が「%(name)s」の団体が複数あります。法人番号を記入してください。",
    "Only an approver can publish; leave it いいえ.": "公開できるのは承認者のみです。いいえ のままにしてください。",
    "An agreement that is or was in force needs the date it was signed.": "締結済みの協定（締結中・期間満了など）には締結日が必要です。",
    "Only editors of the municipality can import its agreements.": "協定を取り込めるのは、その自治体の編集者のみです。",
    "The column %(column)s is missing; use the template.": "列「%(column)s」がありません。テンプレートを使用してください。",
    "Unknown column %(column)s; use the template's column names.": "不明な列「%(column)s」があります。テンプレートの列名を使用してください。",
    "The file has no rows to import.": "取り込む行がありません。",
    # outcomes, shown after "結果：" in the "Import finished" notice (no final 。)
    "%(count)s error(s); nothing was imported": "エラーが %(count)s 件あるため、取り込みは行いませんでした",
    "all %(count)s rows are valid (dry run: nothing imported)": (
        "全 %(count)s 行に誤りはありません（確認のみのため、取り込みは行っていません）"
    ),
    "%(count)s agreements imported": "%(count)s 件の協定を取り込みました",
    # --- templates -----------------------------------------------------------------------------
    "Home": "ホーム",
    "These %(name)s go back to the partner, who sees your comment and can report again:": (
        "次の%(name)sを連携先に差し戻します。連携先はコメントを確認し、再度報告できます："
    ),
    "Return with this comment": "このコメントを付けて差し戻す",
    "Cancel": "キャンセル",
    "Public–private partnerships of Japanese municipalities": "自治体の公民連携",
    "Recently published agreements": "最近公開された協定",
    "No agreement has been published yet.": "公開されている協定はまだありません。",
    "Kyoso": "Kyoso",
    "Kyoso — public–private partnerships": "Kyoso — 自治体の公民連携",
    "Language": "言語",
    "Switch": "切り替え",
    "Open data under CC BY 4.0.": "データは CC BY 4.0 のオープンデータとして提供しています。",
    "API documentation": "APIドキュメント",
    "API": "API",
    "The record has changed since you read it; fetch it again and reapply your change.": "読み込んだ後にこの記録が変更されました。もう一度読み込んでから変更し直してください。",
    "Send the ETag you read as If-Match, so that no one else's change is overwritten.": "他の人の変更を上書きしないよう、読み込んだ ETag を If-Match で送ってください。",
    "The request body is too large.": "リクエストの本文が大きすぎます。",
    "The change conflicts with another record; reload and try again.": "他の記録と競合しています。読み込み直してもう一度お試しください。",
    "Kyoso administration": "Kyoso 管理",
    "Partnerships, agreements and outcomes": "公民連携・協定・成果",
    "%(count)s error; nothing was imported": "%(count)s 件のエラーがあるため、何も取り込んでいません",
    "the %(count)s row is valid (dry run: nothing imported)": "全 %(count)s 行に問題はありません（試行のため取り込んでいません）",
    "%(count)s agreement imported": "%(count)s 件の協定を取り込みました",
    "[Kyoso] Due in %(days)s day: %(title)s": "[Kyoso] 期限まであと%(days)s日：%(title)s",
    "The deliverable “%(title)s” of agreement %(agreement)s is due on %(due_on)s (in %(days)s day).\nPlease report its progress in Kyoso.": "協定 %(agreement)s の成果物「%(title)s」の期限は %(due_on)s（あと%(days)s日）です。\nKyoso で進捗を報告してください。",
    "[Kyoso] Ends in %(days)s day: %(agreement)s": "[Kyoso] 期間満了まであと%(days)s日：%(agreement)s",
    # --- workspace (officer and partner pages) -------------------------------------------------
    "Not allowed": "権限がありません",
    "If you need this, ask an approver of your municipality or organization to give you the role.": "この操作が必要な場合は、所属する自治体または団体の承認者に権限の付与を依頼してください。",
    "Back to the workspace": "ワークスペースに戻る",
    "Activate the agreement": "協定を締結済みにする",
    "The agreement has been signed and is now in force.": "協定が締結され、効力が生じました。",
    "Activate": "締結済みにする",
    "No activity since %(since)s": "%(since)s 以降動きなし",
    "Waiting for review: %(progress)s progress reports, %(measurements)s measurements.": "確認待ち：進捗報告 %(progress)s 件、測定値 %(measurements)s 件",
    "Start negotiation": "協議を開始する",
    "Activate (signed)": "締結済みにする",
    "Terminate": "解除する",
    "Edit the agreement": "協定を編集する",
    "Delete the draft": "下書きを削除する",
    "You can read this agreement; changing it needs the editor role.": "この協定は閲覧できます。変更には編集者の権限が必要です。",
    "Publication": "公開",
    "Public since %(at)s.": "%(at)s から公開しています。",
    "Public page": "公開ページ",
    "Not public: only officers of the municipality and the parties' users see it.": "非公開です。自治体の職員と協定当事者の利用者だけが閲覧できます。",
    "Preview the page": "公開ページをプレビュー",
    "Withdraw from the public": "非公開にする",
    "Publish": "公開する",
    "Publishing needs the approver role.": "公開には承認者の権限が必要です。",
    "The agreement": "協定の内容",
    "under": "上位協定：",
    "(renews automatically every %(months)s months)": "（%(months)sか月ごとに自動更新）",
    "Municipal cost": "自治体の費用",
    "Partner's in-kind contribution": "連携先の貢献見込額",
    "Corporate number": "法人番号",
    "Signatory's title": "署名者の役職",
    "Actions": "操作",
    "Edit": "編集",
    "Delete": "削除",
    "No party yet.": "協定当事者はまだ登録されていません。",
    "Add a party": "協定当事者を追加する",
    "Initiatives and deliverables": "連携事業と成果物",
    "In-kind": "現物提供",
    "Due on": "期限",
    "late": "期限超過",
    "No deliverable yet.": "成果物はまだ登録されていません。",
    "Add a deliverable": "成果物を追加する",
    "Edit the initiative": "連携事業を編集",
    "Delete the initiative": "連携事業を削除",
    "No initiative yet.": "連携事業はまだ登録されていません。",
    "Add an initiative": "連携事業を追加する",
    "A deliverable's responsible organization is chosen among the parties: add the parties first.": "成果物の実施主体は協定当事者から選びます。先に協定当事者を追加してください。",
    "Outcome indicators (KPI)": "成果指標（KPI）",
    "KPI": "成果指標",
    "Latest value": "最新の測定値",
    "Not yet measured": "未測定",
    "Record a value": "測定値を記録",
    "No KPI yet: say how the service should measurably improve (days to service, online-application rate, satisfaction…).": "成果指標（KPI）はまだありません。サービスがどう改善するかを測れる形で定めてください（交付までの日数、オンライン申請率、満足度など）。",
    "Add a KPI": "成果指標（KPI）を追加する",
    "Log an agreement": "協定を登録する",
    "The agreement is logged as a draft of %(name)s with a new public id. You add its parties, initiatives, deliverables and KPIs on the next page; nothing is public until an approver publishes it.": "協定は%(name)sの下書きとして、新しい協定IDで登録されます。協定当事者・連携事業・成果物・成果指標（KPI）は次のページで追加します。承認者が公開するまで、何も公開されません。",
    "Save": "保存する",
    "Log the draft": "下書きとして登録する",
    "Filter the agreements": "協定の絞り込み",
    "Free text": "キーワード",
    "All": "すべて",
    "Filter": "絞り込む",
    "Clear": "条件をクリア",
    "%(total)s agreement": "%(total)s 件の協定",
    "ID": "協定ID",
    "Title": "名称",
    "Public": "公開",
    "Ends on": "終了日",
    "No agreement matches.": "条件に合う協定はありません。",
    "For which municipality?": "どの自治体の協定ですか？",
    "Dashboard": "ダッシュボード",
    "All my municipalities": "所属するすべての自治体",
    "All agreements": "協定一覧",
    "Review queue": "確認待ち一覧",
    "My deliverables (partner)": "担当の成果物（連携先）",
    "overdue deliverables": "件の期限超過の成果物",
    "due within %(days)s days": "件が%(days)s日以内に期限",
    "progress reports to review": "件の確認待ちの進捗報告",
    "measurements to review": "件の確認待ちの測定値",
    "agreements ending within %(days)s days": "件の%(days)s日以内に期間満了となる協定",
    "dormant agreements": "件の休眠中の協定",
    "Overdue deliverables": "期限を過ぎた成果物",
    "Deliverables due within %(days)s days": "%(days)s日以内に期限を迎える成果物",
    "Deliverables due soon": "まもなく期限を迎える成果物",
    "Reports waiting for review": "確認待ちの報告",
    "Submitted": "提出日時",
    "From": "報告元",
    "Progress %(progress)s%% on “%(title)s”": "「%(title)s」の進捗 %(progress)s%%",
    "%(name)s: %(value)s %(unit)s": "%(name)s：%(value)s %(unit)s",
    "See the whole review queue": "確認待ち一覧をすべて見る",
    "Nothing is waiting for review.": "確認待ちの報告はありません。",
    "Agreements ending within %(days)s days": "%(days)s日以内に期間満了となる協定",
    "Agreements ending soon": "まもなく期間満了となる協定",
    "Dormant agreements": "休眠中の協定",
    "Active agreements with no progress report, measurement or change for six months.": "6か月間、進捗報告・測定値・変更のいずれもない締結中の協定です。",
    "No activity since": "最後の動き",
    "Latest notices": "最新のお知らせ",
    "All notices": "すべてのお知らせ",
    "Import": "取り込み",
    "Import agreements": "協定の取り込み",
    "Dry run": "試行",
    "Started": "開始日時",
    "Rows checked": "確認済みの行",
    '<span id="import-done">%(done)s</span> of <span id="import-total">%(total)s</span> rows': '全 <span id="import-total">%(total)s</span> 行中 <span id="import-done">%(done)s</span> 行',
    "This page follows the job and shows the report when it is done. Without JavaScript, reload the page.": "このページは処理の進み具合を追い、終わると結果を表示します。JavaScript が無効な場合はページを再読み込みしてください。",
    "The %(rows)s row is valid. Nothing was imported yet.": "全 %(rows)s 行に問題はありません。まだ取り込んではいません。",
    "Import these rows": "これらの行を取り込む",
    "%(created)s agreement was imported.": "%(created)s 件の協定を取り込みました。",
    "See the agreements": "協定一覧を見る",
    "%(errors)s problem was found; nothing was imported. Fix the file and upload it again.": "%(errors)s 件の問題が見つかったため、何も取り込んでいません。ファイルを修正して、もう一度アップロードしてください。",
    "Problems, row by row": "行ごとの問題",
    "Row": "行",
    "Column": "列",
    "What to fix": "修正すべき点",
    "Upload a corrected file": "修正したファイルをアップロードする",
    "Bring your existing list of agreements into Kyoso: fill in the template, check it with a dry run, then import it. Every row is checked with the same rules as the forms; the rows are imported all together or not at all.": "お手元の協定一覧を Kyoso に取り込みます。テンプレートに記入し、まず試行（ドライラン）で確認してから取り込んでください。各行は入力画面と同じ規則で確認され、すべての行をまとめて取り込むか、1行も取り込まないかのどちらかです。",
    "Download the template:": "テンプレートをダウンロード：",
    "Excel (.xlsx, with instructions)": "Excel（.xlsx、記入方法つき）",
    "Fill in one agreement per row. Register the partner organizations first (by 法人番号).": "1行に1つの協定を記入します。連携先の団体は先に（法人番号で）登録してください。",
    "Upload it as a dry run and read the report.": "試行としてアップロードし、結果を確認します。",
    "When every row passes, import it for real from the report page.": "すべての行に問題がなければ、結果のページから本番の取り込みを行います。",
    "Upload and check": "アップロードして確認する",
    "Recent imports": "最近の取り込み",
    "Rows": "行数",
    "Errors": "エラー",
    "No import yet.": "取り込みはまだありません。",
    "Renews automatically": "自動更新",
    "Showing %(shown)s of %(total)s.": "全 %(total)s 件中 %(shown)s 件を表示しています。",
    "None.": "ありません。",
    "Please correct the following:": "次の点を修正してください：",
    "Some fields need correcting; see the messages next to them.": "修正が必要な項目があります。各項目のメッセージをご確認ください。",
    "Direction": "望ましい方向",
    "Reporting frequency": "報告頻度",
    "Values recorded": "記録された測定値",
    "Progress reports": "進捗報告",
    "Municipality's comment": "自治体からのコメント",
    "Download": "ダウンロード",
    "Accept": "承認する",
    "Return with the comment": "コメントを付けて差し戻す",
    "Waiting for an approver of the municipality: you can read the report but not accept or return it.": "自治体の承認者による確認を待っています。報告は閲覧できますが、承認・差し戻しはできません。",
    "A value recorded by the municipality is accepted at once; it becomes public with the agreement.": "自治体が記録した測定値はそのまま承認済みとなり、協定とともに公開されます。",
    "Record": "記録する",
    "Your account does not belong to a municipality or a partner organization yet, so there is nothing to show here.": "このアカウントはまだどの自治体・連携先団体にも所属していないため、表示する内容がありません。",
    "Ask your municipality's Kyoso administrator to add you: officers as viewer, editor or approver; partner staff as viewer or editor of their organization.": "自治体の Kyoso 管理者に登録を依頼してください。職員は閲覧者・編集者・承認者として、連携先の担当者は団体の閲覧者・編集者として登録されます。",
    "Register an organization": "団体の登録",
    "Partners are shared by every municipality: check first that the organization is not registered yet. Give its 法人番号 when it has one.": "連携先の団体はすべての自治体で共有されます。まだ登録されていないか先に確認してください。法人番号がある場合は入力してください。",
    "Register": "登録する",
    "My deliverables": "担当の成果物",
    "Officer dashboard": "職員用ダッシュボード",
    "Returned to you": "差し戻された報告",
    "Deliverables by due date": "期限順の成果物",
    "Which deliverables": "表示する成果物",
    "Still open": "未完了",
    "Report progress": "進捗を報告",
    "Your organization is responsible for no deliverable.": "あなたの団体が実施主体の成果物はありません。",
    "Nothing open: every deliverable is delivered or closed.": "未完了の成果物はありません。",
    "KPIs you report": "報告する成果指標（KPI）",
    "Report a value": "測定値を報告",
    "Your organization reports no KPI.": "あなたの団体が報告する成果指標（KPI）はありません。",
    "My agreements": "参加している協定",
    "Your organization is not a party to any agreement yet.": "あなたの団体は、まだどの協定の当事者にもなっていません。",
    "Your value is self-reported until the municipality accepts it.": "報告した値は、自治体が承認するまで自己申告の扱いです。",
    "Send the value": "測定値を送る",
    "Reporting needs the editor role at your organization.": "報告には、団体の編集者の権限が必要です。",
    "Description": "説明",
    "Accepted state": "承認済みの状態",
    "The municipality reviews your report; once accepted it becomes the deliverable's progress.": "報告は自治体が確認します。承認されると成果物の進捗に反映されます。",
    "Send the report": "報告を送る",
    "Reporting needs the editor role at your organization; you can read the reports.": "報告には団体の編集者の権限が必要です。報告の閲覧はできます。",
    "Reports so far": "これまでの報告",
    "My reports": "提出した報告",
    "What you reported and what the municipality answered. A returned report says what to fix: send a new one from the deliverable.": "提出した報告と自治体からの回答です。差し戻された報告には修正すべき点が書かれています。成果物のページから新しい報告を送ってください。",
    "No progress report yet.": "進捗報告はまだありません。",
    "Measurements": "測定値",
    "Reported": "報告日時",
    "No value reported yet.": "報告した測定値はまだありません。",
    "Find an organization": "団体を探す",
    "Find an organization (name, kana or 法人番号)": "団体を探す（名称・ふりがな・法人番号）",
    "The list below shows the organizations found.": "下の一覧に、見つかった団体を表示しています。",
    "The list below shows the partners of your municipality's agreements; search to find another registered organization.": "下の一覧には、この自治体の協定の連携先を表示しています。ほかの登録済みの団体は検索して探してください。",
    "Register a new organization": "新しい団体を登録する",
    "Measurement": "測定値",
    "The value reported": "報告された測定値",
    "%(value)s%% of the way from the baseline to the target": "基準値から目標値までの %(value)s%% に到達",
    "Sample size": "標本数",
    "Source": "出典",
    "Note": "備考",
    "Progress report": "進捗報告",
    "Now": "現在の状態",
    "met on %(date)s": "%(date)s に達成",
    "Download the evidence": "根拠資料をダウンロード",
    "Earlier reports on this deliverable": "この成果物のこれまでの報告",
    "Comment": "コメント",
    "Open a report to accept it, or to return it with a comment saying what to fix.": "報告を開いて承認するか、修正すべき点をコメントに書いて差し戻してください。",
    "Approvers accept or return these reports; you can read them.": "これらの報告の承認・差し戻しは承認者が行います。あなたは閲覧できます。",
    "Oldest first.": "古い順に表示しています。",
    "Progress report (%(total)s)": "進捗報告（%(total)s 件）",
    "Progress reports waiting for review": "確認待ちの進捗報告",
    "Reported progress": "報告された進捗",
    "No progress report is waiting.": "確認待ちの進捗報告はありません。",
    "Measurement (%(total)s)": "測定値（%(total)s 件）",
    "Measurements waiting for review": "確認待ちの測定値",
    "No measurement is waiting.": "確認待ちの測定値はありません。",
    "You do not have permission to open this page.": "このページを開く権限がありません。",
    "This page is for municipal officers.": "このページは自治体職員向けです。",
    "This page is for users of partner organizations.": "このページは連携先団体の利用者向けです。",
    "Workspaces": "ワークスペース",
    "The date the agreement was signed.": "協定を締結した日付です。",
    "This organization is already a party to the agreement.": "この団体はすでにこの協定の当事者です。",
    "Chosen among the parties to the agreement; add the party first.": "協定当事者の中から選びます。先に協定当事者を追加してください。",
    "Another indicator of this agreement already has the code %(code)s.": "この協定には、コード %(code)s の成果指標がすでにあります。",
    "This indicator already has a value for %(start)s – %(end)s; choose another period.": "この成果指標には %(start)s ～ %(end)s の測定値がすでにあります。別の期間を選んでください。",
    "Only when the deliverable is met; today if left empty.": "成果物を達成した場合のみ入力します。空欄の場合は今日の日付になります。",
    "Optional: %(extensions)s, up to %(limit)s MB.": "任意：%(extensions)s（%(limit)s MB まで）",
    "Required when you return the report: say what the partner should fix.": "差し戻すときは必須です。連携先が何を直せばよいかを書いてください。",
    "Write what the partner should fix: a comment is required to return a report.": "差し戻すにはコメントが必要です。連携先が何を直せばよいかを書いてください。",
    "The template filled in: CSV (UTF-8 or Shift_JIS) or Excel (.xlsx).": "記入したテンプレート：CSV（UTF-8 または Shift_JIS）または Excel（.xlsx）",
    "Dry run: check every row and import nothing": "試行：すべての行を確認し、取り込みは行わない",
    "Start with a dry run; once every row passes, import the file for real.": "まず試行で確認し、すべての行に問題がなければ本番の取り込みを行ってください。",
    "Only editors of a municipality can import its agreements.": "協定を取り込めるのは、その自治体の編集者のみです。",
    "Only a dry run that found no error can be imported.": "取り込めるのは、エラーのなかった試行だけです。",
    "You need the editor role at a municipality to log agreements.": "協定を登録するには、自治体の編集者の権限が必要です。",
    "Agreement %(id)s was logged as a draft. Now add its parties, initiatives and KPIs.": "協定 %(id)s を下書きとして登録しました。続けて協定当事者・連携事業・成果指標（KPI）を追加してください。",
    "The agreement was saved.": "協定を保存しました。",
    "Negotiation has started.": "協議を開始しました。",
    "The agreement is now active.": "協定を締結中にしました。",
    "The agreement was terminated.": "協定を解除しました。",
    "Terminate the agreement": "協定を解除する",
    "Terminate agreement %(id)s “%(title)s”? This cannot be undone.": "協定 %(id)s「%(title)s」を解除しますか？元に戻すことはできません。",
    "Agreement %(id)s was deleted.": "協定 %(id)s を削除しました。",
    "Delete the draft %(id)s “%(title)s” with its parties, initiatives and KPIs?": "下書き %(id)s「%(title)s」を、協定当事者・連携事業・成果指標とともに削除しますか？",
    "The agreement is now public.": "協定を公開しました。",
    "The agreement was withdrawn from the public.": "協定を非公開にしました。",
    "Your report was sent. The municipality will review it; its answer appears here.": "報告を送りました。自治体が確認し、その結果がここに表示されます。",
    "Only an editor of the reporting organization can report values.": "測定値を報告できるのは、報告担当団体の編集者のみです。",
    "Your value was sent. The municipality will review it.": "測定値を送りました。自治体が確認します。",
    "Edit the party": "協定当事者を編集する",
    "Edit the deliverable": "成果物を編集する",
    "Edit the KPI": "成果指標（KPI）を編集する",
    "Saved: %(record)s": "保存しました：%(record)s",
    "Deleted: %(record)s": "削除しました：%(record)s",
    "Its deliverables, their progress reports and its KPIs are deleted with it.": "この連携事業の成果物とその進捗報告、成果指標（KPI）も削除されます。",
    "Its measurements are deleted with it.": "この成果指標の測定値も削除されます。",
    "Its progress reports are deleted with it.": "この成果物の進捗報告も削除されます。",
    "Delete “%(record)s” from agreement %(id)s?": "協定 %(id)s から「%(record)s」を削除しますか？",
    "The value was recorded.": "測定値を記録しました。",
    "%(name)s was registered.": "%(name)s を登録しました。",
    "Only approvers of the municipality can accept or return reports.": "報告を承認・差し戻しできるのは、自治体の承認者のみです。",
    "Accepted.": "承認しました。",
    "Returned to the partner with your comment.": "コメントを付けて連携先に差し戻しました。",
    # --- portal (public pages) -----------------------------------------------------------------
    "Public portal": "公開ポータル",
    "%(total)s (%(zero)s)": "%(total)s（%(zero)s）",
    "baseline (square)": "基準値（四角）",
    "target (ring and dashed line)": "目標値（輪と破線）",
    "accepted measurement (dot on the line)": "承認された測定値（線上の点）",
    "not yet accepted (hollow dot, shown to members only)": "未承認の測定値（白抜きの点、関係者のみに表示）",
    "Any": "指定なし",
    "Newest signature first": "締結日の新しい順",
    "Oldest signature first": "締結日の古い順",
    "Ending soonest first": "終了日の近い順",
    "Ending latest first": "終了日の遠い順",
    "Recently updated first": "更新日の新しい順",
    "Least recently updated first": "更新日の古い順",
    "Public id, ascending": "協定IDの昇順",
    "Public id, descending": "協定IDの降順",
    "Title, ascending": "名称の昇順",
    "Title, descending": "名称の降順",
    "Words": "キーワード",
    "Title, summary, public id or municipality name. Every word must match.": (
        "名称・概要・協定ID・自治体名から探します。複数の語はすべてを含むものを表示します。"
    ),
    "Municipality code": "全国地方公共団体コード",
    "6-digit local government code, e.g. 272299 for 四條畷市.": "6桁のコード（例：四條畷市は 272299）。",
    "Partner's corporate number (法人番号)": "連携先の法人番号",
    "13 digits.": "13桁。",
    "Cooperation field": "連携分野",
    "Kind of agreement": "協定の種別",
    "Signed on or after": "締結日（この日以降）",
    "Signed on or before": "締結日（この日以前）",
    "Ends on or before": "終了日（この日以前）",
    "Zero-budget (no cost to the municipality)": "ゼロ予算（自治体の費用なし）",
    "Members also see their unpublished agreements.": "関係者には、非公開の自団体の協定も表示されます。",
    "Order": "並び順",
    "All prefectures": "すべての都道府県",
    "All fields": "すべての連携分野",
    "All kinds": "すべての種別",
    "Created": "作成",
    "Changed": "変更",
    "Deleted": "削除",
    "(not public)": "（非公開）",
    "(another record)": "（別の記録）",
    "Met the target": "目標を達成",
    "Improved on the baseline": "基準値から改善",
    "Unchanged": "変化なし",
    "Worsened": "悪化",
    "Not measured yet": "未測定",
    "%(better)s of %(measured)s measured outcome indicators improved on their baseline.": (
        "測定済みの成果指標 %(measured)s 件のうち %(better)s 件が基準値から改善しました。"
    ),
    "How the outcome indicators stand": "成果指標の状況",
    "Published agreements by prefecture": "都道府県別の公開協定数",
    "Agreements in %(count)s prefectures, the zero-budget ones first in each bar. Most in %(name)s: %(agreements)s.": (
        "%(count)s 都道府県の協定数。各棒の左側がゼロ予算の協定。最も多いのは%(name)s（%(agreements)s 件）。"
    ),
    "Baseline %(baseline)s %(unit)s (period to %(baseline_on)s); target %(target)s %(unit)s by %(target_on)s.": (
        "基準値 %(baseline)s %(unit)s（%(baseline_on)s まで）、目標値 %(target)s %(unit)s（%(target_on)s まで）。"
    ),
    "%(count)s accepted values; the latest is %(value)s %(unit)s (period to %(on)s).": (
        "承認された測定値は %(count)s 件。最新は %(value)s %(unit)s（%(on)s まで）。"
    ),
    "No accepted value yet.": "承認された測定値はまだありません。",
    "%(code)s %(name)s over time": "%(code)s %(name)s の推移",
    "FY%(year)s": "%(year)s年度",
    "Breadcrumbs": "パンくずリスト",
    "Not published: you see this agreement because you are a member of it. The public cannot see it.": (
        "非公開：この協定の関係者のため表示されています。一般には公開されていません。"
    ),
    "On this page": "このページの内容",
    "Overview": "概要",
    "Initiatives": "連携事業",
    "Outcome indicators": "成果指標（KPI）",
    "Documents": "関連資料",
    "History of changes": "変更履歴",
    "Under the comprehensive agreement": "基づく包括連携協定",
    "%(start)s to %(end)s": "%(start)s〜%(end)s",
    "Renews automatically for %(months)s month at a time.": "%(months)s か月ごとに自動更新されます。",
    "Cost to the municipality": "自治体の費用",
    "Partners' in-kind contribution": "連携先の現物提供額",
    "estimated": "見込み",
    "Data sharing": "データの共有",
    "Published on": "公開日",
    "Last updated": "最終更新日",
    "Amendments": "変更協定",
    "why:": "理由：",
    "Individual agreements under this one": "この協定に基づく個別協定",
    "Corporate number (法人番号)": "法人番号",
    "Signatory": "署名者の役職",
    "No partner has been recorded yet.": "連携先はまだ登録されていません。",
    "In-kind value": "現物提供額",
    "weighted by the deliverables' weights": "成果物の重みによる加重平均",
    "The resident's journey before": "これまでの住民の手続き",
    "… and with this initiative": "この連携事業による手続き",
    "Due": "期限",
    "Late": "遅延",
    "the municipality": "自治体",
    "met %(date)s": "%(date)s 達成",
    "No deliverable has been recorded yet.": "成果物はまだ登録されていません。",
    "No initiative has been recorded yet.": "連携事業はまだ登録されていません。",
    "Did the service get better? Each indicator has a baseline, a target and measured values.": (
        "住民サービスは良くなったか。各指標に基準値・目標値・測定値があります。"
    ),
    "Only values accepted by the municipality are shown.": "自治体が承認した測定値のみを表示しています。",
    "%(value)s %(unit)s by %(date)s": "%(date)s までに %(value)s %(unit)s",
    "Latest": "最新値",
    "%(share)s of the way from the baseline to the target": "基準値から目標値までの %(share)s を達成",
    "Values of %(code)s": "%(code)s の測定値",
    "Sample": "標本数",
    "Source and note": "出典・備考",
    "No outcome indicator has been set yet.": "成果指標はまだ設定されていません。",
    "download": "ダウンロード",
    "external site": "外部サイト",
    "Not public": "非公開",
    "No public document yet.": "公開されている資料はまだありません。",
    "The %(shown)s most recent of %(total)s changes.": "全 %(total)s 件の変更のうち、新しい %(shown)s 件を表示しています。",
    "This agreement as data:": "この協定のデータ：",
    "JSON (API)": "JSON（API）",
    "full history (API)": "すべての変更履歴（API）",
    "Kyoso records the agreements municipalities make with companies, universities and NPOs — above all zero-budget projects (ゼロ予算事業), which cost the municipality nothing — and whether the service to residents measurably improved.": (
        "共創（Kyoso）は、自治体が企業・大学・NPO などと結ぶ協定、とりわけ自治体の費用負担がないゼロ予算事業を記録し、"
        "住民サービスが測定できる形で良くなったかを公開します。"
    ),
    "Search agreements": "協定を検索",
    "For example a municipality, a partner or a topic: 四條畷市, 防災, オンライン申請.": (
        "自治体名・連携先・テーマなど（例：四條畷市、防災、オンライン申請）。"
    ),
    "All filters": "詳しい条件で探す",
    "The national picture": "全国の状況",
    "Published agreements": "公開中の協定",
    "Zero-budget share": "ゼロ予算の割合",
    "%(count)s zero-budget agreements": "ゼロ予算の協定 %(count)s 件",
    "estimated by the partners": "連携先による見込み額",
    "Municipalities with agreements": "協定のある自治体",
    "%(count)s partners work with several municipalities": "複数の自治体と連携している連携先 %(count)s 団体",
    "Published records only. The figures are refreshed every few minutes.": "公開中の記録のみの集計です。数分ごとに更新されます。",
    "Outcomes improved": "改善した成果",
    "Zero-budget projects are meant to make services better for residents. Each agreement sets outcome indicators (KPI, 成果指標) with a baseline and a target, and reports measured values.": (
        "ゼロ予算事業の目的は住民サービスの向上です。協定ごとに基準値と目標値のある成果指標（KPI）を定め、測定値を報告します。"
    ),
    "Agreements by prefecture": "都道府県別の協定",
    "with a municipal cost": "自治体の費用あり",
    "Each bar: published agreements (zero-budget agreements in brackets).": "各棒：公開中の協定数（括弧内はゼロ予算の協定数）。",
    "The same figures as a table": "同じ数値を表で見る",
    "By cooperation field": "連携分野別",
    "Find more agreements": "ほかの協定を探す",
    "Everything on these pages is open data under CC BY 4.0: build on it.": (
        "このサイトの情報はすべて CC BY 4.0 のオープンデータです。自由にご活用ください。"
    ),
    "Bulk files: CSV, JSON and OCDS, updated every night": "一括ダウンロード：CSV・JSON・OCDS（毎晩更新）",
    "API documentation (REST, OpenAPI 3)": "API ドキュメント（REST、OpenAPI 3）",
    "All published agreements as CSV": "公開中のすべての協定（CSV）",
    "These statistics as JSON": "この統計（JSON）",
    "Partners": "連携先",
    "Fields": "連携分野",
    "signed %(date)s": "%(date)s 締結",
    "not signed yet": "未締結",
    "ends %(date)s": "%(date)s 終了",
    "Total municipal cost": "自治体の費用の合計",
    "%(better)s of %(measured)s measured outcome indicators improved on their baseline (%(counter)s indicator in all).": (
        "測定済みの成果指標 %(measured)s 件のうち %(better)s 件が基準値から改善しました（成果指標は全 %(counter)s 件）。"
    ),
    "Each indicator is judged on its latest accepted value against its baseline and target.": (
        "各指標は、承認された最新の測定値を基準値・目標値と比べて判定しています。"
    ),
    "No outcome indicator has been published yet.": "公開されている成果指標はまだありません。",
    "Population": "人口",
    "%(count)s people (counted %(date)s)": "%(count)s 人（%(date)s 現在）",
    "Local government code": "全国地方公共団体コード",
    "Published agreements in figures": "公開中の協定の数値",
    "Outcomes": "成果",
    "Municipalities with published agreements": "公開中の協定がある市区町村",
    "%(counter)s agreement": "協定 %(counter)s 件",
    "Search and filter these agreements": "これらの協定を条件で絞り込む",
    "Industry": "業種",
    "Website": "ウェブサイト",
    "Its published agreements in figures": "公開中の協定の数値",
    "Municipalities": "自治体",
    "Deliverables met": "達成した成果物",
    "%(counter)s late": "%(counter)s 件が遅延",
    "Its partnerships": "参加している協定",
    "No published partnership yet.": "公開中の協定はまだありません。",
    "Find agreements: %(counter)s result": "協定を探す：%(counter)s 件",
    "The filters are the same as the API's, so the address of every search can be shared, bookmarked or called by a program.": (
        "検索条件は API と同じです。検索結果のアドレスは、共有・ブックマークしたり、プログラムから呼び出したりできます。"
    ),
    "The search did not run. Correct the filters marked below:": "検索できませんでした。次の条件を修正してください。",
    "More filters": "その他の条件",
    "Clear all filters": "条件をすべてクリア",
    "%(counter)s agreement found": "%(counter)s 件の協定が見つかりました",
    "These results as data:": "この検索結果のデータ：",
    "No agreement matches these filters. Remove a filter or try other words.": (
        "条件に合う協定はありません。条件を減らすか、別のキーワードをお試しください。"
    ),
    "No results": "結果なし",
    "Correct the filters above to search.": "上の条件を修正すると検索できます。",
    "Recently reported improvements": "最近報告された改善",
    "Outcome indicator": "成果指標",
    '<a href="#%(id)s">%(label)s</a>: %(errors)s': '<a href="#%(id)s">%(label)s</a>：%(errors)s',
    "As reported": "報告された状態",
}


def _set_header(entry) -> None:
    lines = entry.msgstr.split("\n")
    fields = {}
    order = []
    for line in lines:
        if ":" in line:
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
            order.append(key.strip())
    fields.update(HEADER)
    fields["PO-Revision-Date"] = datetime.now(ZoneInfo("Asia/Tokyo")).strftime("%Y-%m-%d %H:%M%z")
    fields["Last-Translator"] = "Kyoso i18n (scripts/i18n/fill_ja.py)"
    for key in HEADER:
        if key not in order:
            order.append(key)
    entry.msgstr = "".join(f"{key}: {fields[key]}\n" for key in order)
    entry.comments = ["# " + line if line else "#" for line in TERMINOLOGY.rstrip("\n").split("\n")]
    entry.set_flags([f for f in entry.flags if f != "fuzzy"])


def _unfuzzy_header(path: Path, language: str) -> None:
    """The English catalogue needs no translations; only its header is made valid (not fuzzy)."""
    entries = parse(path)
    header = entries[0]
    if header.is_header:
        header.set_flags([f for f in header.flags if f != "fuzzy"])
        header.comments = [c for c in header.comments if c.startswith("#,")] or []
        header.comments.insert(0, "# English catalogue of Kyoso: English is the source language; msgstr stays empty.")
        defaults = {
            "Project-Id-Version: PACKAGE VERSION\n": "Project-Id-Version: Kyoso\n",
            "PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE\n": "PO-Revision-Date: "
            + datetime.now(ZoneInfo("Asia/Tokyo")).strftime("%Y-%m-%d %H:%M%z")
            + "\n",
            "Last-Translator: FULL NAME <EMAIL@ADDRESS>\n": "Last-Translator: Kyoso i18n (scripts/i18n/fill_ja.py)\n",
            "Language-Team: LANGUAGE <LL@li.org>\n": "Language-Team: English\n",
            "Language: \n": f"Language: {language}\n",
        }
        for old, new in defaults.items():
            header.msgstr = header.msgstr.replace(old, new)
        dump(entries, path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="report only; change nothing")
    parser.add_argument("--force", action="store_true", help="overwrite existing translations from the table")
    args = parser.parse_args()

    entries = parse(PO)
    used, missing, bad = set(), [], []
    for entry in entries:
        if entry.obsolete:
            continue
        if entry.is_header:
            if not args.check:
                _set_header(entry)
            continue
        translation = TRANSLATIONS.get(entry.msgid)
        if translation is not None:
            used.add(entry.msgid)
        if not args.check and translation is not None:
            # fill empty entries and replace msgmerge's fuzzy guesses; keep other existing translations
            replace = args.force or "fuzzy" in entry.flags
            if entry.msgid_plural is not None:
                if replace or not any(entry.msgstr_plural.values()):
                    entry.msgstr_plural = {0: translation}
            elif replace or not entry.msgstr:
                entry.msgstr = translation
            if replace:
                entry.set_flags([f for f in entry.flags if f != "fuzzy"])
        for line in [c for c in entry.comments if c.startswith("#|")]:
            if "fuzzy" not in entry.flags:
                entry.comments.remove(line)  # previous-msgid lines only make sense on fuzzy entries
        if entry.msgid_plural is not None and len(entry.msgstr_plural) > 1:
            # nplurals=1: keep msgstr[0] only
            entry.msgstr_plural = {0: entry.msgstr_plural[0] or entry.msgstr_plural.get(1, "")}
        issues = problems(entry)
        if "empty" in issues:
            missing.append(entry.msgid)
        elif issues:
            bad.append((entry.msgid, issues))

    if not args.check:
        dump(entries, PO)
        if EN_PO.exists():
            _unfuzzy_header(EN_PO, "en")

    total = sum(1 for e in entries if not e.obsolete and not e.is_header)
    print(f"{PO.relative_to(ROOT)}: {total} entries, {total - len(missing) - len(bad)} translated and clean")
    for msgid in missing:
        print(f"  untranslated: {msgid!r}")
    for msgid, issues in bad:
        print(f"  problem: {msgid!r}: {', '.join(issues)}")
    unused = sorted(set(TRANSLATIONS) - used)
    for msgid in unused:
        print(f"  (table entry no longer in the catalogue: {msgid!r})")
    return 1 if missing or bad else 0


if __name__ == "__main__":
    sys.exit(main())
