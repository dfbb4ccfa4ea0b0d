from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from agreements.choices import AgreementKind
from imports.models import ImportJob
from imports.recognition import FIELDS
from imports.services import import_job_create
from imports.template import template_csv, template_xlsx
from partnerships.access import access_for
from partnerships.models import Municipality, Role

from ..pagination import StandardPagination


def _validate_mapping(value):
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise serializers.ValidationError('Give {"header": "field"} with text keys and values.')
    unknown = sorted({v for v in value.values() if v and v not in FIELDS})
    if unknown:
        raise serializers.ValidationError(
            f'Not a field: {", ".join(unknown)}. Fields: {", ".join(sorted(FIELDS))}; "" keeps a column.'
        )
    return value


def _validate_kind(value):
    if value and value not in AgreementKind.values:
        raise serializers.ValidationError(f"Give one of: {', '.join(AgreementKind.values)}.")
    return value


class ImportJobSerializer(serializers.ModelSerializer):
    """One import, with its errors: the first 200 and, past that, a closing line (row 0) saying how
    many more there are; `result.errors` is the total."""

    municipality = serializers.SlugRelatedField(slug_field="code", queryset=Municipality.objects.all())
    file = serializers.FileField(write_only=True, help_text="CSV (UTF-8, UTF-8 with BOM or CP932) or XLSX")
    progress = serializers.IntegerField(read_only=True, help_text="percent of rows checked")
    dry_run = serializers.BooleanField(default=True)
    mapping = serializers.JSONField(
        required=False,
        validators=[_validate_mapping],
        default=dict,
        help_text='Corrections to the recognised columns, {"header": "field"} (or {"3": "field"} by column '
        'number); "" keeps the column as it is. The fields are listed in the import guide; the detail\'s '
        "`result.mapping` shows what was recognised.",
    )
    # A CharField, not a ChoiceField: a second enum of the agreement kinds would collide in the schema.
    default_kind = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=20,
        validators=[_validate_kind],
        help_text="The kind of the rows whose title says nothing about it: comprehensive, individual, memorandum "
        "or other (default: other).",
    )
    error_count = serializers.IntegerField(read_only=True, help_text="every error found (`errors` lists the first 200)")

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "municipality",
            "file",
            "original_name",
            "dry_run",
            "mapping",
            "default_kind",
            "status",
            "progress",
            "rows_total",
            "rows_done",
            "error_count",
            "errors",
            "result",
            "created_at",
            "finished_at",
        ]
        read_only_fields = [
            "original_name",
            "status",
            "rows_total",
            "rows_done",
            "errors",
            "result",
            "created_at",
            "finished_at",
        ]


# What a list shows of a job's result: counts. The mapping, the notes and the ids are in the detail.
LIST_RESULT_KEYS = ("rows", "errors", "created", "updated", "dry_run")


class ImportJobListSerializer(ImportJobSerializer):
    """An import in a list: counts only. The errors and the imported ids are in the detail."""

    result = serializers.SerializerMethodField(help_text="rows, errors, created, dry_run")
    # The same values as the detail's `status`; a second enum of the same name would collide in the schema.
    status = serializers.CharField(read_only=True, help_text="queued, running, succeeded or failed")

    class Meta(ImportJobSerializer.Meta):
        fields = [f for f in ImportJobSerializer.Meta.fields if f != "errors"]

    def get_result(self, job) -> dict:
        return {key: value for key, value in (job.result or {}).items() if key in LIST_RESULT_KEYS}


class ImportJobViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Imports of a municipality's existing list of agreements (officer editors of that municipality).

    POST a file with `municipality` and `dry_run` (default true: check only): 202, then poll
    GET /imports/{id}/ for `status`, `progress` and `errors` ([{row, column, message}]: the first
    200 and a closing line with the count of the others; `error_count` is the total). Every row
    is checked with the same rules as the API; the rows are imported all together or not at all. A file
    of more than 20,000 rows (the setting KYOSO_IMPORT_MAX_ROWS) is refused with one error. The list is
    paginated and gives counts only. The template (Japanese columns) is at /imports/template/?type=xlsx
    (or csv).

    A city's own list is read as published: the detail's `result.mapping` shows which column was read as
    which field ([{column, header, field, label}]; field "" = kept as a source column), and `result.notes`
    what the dry run found: `headings` skipped, `new_organizations` to create, `near_matches` proposed
    (never merged), `public_bodies` matched, `generated_titles`, `fields_mapped`, `periods_kept`,
    `dates_kept`. To correct the mapping, POST again with `mapping` (a JSON object)."""

    serializer_class = ImportJobSerializer
    pagination_class = StandardPagination
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    def get_serializer_class(self):
        return ImportJobListSerializer if self.action == "list" else ImportJobSerializer

    def get_queryset(self):
        access = access_for(self.request.user)
        jobs = ImportJob.objects.select_related("municipality").order_by("-id")  # code shown on every row
        if self.action == "list":
            jobs = jobs.defer("errors")  # up to 200 per job, not listed
        if access.is_superuser:
            return jobs
        return jobs.filter(municipality_id__in=access.municipalities(Role.EDITOR))

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        job = import_job_create(
            municipality=data["municipality"],
            uploaded=data["file"],
            by=request.user,
            dry_run=data["dry_run"],
            mapping=data.get("mapping") or {},
            default_kind=data.get("default_kind") or "",
        )
        return Response(self.get_serializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        parameters=[OpenApiParameter("type", str, enum=["xlsx", "csv"], description="file type (default xlsx)")],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        summary="The import template (Japanese columns)",
    )
    @action(detail=False, methods=["get"], permission_classes=[], authentication_classes=[])
    def template(self, request):
        if request.query_params.get("type") == "csv":
            response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
            name = "kyoso-import-template.csv"
        else:
            response = HttpResponse(
                template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
            name = "kyoso-import-template.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
