"""`?format=csv` on list endpoints: the open-data tables of agreements.exports, streamed.

The rows are read with a server-side cursor and written as they come, so memory stays flat
whatever the row count. `&bom=1` adds a byte-order mark so that Excel opens the UTF-8 file correctly.
A text cell that would start a formula is written behind an apostrophe (agreements.exports.csv_safe).
"""

import csv

from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer

from agreements.exports import DATASETS, csv_safe

ROWS_PER_CHUNK = 500


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


def stream_csv(dataset, queryset, *, bom: bool):
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield ("\ufeff" if bom else "") + writer.writerow(dataset.headers)
    chunk = []
    for row in dataset.rows(queryset):
        chunk.append(writer.writerow(row))
        if len(chunk) >= ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def csv_response(dataset_name: str, queryset, *, bom: bool) -> StreamingHttpResponse:
    dataset = DATASETS[dataset_name]
    response = StreamingHttpResponse(
        stream_csv(dataset, queryset.prefetch_related(None), bom=bom), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{dataset.name}.csv"'
    return response


class CsvListMixin:
    """For list viewsets: `?format=csv` (and `&bom=1`) streams the filtered list as an open-data CSV."""

    csv_dataset: str

    def get_renderers(self):
        return [*super().get_renderers(), CsvRenderer()]

    def list(self, request, *args, **kwargs):
        if getattr(request.accepted_renderer, "format", None) == "csv":
            queryset = self.filter_queryset(self.get_queryset())
            return csv_response(self.csv_dataset, queryset, bom=request.query_params.get("bom") in ("1", "true"))
        return super().list(request, *args, **kwargs)
