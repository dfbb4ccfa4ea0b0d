"""The downloadable template, in Japanese: CSV (UTF-8 with BOM, for Excel) or XLSX with an example sheet."""

import csv
import io

from django.utils import translation

from .columns import COLUMNS, HEADERS


def template_csv() -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(HEADERS)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "協定一覧"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, (header, _required, _help, _example) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(12, len(header) * 2 + 4)
    guide = book.create_sheet("記入方法")
    guide.append(["列", "必須", "説明", "記入例"])
    with translation.override("ja"):
        for header, required, help_text, example in COLUMNS:
            guide.append([header, "必須" if required else "", str(help_text), example])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    guide.column_dimensions["C"].width = 80
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
