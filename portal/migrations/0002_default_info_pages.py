"""A first version of the operator's pages, to be completed by the operator (admin → operator's pages)."""

from django.db import migrations

CONTACT = """このサイト（Kyoso）の運営者へのお問い合わせは、次の窓口で受け付けています。

【運営者】（運営者の名称をここに書いてください）
【窓口】（担当部署・メールアドレス・電話番号・受付時間をここに書いてください）

個々の協定の内容についてのお問い合わせは、協定のページに記載された自治体の担当課にお寄せください。
オープンデータの誤りのご指摘も、こちらで受け付けます（協定ID を添えてください）。"""

CONTACT_EN = """To contact the operator of this site (Kyoso), use the contact point below.

Operator: (write the operator's name here)
Contact: (write the department, e-mail address, telephone number and hours here)

For questions about an agreement, contact the municipal department named on the agreement's page.
Errors in the open data can be reported here too (please give the agreement's id)."""

PRIVACY = """Kyoso は、自治体と連携先が協定とその成果を記録し、住民に公開するためのサービスです。個人情報は、
次の目的と範囲でだけ扱います。

1. 利用者のアカウント：ユーザー名・氏名・メールアドレス・所属（自治体または連携先）・表示言語・お知らせの受け取り方。ログインと、お知らせのメール送信に使います。
2. 協定の担当者（連絡先）：氏名・部署・電話番号・メールアドレス。協定の関係者（その自治体の職員と連携先の担当者）だけが画面で見られます。公開ページ・API の公開部分・オープンデータ・OCDS・ログには一切出しません。
3. ログインの記録：ログインの失敗回数と日時、接続元の IP アドレス。不正なログインを防ぐために使い、一定期間の後に削除します。
4. 変更の履歴：誰がいつ何を変えたか。関係者だけが見られ、公開の履歴には名前を出しません。
5. 手続の記録（成果の計算に使う場合）：個人を特定できる項目（氏名・住所・生年月日・個人番号など）は取り込まず、案件の番号も元の値を保存しません。

個人情報を第三者に提供することはありません（法令に基づく場合を除きます）。ご自身の情報の確認・訂正・削除は、「お問い合わせ」の窓口へご連絡ください。"""

PRIVACY_EN = """Kyoso is a service where municipalities and their partners record partnership agreements and their
results, and publish them to residents. It handles personal data only as follows.

1. Accounts: username, name, e-mail address, affiliation (municipality or partner), language, how notices are mailed. Used to log in and to mail notices.
2. Contacts of an agreement: name, department, telephone, e-mail. Seen only by the agreement's members (the municipality's officers and the partners' staff); never on public pages, in the public API, the open data, OCDS or logs.
3. Login records: failed attempts with their time and address, to stop break-ins; deleted after a while.
4. Change history: who changed what and when; shown to members only, never named in the public history.
5. Case records (for outcome figures): nothing that identifies a person is imported, and case numbers are not kept as given.

Personal data is not given to third parties, except where the law requires it. To see, correct or delete your data, write to the contact point."""

ACCESSIBILITY = """Kyoso は、JIS X 8341-3:2016 の適合レベル AA に準拠することを目標としています（対応度：一部準拠）。

【試験の方法】公開ページと業務画面のすべての画面を、変更のたびに自動試験で確認しています。
・axe-core による自動チェック（違反 0 件を合格とします）
・Chromium で幅 1280 px と 390 px（スマートフォン）の表示を確認
・JavaScript を使わなくてもすべての操作ができること
・入力の誤りは画面の上部にまとめて表示し、各項目から入力欄へ移動できること

【既知の課題】グラフの一部は、表でも同じ内容を提供しています。お気づきの点は「お問い合わせ」の窓口へお知らせください。

（試験の結果と日付は、運営者がここに追記してください。）"""

ACCESSIBILITY_EN = """Kyoso aims to conform to JIS X 8341-3:2016 level AA (status: partially conforming).

How it is tested: every public and workspace page is checked automatically at each change — axe-core
(0 violations to pass); Chromium at 1280 px and 390 px (phones); every action works without JavaScript;
form errors are listed at the top of the page, each linked to its field.

Known issues: some charts are also given as tables. Please tell the contact point about anything that
gets in your way.

(The operator adds the test results and their date here.)"""

PAGES = [
    ("contact", "お問い合わせ", "Contact", CONTACT, CONTACT_EN),
    ("privacy", "個人情報の取扱い", "Privacy policy", PRIVACY, PRIVACY_EN),
    ("accessibility", "ウェブアクセシビリティ方針", "Accessibility statement", ACCESSIBILITY, ACCESSIBILITY_EN),
]


def create(apps, schema_editor):
    InfoPage = apps.get_model("portal", "InfoPage")
    for slug, title, title_en, body, body_en in PAGES:
        InfoPage.objects.get_or_create(
            slug=slug, defaults={"title": title, "title_en": title_en, "body": body, "body_en": body_en}
        )


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_info_pages")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
