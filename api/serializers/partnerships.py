from rest_framework import serializers

from partnerships.models import Municipality, Organization
from partnerships.tables import MUNICIPALITIES, ORGANIZATIONS

from .base import TableFieldsMixin, ValidatedModelSerializer


class MunicipalitySerializer(TableFieldsMixin, serializers.ModelSerializer):
    prefecture = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    parent_city = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    corporate_number = serializers.CharField(read_only=True, help_text="法人番号, derived from the code")
    successor = serializers.SerializerMethodField(help_text="code of the municipality it was merged into")

    class Meta:
        model = Municipality
        table = MUNICIPALITIES

    def get_successor(self, municipality) -> str | None:
        # Read only for a merged municipality (few), so the list costs no query per row otherwise.
        return municipality.successor.code if municipality.successor_id else None


class OrganizationSerializer(ValidatedModelSerializer):
    prefecture = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Municipality.objects.prefectures(),
        required=False,
        allow_null=True,
        help_text="6-digit code of the prefecture, e.g. 270008",
    )
    municipality = serializers.SerializerMethodField(
        help_text="6-digit code when the organization is a municipality or prefecture itself (a public body)"
    )

    class Meta:
        model = Organization
        table = ORGANIZATIONS
        extra_kwargs = {"corporate_number": {"required": False, "allow_null": True, "allow_blank": True}}

    def get_municipality(self, organization) -> str | None:
        # Read only for a public body (few), so the list costs no query per row otherwise.
        return organization.municipality.code if organization.municipality_id else None
