"""The change history of an agreement as the public reads it: dated changes with field labels and
readable values, never who made them."""

import datetime

from django.db import models
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from agreements.history import history_entries, parent_shown_q, public_history_entries
from agreements.models import Agreement, CooperationField
from core.templatetags.kyoso import jdate, yen
from partnerships.models import Department

SHOWN_ENTRIES = 30
YEN_FIELDS = {"municipal_cost_jpy", "partner_contribution_jpy"}
TYPES = {"created": gettext_lazy("Created"), "changed": gettext_lazy("Changed"), "deleted": gettext_lazy("Deleted")}


def agreement_history(agreement: Agreement, *, member: bool = False) -> tuple[list[dict], int]:
    """The newest SHOWN_ENTRIES entries with labelled changes, and how many entries there are. The
    public sees only the states that were published (agreements.history.public_history_entries);
    members see every version."""
    entries = history_entries(agreement, show_users=False) if member else public_history_entries(agreement)
    shown = entries[:SHOWN_ENTRIES]
    names = _related_names(shown)
    rows = [
        {
            "date": entry["date"],
            "type": str(TYPES.get(entry["type"], entry["type"])),
            "changes": [_change(change, names) for change in entry["changes"]],
        }
        for entry in shown
    ]
    return rows, len(entries)


def _related_names(entries: list[dict]) -> dict:
    """Names of the departments, parent agreements and fields that appear in the changes: at most
    one query for each kind, however long the history."""
    wanted: dict[str, set] = {"department": set(), "parent": set(), "fields": set()}
    for entry in entries:
        for change in entry["changes"]:
            if change["field"] in wanted:
                for value in (change["old"], change["new"]):
                    if isinstance(value, list):
                        wanted[change["field"]].update(value)
                    elif value is not None:
                        wanted[change["field"]].add(value)
    english = translation.get_language() == "en"
    names: dict[str, dict] = {"department": {}, "parent": {}, "fields": {}}
    if wanted["department"]:
        for pk, name, name_en in Department.objects.filter(pk__in=wanted["department"]).values_list(
            "pk", "name", "name_en"
        ):
            names["department"][pk] = (name_en or name) if english else name
    if wanted["parent"]:
        shown = Agreement.objects.filter(parent_shown_q(prefix=""), pk__in=wanted["parent"])  # the public's rule
        names["parent"] = dict(shown.values_list("pk", "public_id"))
    if wanted["fields"]:
        for code, name, name_en in CooperationField.objects.filter(code__in=wanted["fields"]).values_list(
            "code", "name", "name_en"
        ):
            names["fields"][code] = (name_en or name) if english else name
    return names


def _change(change: dict, names: dict) -> dict:
    name = change["field"]
    try:
        field = Agreement._meta.get_field(name)
        label = str(field.verbose_name)
    except models.FieldDoesNotExist:  # pragma: no cover - a field removed since the record was written
        field, label = None, name
    return {
        "label": label[:1].upper() + label[1:],
        "old": _value(field, name, change["old"], names),
        "new": _value(field, name, change["new"], names),
    }


def _value(field, name: str, value, names: dict) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if name in names:
        if isinstance(value, list):
            return pgettext("list separator", ", ").join(str(names[name].get(v, v)) for v in value)
        # a parent that is not published is not named
        return str(names[name].get(value, _("(not public)") if name == "parent" else value))
    if field is not None and field.is_relation:
        return _("(another record)")
    if name in YEN_FIELDS:
        return yen(value)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return jdate(value)
    return str(value)
