"""Reading back the change history of any record: field-level differences, newest first."""

from django.db.models.fields.files import FieldFile
from simple_history.utils import get_m2m_reverse_field_name

from partnerships.access import access_for

HISTORY_LIMIT = 500
_NOT_SHOWN = {"updated_at", "created_at", "created_by"}
_TYPES = {"+": "created", "~": "changed", "-": "deleted"}


def _plain(value):
    if isinstance(value, FieldFile):
        return value.name or None
    return value


def is_member(user, agreement) -> bool:
    """Officer of the agreement's municipality, or user of one of its parties."""
    access = access_for(user)
    if access.is_superuser or access.is_officer(agreement.municipality_id):
        return True
    organizations = access.organizations()
    return bool(organizations) and agreement.parties.filter(organization_id__in=organizations).exists()


def _m2m_values(instance, records) -> dict[str, dict[int, list]]:
    """The many-to-many values of every history record, one query per field (simple-history's own
    diff would query twice per record)."""
    result = {}
    for field in getattr(type(instance).history.model, "_history_m2m_fields", []) if records else []:
        through = getattr(records[0], field.name).model
        target = get_m2m_reverse_field_name(field)
        rows = through.objects.filter(history_id__in=[r.history_id for r in records]).order_by(target)
        values: dict[int, list] = {}
        for history_id, value in rows.values_list(
            "history_id", f"{target}__code" if hasattr(field.related_model, "code") else target
        ):
            values.setdefault(history_id, []).append(value)
        result[field.name] = values
    return result


def first_published(agreement):
    """When the agreement was first published (None if never): the public history starts there."""
    return (
        agreement.history.filter(published=True).order_by("history_date").values_list("history_date", flat=True).first()
    )


def history_entries(instance, *, show_users: bool, since=None) -> list[dict]:
    """Field-level changes of a record, newest first, from its simple-history records. With ``since``
    (the public's view), only changes from that moment on: what was drafted before publication stays
    with the municipality."""
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[:HISTORY_LIMIT]
    )
    records.reverse()
    m2m = _m2m_values(instance, records)
    entries, previous = [], None
    for record in records:
        changes = []
        if previous is not None:
            # Compared by hand: simple-history's diff_against skips non-editable fields such as the
            # status and publication, which are exactly the changes readers care about.
            for field in record.tracked_fields:
                if field.name in _NOT_SHOWN or field.name in m2m:
                    continue
                old, new = getattr(previous, field.attname), getattr(record, field.attname)
                if old != new:
                    changes.append({"field": field.name, "old": _plain(old), "new": _plain(new)})
            for name, values in m2m.items():
                old, new = values.get(previous.history_id, []), values.get(record.history_id, [])
                if old != new:
                    changes.append({"field": name, "old": old, "new": new})
        entries.append(
            {
                "history_id": record.history_id,
                "date": record.history_date,
                "type": _TYPES[record.history_type],
                "user": record.history_user.get_username() if show_users and record.history_user else None,
                "changes": changes,
            }
        )
        previous = record
    entries.reverse()
    if since is not None:
        entries = [entry for entry in entries if entry["date"] >= since]
    return entries
