from rest_framework import serializers

from partnerships.models import Municipality, Organization

from .base import ValidatedModelSerializer


class MunicipalitySerializer(serializers.ModelSerializer):
    prefecture = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    parent_city = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    corporate_number = serializers.CharField(read_only=True, help_text="法人番号, derived from the code")

    class Meta:
        model = Municipality
        fields = [
            "code",
            "name",
            "kana",
            "name_en",
            "kind",
            "prefecture_code",
            "prefecture",
            "parent_city",
            "population",
            "population_counted_on",
            "corporate_number",
        ]


class OrganizationSerializer(ValidatedModelSerializer):
    prefecture = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Municipality.objects.prefectures(),
        required=False,
        allow_null=True,
        help_text="6-digit code of the prefecture, e.g. 270008",
    )

    class Meta:
        model = Organization
        fields = ["id", "corporate_number", "name", "kana", "name_en", "kind", "industry", "prefecture", "website"]
        extra_kwargs = {"corporate_number": {"required": False, "allow_null": True, "allow_blank": True}}
