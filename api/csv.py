"""`?format=csv` and `?format=xlsx` on list endpoints: the open-data tables (agreements.tables,
partnerships.tables) written by the one writer of core.tables, streamed.

The rows are read with a server-side cursor (or PostgreSQL's COPY) and written as they come, so memory
stays flat whatever the row count. `&bom=1` adds a byte-order mark so that Excel opens the UTF-8 file
correctly. A text cell that would start a formula is written behind an apostrophe (core.tables.csv_safe).
"""

import csv

from django.http import FileResponse, StreamingHttpResponse
from rest_framework.renderers import BaseRenderer

from agreements.tables import TABLES
from core.tables import csv_safe, write_csv, write_xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def csv_response(table_name: str, queryset, *, bom: bool) -> StreamingHttpResponse:
    table = TABLES[table_name]
    response = StreamingHttpResponse(write_csv(table, queryset, bom=bom), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table.name}.csv"'
    return response


def xlsx_response(table_name: str, queryset) -> FileResponse:
    table = TABLES[table_name]
    return FileResponse(
        write_xlsx(table, queryset), as_attachment=True, filename=f"{table.name}.xlsx", content_type=XLSX_TYPE
    )


class CsvListMixin:
    """For list viewsets: `?format=csv` (and `&bom=1`) streams the filtered list as an open-data CSV,
    `?format=xlsx` answers it as a workbook."""

    csv_dataset: str

    def get_renderers(self):
        return [*super().get_renderers(), CsvRenderer(), XlsxRenderer()]

    def list(self, request, *args, **kwargs):
        format = getattr(request.accepted_renderer, "format", None)
        if format in ("csv", "xlsx"):
            queryset = self.filter_queryset(self.get_queryset())
            if format == "xlsx":
                return xlsx_response(self.csv_dataset, queryset)
            return csv_response(self.csv_dataset, queryset, bom=request.query_params.get("bom") in ("1", "true"))
        return super().list(request, *args, **kwargs)
