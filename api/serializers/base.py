"""The base serializer: unknown fields are refused, the model's own rules (full_clean) decide."""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from ..exceptions import django_validation_to_drf


class TableFieldsMixin:
    # ``Meta.table`` (a core.tables.Table) gives the serializer's fields: its JSON keys, in order. The
    # read schema is the one list of an entity's public keys; the serializer adds how each is written.

    def get_field_names(self, declared_fields, info):
        table = getattr(self.Meta, "table", None)
        if table is not None:
            return table.json_keys
        return super().get_field_names(declared_fields, info)


class ValidatedModelSerializer(TableFieldsMixin, serializers.ModelSerializer):
    # Like NetBox's: validation runs the model's clean() and constraints, so API, admin and forms agree.
    #
    # * ``immutable_fields``: may be given on create, never changed afterwards (the parent record).
    # * ``clean_exclude``: model fields a service fills in (e.g. the public id), skipped by full_clean.
    # * A model's ``RELATED_CHOICE_MESSAGES`` ({field: message}) replace "object does not exist" on its
    # relation fields, so an id that exists elsewhere (another city's) and one that does not exist at
    # all get the model's own neutral message.

    immutable_fields: tuple[str, ...] = ()
    clean_exclude: tuple[str, ...] = ()
    # Related fields whose choices are limited to what the requesting user may see: name -> f(user).
    scoped_fields: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for name, queryset_for in self.scoped_fields.items():
            if name in self.fields and not self.fields[name].read_only:
                field = self.fields[name]
                field = getattr(field, "child_relation", field)
                field.queryset = queryset_for(user)
        model = getattr(getattr(self, "Meta", None), "model", None)
        for name, message in getattr(model, "RELATED_CHOICE_MESSAGES", {}).items():
            field = self.fields.get(name)
            field = getattr(field, "child_relation", field)
            if field is not None and not field.read_only and "does_not_exist" in field.error_messages:
                field.error_messages["does_not_exist"] = message

    def prepare_instance(self, instance) -> None:
        """Set what the URL or context gives before validation (e.g. the agreement of a party)."""

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None:
            changed = [
                name for name in self.immutable_fields if name in attrs and attrs[name] != getattr(self.instance, name)
            ]
            if changed:
                raise serializers.ValidationError(
                    {name: [_("This cannot be changed after the record is created.")] for name in changed}
                )
        instance = copy.copy(self.instance) if self.instance is not None else self.Meta.model()
        many = {name for name, field in self.fields.items() if isinstance(field, serializers.ManyRelatedField)}
        for name, value in attrs.items():
            if name not in many:
                setattr(instance, name, value)
        self.prepare_instance(instance)
        try:
            instance.full_clean(exclude=list(self.clean_exclude))
        except DjangoValidationError as error:
            raise django_validation_to_drf(error) from None
        return attrs

    def model_attrs(self) -> tuple[dict, dict]:
        """The validated data split into plain attributes and many-to-many values."""
        many = {name for name, field in self.fields.items() if isinstance(field, serializers.ManyRelatedField)}
        data = dict(self.validated_data)
        return {k: v for k, v in data.items() if k not in many}, {k: v for k, v in data.items() if k in many}


class HistorySerializer(serializers.Serializer):
    """One change of a record: when, by whom (members only), what kind, and the fields that changed."""

    history_id = serializers.IntegerField()
    date = serializers.DateTimeField()
    type = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    user = serializers.CharField(allow_null=True, help_text="Username; shown to members of the record only.")
    changes = serializers.ListField(child=serializers.DictField(), help_text="[{field, old, new}, …]")
