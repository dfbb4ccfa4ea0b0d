# Builds the fixture files in /tmp/realdata from transcriptions of stored copies
# of the published lists (see SOURCES.md). Cell texts are copied verbatim from
# the stored copies; nothing is completed or corrected.
import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment

OUT = Path("/tmp/realdata")


def write_csv(name, rows):
    """Write like Excel 'CSV' on Japanese Windows: CP932 + CRLF.
    In-cell line breaks are LF inside a quoted field (as Excel writes Alt+Enter).
    Falls back to UTF-8 with BOM if a character is not in CP932."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    for r in rows:
        w.writerow(r)
    text = buf.getvalue()
    try:
        data = text.encode("cp932")
        enc = "cp932"
    except UnicodeEncodeError:
        bad = sorted({ch for ch in text if not _cp932_ok(ch)})
        data = text.encode("utf-8-sig")
        enc = "utf-8-sig (not CP932-encodable: %s)" % " ".join("%s U+%04X" % (c, ord(c)) for c in bad)
    (OUT / name).write_bytes(data)
    return enc


def _cp932_ok(ch):
    try:
        ch.encode("cp932")
        return True
    except UnicodeEncodeError:
        return False


WRAP = Alignment(wrap_text=True, vertical="top")

# ---------------------------------------------------------------------------
# 1. 丹波篠山市 (旧 篠山市) 282219 -- 災害応援協定(自治体間)の締結状況
#    http://sasayama.jp/pc/group/bousai/post-2.html
# ---------------------------------------------------------------------------
sasayama_title = "篠山市の防災協定(平成2658日現在)"
sasayama_header = ["", "協定名", "協定市町", "協定日", "備考"]
sasayama_rows = [
    ["1", "災害応急対策活動の相互応援に関する協定", "丹波市", "平成18年4月1日", "H9/8/1、旧10町で協定"],
    ["2", "災害応急対策活動の相互応援に関する協定", "猪名川町", "平成14年2月1日", "S50/8/18、旧篠山町、猪名川町で協定"],
    ["3", "災害応急対策活動の相互応援に関する協定", "三田市", "平成13年4月12日", ""],
    ["4", "兵庫県及び市町相互間の災害時応援協定", "県内全市町(29市12町間での協定)", "平成18年11月1日", ""],
    [
        "5",
        "災害応急対策活動の相互応援に関する協定(義士協定)",
        "北海道砂川市、岩手県一関市、茨城県笠間市、茨城県桜川市、栃木県大田原市、群馬県藤岡市、東京都千代田区、東京都港区、東京都新宿区、東京都墨田区、新潟県新発田市、長野県諏訪市、愛知県西尾市、滋賀県大津市、滋賀県野洲市、兵庫県相生市、兵庫県豊岡市、兵庫県加西市、兵庫県加東市、広島県三次市、熊本県山鹿市、兵庫県赤穂市(23市町間での協定)",
        "平成8年4月1日",
        "赤穂義士に関係する市区町による協定",
    ],
    [
        "6",
        "兵庫5カ国交流会議構成市町災害時相互応援に関する協定",
        "猪名川町、播磨町、香美町、淡路市(5市町間での協定)",
        "平成17年6月1日",
        "",
    ],
    [
        "7",
        "災害応急対策活動の相互応援に関する協定",
        "千葉県館山市",
        "平成23年11月25日",
        "デカンショ節を通じた交流の歴史があることから",
    ],
    [
        "8",
        "災害時における相互応援に関する協定",
        "秋田県大館市",
        "平成23年12月21日",
        "両市に「鳳鳴高校」が存在することから",
    ],
]
sasayama_dates = {  # 協定日 (平成 N 年 = 1988 + N)
    "平成18年4月1日": dt.datetime(2006, 4, 1),
    "平成14年2月1日": dt.datetime(2002, 2, 1),
    "平成13年4月12日": dt.datetime(2001, 4, 12),
    "平成18年11月1日": dt.datetime(2006, 11, 1),
    "平成8年4月1日": dt.datetime(1996, 4, 1),
    "平成17年6月1日": dt.datetime(2005, 6, 1),
    "平成23年11月25日": dt.datetime(2011, 11, 25),
    "平成23年12月21日": dt.datetime(2011, 12, 21),
}

# ---------------------------------------------------------------------------
# 2. 札幌市 011002 -- rows for 札幌市 in the HARP (北海道) open-data table
#    "(3)その他市町村が結んでいる災害時応援協定"
#    https://www.harp.lg.jp/opendata/dataset/619/resource/982/content.html?page=3
# ---------------------------------------------------------------------------
K = ["職員派遣", "物資供給", "物資運搬・輸送", "医療救護", "災害広報", "避難収容", "ライフライン復旧", "その他"]
sapporo_title = ["(3)その他市町村が結んでいる災害時応援協定"] + [""] * 11
sapporo_head1 = ["市町村名", "№", "協定の名称", "協定相手方\n(都道府県名)", "協 定 区 分"] + [""] * 7
sapporo_head2 = ["", "", "", ""] + K
E7 = [""] * 7
sapporo_rows = [
    ["札幌市", "1", "大都市災害時相互応援に関する協定", "東京都、政令指定都市", "○", "○", "", "", "", "", "", ""],
    ["", "2", "全国中央卸売市場協会災害時相互応援に関する協定", "都府県市"]
    + E7
    + ["緊急・応急的措置として、生鮮食料品の確保を図る"],
    ["", "3", "大規模な災害発生時における支援協定", "㈳北海道警備業協会\n(北海道札幌市)"]
    + E7
    + ["市内の緊急輸送路の交通誘導、避難場所の警備等"],
    ["", "4", "避難場所広告付看板に関する協定", "NTT北海道電話帳㈱\n(北海道札幌市)", "", "", "", "", "○", "", "", ""],
    [
        "",
        "5",
        "札幌市防災行政無線局の設置に関する協定",
        "札幌管区気象台、東日本電信電話㈱北海道支店、北海道ガス㈱、北海道電力㈱、生活協同組合コープさっぽろ、(一社)札幌地区トラック協会\n(北海道札幌市)",
    ]
    + E7
    + ["災害対策に関する情報連絡"],
    [
        "",
        "6",
        "札幌市防災行政無線局の設置に関する協定",
        "(一社)札幌市医師会、(一社)札幌歯科医師会、NTT東日本札幌病院、北海道大学病院、札幌医科大学医学部付属病院、札幌逓信病院、札幌厚生病院、札幌東徳洲会病院、勤医協中央病院、北海道社会保険病院、札幌社会保険総合病院、北海道がんセンター、北海道医療センター、手稲渓仁会病院\n(北海道札幌市)",
    ]
    + E7
    + ["災害対策に関する情報連絡"],
    ["", "7", "無線設備設置に係る覚書", "札幌市教育委員会生涯学習部"] + E7 + ["災害対策に関する情報連絡"],
]

# ---------------------------------------------------------------------------
# 3. むかわ町 015865 -- 包括連携協定 (prose page; header row is ours)
#    http://www.town.mukawa.lg.jp/item/10150.htm
# ---------------------------------------------------------------------------
mukawa_header = ["締結先", "締結日", "本文"]
mukawa_rows = [
    ["令和6年度", "", ""],
    [
        "プレス工業株式会社(神奈川県)",
        "令和6年8月22日付け",
        "むかわ町とプレス工業株式会社は、令和6年8月22日付けで双方の資源を有効に活用し協働することで地域の課題に適切に対応し、持続可能な社会の実現に寄与することを目的として、包括連携協定を締結しました。",
    ],
    [
        "株式会社日立製作所北海道支社(札幌市)",
        "令和6年12月25日付け",
        "むかわ町と株式会社日立製作所北海道支社は、令和6年12月25日付けで震災からの創造的復興・創生を柱に、地域活性化や社会的課題等の解決に向けて、相互に知的・人的・物的資源を利活用し、持続可能な社会の実現を目指すことを目的として、包括連携協定を締結しました。",
    ],
    [
        "大和リース株式会社(大阪府)及び青山社中株式会社(東京都)",
        "令和7年1月8日付け",
        "むかわ町と大和リース株式会社及び青山社中株式会社は、令和7年1月8日付けで震災からの創造的復興に向けた災害に強いまちづくりを推進するため、相互に知的・人的・物的資源を利活用し、三者の協働・共感・共創による相互連携を推進し、未来へつながる持続可能な社会の実現を目指すことを目的として、包括連携協定を締結しました。",
    ],
]

# ---------------------------------------------------------------------------
# 4. 豊橋市 232017 -- 大学との連携・協力に関する協定(包括協定) (no header row)
#    https://www.city.toyohashi.lg.jp/25391.htm (stored as www-city-toyohashi-lg-jp.cache.yimg.jp/25391.htm)
# ---------------------------------------------------------------------------
toyohashi_rows = [
    ["平成17年3月30日", "豊橋技術科学大学との包括協定締結(4月1日発効)"],
    ["平成17年7月11日", "愛知大学との包括協定締結(同日発効)"],
    ["平成18年 2月 8日", "豊橋創造大学との包括協定締結(同日発効)"],
    ["平成30年9月26日 ", "豊橋商工会議所・豊橋市内高等教育機関※との包括連携・協力\nに関する協定締結(同日発効)"],
]

# ---------------------------------------------------------------------------
# 5. 菊川市 222241 -- 包括連携協定 (prose page; header row is ours)
#    https://www.city.kikugawa.shizuoka.jp/kikakuseisaku/houkaturennkei.html
# ---------------------------------------------------------------------------
kik_a = "人口減少対策等の地方創生の推進に関し、産業振興、就業・創業支援、移住・定住促進等の分野において、市内に支店を有する金融機関4社((株)静岡銀行、(株)清水銀行、掛川信用金庫、島田信用金庫)と協定を締結しました(平成28年5月19日)。"
kik_b = "若い世代の発想力や行動力を活かし、活力あふれる地域社会の創出に努め、誰もが幸せに暮らせるまちづくりを進めるため、静岡県立小笠高等学校(平成28年2月5日)と常葉大学附属菊川高等学校(平成28年3月22日)の2校と連携協定を締結しました。"
kik_c = "それぞれが有する人的・物的資源を有効に活用して、地域における様々な課題に迅速かつ適切に対応し、地域住民のサービス向上及び地域の活性化を図ることを目的に、日本郵便株式会社と包括連携協定を締結しました(令和6年4月22日)。"
kikugawa_header = ["締結先", "締結日", "本文"]
kikugawa_rows = [
    ["金融機関4社((株)静岡銀行、(株)清水銀行、掛川信用金庫、島田信用金庫)", "平成28年5月19日", kik_a],
    ["静岡県立小笠高等学校", "平成28年2月5日", kik_b],
    ["常葉大学附属菊川高等学校", "平成28年3月22日", kik_b],
    ["日本郵便株式会社", "令和6年4月22日", kik_c],
]
kikugawa_dates = [dt.datetime(2016, 5, 19), dt.datetime(2016, 2, 5), dt.datetime(2016, 3, 22), dt.datetime(2024, 4, 22)]

# ---------------------------------------------------------------------------
# 6. 館林市 102075 -- 災害時応援協定 (compiled by tatebayashi.info with the city's
#    安全安心課; header row is ours, cells verbatim)
#    https://tatebayashi.info/agreement-on-disaster , .../agreement-on-disaster-2
# ---------------------------------------------------------------------------
tatebayashi_header = ["協定名", "相手方(締結日)", "内容"]
tatebayashi_rows = [
    ["館林市が災害時応援協定を結んでいる自治体", "", ""],
    [
        "東北自動車道内の館林・佐野藤岡インターチェンジ間における消防相互応援に関する協定",
        "栃木県佐野市 (昭和47年11月13日)",
        "",
    ],
    [
        "消防相互応援協定",
        "群馬県前橋市、高崎市、桐生市、伊勢崎市、太田市、沼田市、渋川市、富岡市、藤岡市、吾妻町(現東吾妻町) (昭和49年12月24日)",
        "",
    ],
    ["館林市が災害応援協定を結んでいる民間団体・事業者", "", ""],
    [
        "災害救助に必要な物資の調達に関する協定",
        "館林市農業協同組合、㈱とりせん (平成7年6月16日)",
        "○食料品、衣類、日用品などの物資",
    ],
    [
        "災害時における相互協力に関する協定",
        "館林市内郵便局 (平成9年6月24日)",
        "○施設、用地の提供○被災市民の避難先及び被災状況情報の相互提供○避難所への臨時の郵便差出箱を設置",
    ],
    [
        "災害時における水道施設の応急復旧の協力に関する協定",
        "館林管工設備協同組合 (平成9年8月26日)",
        "○水道施設等の応急復旧",
    ],
    [
        "地震等災害における消火活動業務に関する協定",
        "群馬県東毛生コンクリート事業協同組合 (平成10年4月1日)",
        "○水の供給",
    ],
    [
        "災害時における民間建物の利用に関する協定",
        "東毛リゾート開発(株)、館林市農業協同組合 (平成14年4月30日)",
        "○洪水時避難場所として建物の使用",
    ],
    [
        "災害時における避難者等の食糧の応援協力に関する協定",
        "城沼漁業協同組合、日向漁業協同組合、近藤沼漁業協同組合、城沼観光(株) (平成14年8月8日)",
        "○洪水時に船舶利用及び人的援助",
    ],
]

# ---------------------------------------------------------------------------
# 7. 長井市 062090 -- one agreement page (header row is ours except column 3,
#    which is the page's own label)
#    https://www.city.nagai.yamagata.jp/renkeikyoutei/5233.html
# ---------------------------------------------------------------------------
nagai_header = ["協定名", "締結日", "長井市と連携協定を締結した機関", "お問い合わせ先"]
nagai_rows = [
    [
        "地方創生の連携に関する協定",
        "平成29年11月8日",
        "株式会社山形銀行、株式会社荘内銀行、株式会社きらやか銀行、米沢信用金庫、山形中央信用組合、日本政策金融公庫山形支店、日本政策金融公庫米沢支店、長井商工会議所、東北財務局山形財務事務所(アドバイザー)",
        "総合政策課 総合戦略室",
    ],
]

# ---------------------------------------------------------------------------
# Extra (not a municipality's list): Lawson's own list of municipalities it has
# 包括協定 with. http://www.lawson.co.jp/company/activity/stakeholder/community/
# Category columns (観光・PR …) dropped: their marks were not in the stored text.
# ---------------------------------------------------------------------------
lawson_title = ["● 包括協定締結先(2017年5月1日現在)52自治体(45道府県、7市)", ""]
LH = ["自治体名", "契約締結日"]
lawson_rows = [
    LH,
    ["北海道", "2008.02.21"],
    ["青森県", "2008.12.15"],
    ["岩手県", "2008.06.23"],
    ["宮城県", "2009.07.27"],
    ["秋田県", "2009.10.26"],
    ["山形県", "2010.11.08 (2008.05.30)"],
    ["福島県", "2010.05.10"],
    ["札幌市", "2010.03.18"],
    ["旭川市", "2014.03.11"],
    LH,
    ["茨城県", "2013.11.08"],
    ["栃木県", "2011.04.26"],
    ["群馬県", "2012.09.13"],
    ["埼玉県", "2008.06.30"],
    ["千葉県", "2010.05.12"],
    ["新潟県", "2009.09.09"],
    ["山梨県", "2008.06.24"],
    ["長野県", "2007.09.19"],
    ["横浜市", "2009.05.21"],
    LH,
    ["富山県", "2006.08.09"],
    ["石川県", "2008.11.27"],
    ["福井県", "2007.03.07"],
    ["岐阜県", "2009.03.31"],
    ["静岡県", "2008.09.22"],
    ["愛知県", "2009.10.05"],
    ["三重県", "2006.04.24"],
    LH,
    ["滋賀県", "2015.03.26"],
    ["京都府", "2014.01.23"],
]


def main():
    report = {}
    report["282219_tambasasayama.csv"] = write_csv(
        "282219_tambasasayama.csv", [[sasayama_title, "", "", "", ""], sasayama_header] + sasayama_rows
    )
    report["011002_sapporo.csv"] = write_csv(
        "011002_sapporo.csv", [sapporo_title, sapporo_head1, sapporo_head2] + sapporo_rows
    )
    report["015865_mukawa.csv"] = write_csv("015865_mukawa.csv", [mukawa_header] + mukawa_rows)
    report["232017_toyohashi.csv"] = write_csv("232017_toyohashi.csv", toyohashi_rows)
    report["222241_kikugawa.csv"] = write_csv("222241_kikugawa.csv", [kikugawa_header] + kikugawa_rows)
    report["102075_tatebayashi.csv"] = write_csv("102075_tatebayashi.csv", [tatebayashi_header] + tatebayashi_rows)
    report["062090_nagai.csv"] = write_csv("062090_nagai.csv", [nagai_header] + nagai_rows)
    report["extra_lawson_partner_side.csv"] = write_csv("extra_lawson_partner_side.csv", [lawson_title] + lawson_rows)

    # --- XLSX 1: 丹波篠山市, real date cells with gannen era format ---------
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "防災協定"
    ws.append([sasayama_title])
    ws.append(sasayama_header)
    for r in sasayama_rows:
        ws.append([int(r[0]), r[1], r[2], sasayama_dates[r[3]], r[4] or None])
    for row in ws.iter_rows(min_row=3, min_col=4, max_col=4):
        for c in row:
            c.number_format = '[$-ja-JP-x-gannen]ggge"年"m"月"d"日";@'
    for row in ws.iter_rows(min_row=3):
        for c in row:
            c.alignment = WRAP
    ws.column_dimensions["B"].width = 44
    ws.column_dimensions["C"].width = 50
    ws.column_dimensions["D"].width = 18
    ws.column_dimensions["E"].width = 40
    wb.save(OUT / "282219_tambasasayama.xlsx")

    # --- XLSX 2: 豊橋市, text dates, no header row ---------------------------
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for r in toyohashi_rows:
        ws.append(r)
    for row in ws.iter_rows():
        for c in row:
            c.data_type = "s"
            c.alignment = WRAP
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 60
    wb.save(OUT / "232017_toyohashi.xlsx")

    # --- XLSX 3: 札幌市, two-row header with merged cells ---------------------
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "災害時応援協定"
    for r in [sapporo_title, sapporo_head1, sapporo_head2]:
        ws.append([v if v != "" else None for v in r])
    for r in sapporo_rows:  # № as a number, as it would be in the source workbook
        ws.append([int(v) if i == 1 else (v if v != "" else None) for i, v in enumerate(r)])
    ws.merge_cells("A1:L1")
    for col in "ABCD":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("E2:L2")
    ws.merge_cells("A4:A10")  # 市町村名 cell spans all of 札幌市's rows
    for row in ws.iter_rows():
        for c in row:
            c.alignment = WRAP
    ws.column_dimensions["C"].width = 40
    ws.column_dimensions["D"].width = 60
    ws.column_dimensions["L"].width = 36
    wb.save(OUT / "011002_sapporo.xlsx")

    # --- XLSX 4: 菊川市, real date cells with [$-411] era format --------------
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "包括連携協定"
    ws.append(kikugawa_header)
    for r, d in zip(kikugawa_rows, kikugawa_dates):
        ws.append([r[0], d, r[2]])
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=2):
        for c in row:
            c.number_format = '[$-411]ggge"年"m"月"d"日"'
    for row in ws.iter_rows():
        for c in row:
            c.alignment = WRAP
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["C"].width = 80
    wb.save(OUT / "222241_kikugawa.xlsx")

    for k, v in report.items():
        print(k, v)


if __name__ == "__main__":
    main()
