"""Case records imported through the API (officer editors of the municipality; docs/api.md).

A file up to KYOSO_CASE_IMPORT_SYNC_MAX_BYTES is imported while the caller waits: 201 with the counts
(200 for a dry run), or 400 with the problems by row and column. A larger file becomes a job: 202 with
the job and its Location; the job's upload waits in a private directory and is deleted when it ends.
Nothing of a refused file is stored, and no answer repeats a value of the file."""

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from outcomes.casefile import CaseFileRefused
from outcomes.models import CaseImportJob
from outcomes.services import (
    case_file_kind,
    case_import_job_create,
    cases_import,
    import_result_fields,
    imports_at_once,
    problem_rows,
    refusal_message,
)
from partnerships.access import access_for, require_officer
from partnerships.models import Role

from ..pagination import StandardPagination
from ..serializers.outcome_imports import (
    CaseImportJobListSerializer,
    CaseImportJobSerializer,
    CaseImportRefusalBodySerializer,
    CaseImportResultSerializer,
    CaseImportUploadSerializer,
)

ERROR = {"$ref": "#/components/schemas/Error"}


def _jobs(user, *, listed: bool):
    """The jobs of the municipalities where the user is an editor (or approver)."""
    access = access_for(user)
    jobs = CaseImportJob.objects.select_related("municipality").order_by("-id")  # the code on every row
    if listed:
        jobs = jobs.defer("problems")  # up to 200 per job, in the detail only
    if access.is_superuser:
        return jobs
    return jobs.filter(municipality_id__in=access.municipalities(Role.EDITOR))


class CaseImportJobListView(ListAPIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]
    pagination_class = StandardPagination
    serializer_class = CaseImportJobListSerializer

    def get_queryset(self):
        return _jobs(self.request.user, listed=True)

    @extend_schema(
        summary="Case-file imports run as jobs",
        description="The import jobs of the municipalities where you are an editor, newest first (the "
        "problems of a refused file are in the detail).",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Import a case file",
        description="Upload a file of de-identified case records (multipart: `file`, `municipality`, "
        "`dry_run`). Editors of the municipality. A file up to 5 MB (KYOSO_CASE_IMPORT_SYNC_MAX_BYTES) is "
        "imported at once: 201 with the counts (200 for a dry run, which stores nothing), or 400 with the "
        "problems by row and column — all rows or none, and a file holding personal data is refused whole. "
        "A larger file (up to 20 MB, KYOSO_MAX_UPLOAD_BYTES, and 200,000 rows) is imported by a job: 202 "
        "with the job and its address in `Location`; poll it for `status`. A case whose 案件ID was imported "
        "before is replaced; only a keyed hash of the 案件ID is kept.",
        request={"multipart/form-data": CaseImportUploadSerializer},
        responses={
            200: OpenApiResponse(CaseImportResultSerializer, description="Dry run: checked, nothing stored."),
            201: OpenApiResponse(CaseImportResultSerializer, description="Imported."),
            202: OpenApiResponse(CaseImportJobSerializer, description="Queued as a job (see `Location`)."),
            400: OpenApiResponse(
                CaseImportRefusalBodySerializer,
                description="The file was refused (nothing stored), or a field is not valid (the error body "
                "with `fields`).",
            ),
            401: OpenApiResponse(ERROR, description="Not authenticated."),
            403: OpenApiResponse(ERROR, description="Not an editor of this municipality."),
        },
    )
    def post(self, request, *args, **kwargs):
        form = CaseImportUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        municipality, upload, dry_run = (form.validated_data[k] for k in ("municipality", "file", "dry_run"))
        require_officer(request.user, municipality.pk, Role.EDITOR)  # before reading anything of the file
        try:
            if not imports_at_once(upload.size):
                job = case_import_job_create(
                    municipality=municipality, name=upload.name, uploaded=upload, by=request.user, dry_run=dry_run
                )
                location = reverse("outcome-import", kwargs={"pk": job.pk})
                return Response(
                    CaseImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED, headers={"Location": location}
                )
            case_file_kind(upload.name)
            try:
                result = cases_import(
                    municipality=municipality, name=upload.name, source=upload, by=request.user, dry_run=dry_run
                )
            except CaseFileRefused as error:
                return Response(_refusal_body(error), status=status.HTTP_400_BAD_REQUEST)
        finally:
            upload.close()  # a large upload's temporary file goes now
        answer = status.HTTP_200_OK if dry_run else status.HTTP_201_CREATED
        return Response(CaseImportResultSerializer(import_result_fields(result)).data, status=answer)


def _refusal_body(error: CaseFileRefused) -> dict:
    return {
        "error": {
            "status": 400,
            "code": "refused",
            "message": refusal_message(error),
            "problems": problem_rows(error),
            "problem_count": error.total,
            "personal": error.personal,
        }
    }


@extend_schema(
    summary="A case-file import job",
    description="Its `status` (queued, running, succeeded, failed), then its `result` or, for a refused "
    "file, its `problems` by row and column (the first 200; `result.problem_count` is the total) and "
    "`message`. Editors of the municipality; another's job is a 404.",
)
class CaseImportJobDetailView(RetrieveAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = CaseImportJobSerializer

    def get_queryset(self):
        return _jobs(self.request.user, listed=False)
