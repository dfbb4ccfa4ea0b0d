"""`?format=csv` and `?format=xlsx` on list endpoints: the open-data tables (agreements.tables,
partnerships.tables) written by the one writer of core.tables, streamed.

The rows are read with a server-side cursor (or PostgreSQL's COPY) and written as they come, so memory
stays flat whatever the row count. `&bom=1` adds a byte-order mark so that Excel opens the UTF-8 file
correctly. A text cell that would start a formula is written behind an apostrophe (core.tables.csv_safe).

`&encoding=cp932` writes the same CSV in CP932 (Windows-31J) for Excel on Japanese Windows: characters
CP932 lacks are replaced by the rule of core.cp932 and counted in the ``Kyoso-Replaced-Characters``
header (``Kyoso-Missing-Characters``: those written as 〓). Since the count must precede the body, the
file is written first into a temporary file that spills to disk past 1 MB, then sent.
"""

import csv

from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer

from agreements.tables import TABLES
from core.cp932 import spool_cp932
from core.tables import csv_safe, write_csv, write_xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ENCODINGS = ("utf-8", "cp932")
# IANA's name of CP932 (Shift_JIS with Microsoft's extensions: ①, ㈱, 髙, 﨑 …); Python, browsers and
# curl all read it as CP932, where "Shift_JIS" would make a strict decoder fail on those characters.
CP932_TYPE = "text/csv; charset=Windows-31J"
REPLACED_HEADER = "Kyoso-Replaced-Characters"
MISSING_HEADER = "Kyoso-Missing-Characters"


class _Line:
    """A file-like object whose write() returns the line, for csv.writer."""

    def write(self, value):
        return value


class CsvRenderer(BaseRenderer):
    """Declares text/csv for content negotiation; list views stream the body themselves. Errors (a
    dict) are rendered as two columns, field and message."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        writer = csv.writer(_Line())
        error = (data or {}).get("error", {}) if isinstance(data, dict) else {}
        lines = [writer.writerow(["field", "message"])]
        for field, messages in (error.get("fields") or {"": [error.get("message", "")]}).items():
            for message in messages if isinstance(messages, list) else [messages]:
                lines.append(writer.writerow([csv_safe(str(field)), csv_safe(str(message))]))
        return "".join(lines).encode()


class XlsxRenderer(CsvRenderer):
    """Declares the XLSX type; list views write the workbook themselves. Errors are answered as CSV."""

    media_type = XLSX_TYPE
    format = "xlsx"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "text/csv; charset=utf-8"
        return super().render(data, accepted_media_type, renderer_context)


def csv_response(table_name: str, queryset, *, bom: bool, encoding: str = "utf-8") -> StreamingHttpResponse:
    """The table's CSV: streamed in UTF-8 (a BOM with ``bom``), or in CP932 with the count of replaced
    characters in its headers (no BOM: CP932 has none)."""
    table = TABLES[table_name]
    if encoding == "cp932":
        body, encoder = spool_cp932(write_csv(table, queryset))
        response = FileResponse(body, as_attachment=True, filename=f"{table.name}.csv", content_type=CP932_TYPE)
        response[REPLACED_HEADER] = str(encoder.replaced)
        response[MISSING_HEADER] = str(encoder.missing)
        return response
    response = StreamingHttpResponse(write_csv(table, queryset, bom=bom), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table.name}.csv"'
    return response


def requested_encoding(request) -> str:
    """``encoding`` of the query: utf-8 (the default) or cp932, for ``format=csv`` only; anything else is
    answered with 400 naming the parameter, never ignored."""
    value = request.query_params.get("encoding")
    if value is None:
        return "utf-8"
    encoding = value.strip().lower()
    if encoding not in ENCODINGS:
        message = _("%(value)s is not an encoding of the CSV files: use utf-8 or cp932.") % {"value": value}
        raise ValidationError({"encoding": [message]})
    if encoding != "utf-8" and getattr(request.accepted_renderer, "format", None) != "csv":
        raise ValidationError({"encoding": [_("encoding=cp932 is for format=csv only.")]})
    return encoding


def xlsx_response(table_name: str, queryset) -> FileResponse:
    table = TABLES[table_name]
    return FileResponse(
        write_xlsx(table, queryset), as_attachment=True, filename=f"{table.name}.xlsx", content_type=XLSX_TYPE
    )


class CsvListMixin:
    """For list viewsets: `?format=csv` (and `&bom=1`, or `&encoding=cp932`) streams the filtered list as
    an open-data CSV, `?format=xlsx` answers it as a workbook."""

    csv_dataset: str

    def get_renderers(self):
        return [*super().get_renderers(), CsvRenderer(), XlsxRenderer()]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # checked for every action and format (the agreement list's JSON does not pass through list())
        request.csv_encoding = requested_encoding(request)

    def list(self, request, *args, **kwargs):
        format = getattr(request.accepted_renderer, "format", None)
        if format in ("csv", "xlsx"):
            queryset = self.filter_queryset(self.get_queryset())
            if format == "xlsx":
                return xlsx_response(self.csv_dataset, queryset)
            return csv_response(
                self.csv_dataset,
                queryset,
                bom=request.query_params.get("bom") in ("1", "true"),
                encoding=request.csv_encoding,
            )
        return super().list(request, *args, **kwargs)
