"""Case files imported through the API (docs/api.md, "Case records"): the upload, the result of a file
imported at once, and the jobs of the larger ones. A problem names a row and a column, never a value."""

from rest_framework import serializers

from outcomes.models import CaseImportJob
from outcomes.services import job_message
from partnerships.models import Municipality


class CaseImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="The case file: CSV (UTF-8, UTF-8 with BOM or CP932) or XLSX, one decided case per row, with "
        "the columns 案件ID, 手続コード, 受付日, 処分日 and, if known, 補正依頼日, 補正完了日, 申請方法, 満足度, "
        "手続名, 標準処理期間（日）. Never names, addresses or other personal data."
    )
    municipality = serializers.SlugRelatedField(
        slug_field="code", queryset=Municipality.objects.all(), help_text="6-digit code of the municipality"
    )
    dry_run = serializers.BooleanField(
        default=False, help_text="true: check every row and count, store nothing (default false: import)"
    )


class CaseImportProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="the row of the file (1 = the header)")
    column = serializers.CharField(help_text='the column\'s header ("" for the whole row or file)')
    message = serializers.CharField()


class CaseImportResultSerializer(serializers.Serializer):
    rows = serializers.IntegerField(help_text="case rows read")
    created = serializers.IntegerField(help_text="cases added (a dry run: that would be added)")
    replaced = serializers.IntegerField(help_text="cases replacing one imported before with the same 案件ID")
    procedures_created = serializers.ListField(
        child=serializers.CharField(), help_text="codes of the municipality's own procedures the file added"
    )
    standard_days_set = serializers.DictField(
        child=serializers.IntegerField(), help_text="procedure code → 標準処理期間 (business days) the file set"
    )
    ignored_columns = serializers.ListField(child=serializers.CharField(), help_text="columns not kept")
    dry_run = serializers.BooleanField()


class CaseImportRefusalSerializer(serializers.Serializer):
    """The error body of a 400: for a refused file (code "refused") with its first 200 problems by row and
    column — nothing was stored; for a field not valid (code "invalid") with `fields`."""

    status = serializers.IntegerField()
    code = serializers.CharField(help_text='"refused" (the file) or "invalid" (a field)')
    message = serializers.CharField()
    problems = CaseImportProblemSerializer(many=True, required=False)
    problem_count = serializers.IntegerField(
        required=False, help_text="every problem found (`problems` lists the first 200)"
    )
    personal = serializers.BooleanField(required=False, help_text="refused because the file holds personal data")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False, help_text="per field, its messages"
    )


class CaseImportRefusalBodySerializer(serializers.Serializer):
    error = CaseImportRefusalSerializer()


class CaseImportJobSerializer(serializers.ModelSerializer):
    """A case file imported by a job: its status, then its result or its problems. The file is deleted
    when the job ends; neither it nor its name is kept."""

    municipality = serializers.SlugRelatedField(slug_field="code", read_only=True)
    # CharFields, not ChoiceFields: a second enum named "kind" or "status" would collide in the schema
    kind = serializers.CharField(read_only=True, help_text="csv or xlsx")
    status = serializers.CharField(read_only=True, help_text="queued, running, succeeded or failed")
    message = serializers.SerializerMethodField(help_text="why the job failed (empty otherwise)")
    result = serializers.JSONField(
        read_only=True,
        help_text="succeeded: rows, created, replaced, procedures_created, standard_days_set, ignored_columns, "
        "dry_run; failed: reason (refused, gone, not_allowed, error or expired), and for a refused file "
        "problem_count and personal",
    )
    problems = CaseImportProblemSerializer(many=True, read_only=True, help_text="a refused file's first 200 problems")

    class Meta:
        model = CaseImportJob
        fields = [
            "id",
            "municipality",
            "kind",
            "dry_run",
            "status",
            "message",
            "result",
            "problems",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_message(self, job) -> str:
        return job_message(job)


class CaseImportJobListSerializer(CaseImportJobSerializer):
    """A job in a list: without its problems (in the detail)."""

    class Meta(CaseImportJobSerializer.Meta):
        fields = [f for f in CaseImportJobSerializer.Meta.fields if f != "problems"]
        read_only_fields = fields
