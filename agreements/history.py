"""Reading back the change history of any record: field-level differences, newest first.

Members (``is_member``) read every version. The public reads only states that were themselves
public (``public_history_entries``): an agreement's history while it was published, a record under
it while the agreement was published and the record itself was public (a public document, an
accepted measurement). What was drafted in between is folded into one change from the last public
state to the next, and the review fields (who reported, who reviewed, the reviewer's comment) are
never listed.

Who may read what else of an agreement lives here too: membership (``is_member``) and the one rule
for naming a parent agreement (``parent_shown_q``), used by the API, the CSV, the open-data files
and the pages alike.
"""

from django.db.models import Q
from django.db.models.fields.files import FieldFile
from simple_history.utils import get_m2m_reverse_field_name

from partnerships.access import access_for

from .models import agreement_id_of
from .querysets import EVERYTHING

HISTORY_LIMIT = 500
_NOT_SHOWN = {"updated_at", "created_at", "created_by"}
# Internal to the municipality and the partner: never in a public entry (issue 10, item 15).
MEMBERS_ONLY_FIELDS = frozenset({"review_comment", "reviewed_by", "submitted_by", "reported_by"})
_TYPES = {"+": "created", "~": "changed", "-": "deleted"}

# model label → (whether a version of the record is public by itself, the fields that decide it).
# The agreement is public while published; a record under it needs the agreement published too.
_PUBLIC_VERSION = {
    "agreements.agreement": (lambda r: r.published, ("published", "published_at")),
    "agreements.document": (lambda r: r.public, ("public",)),
    "agreements.measurement": (lambda r: r.review_status == "accepted", ("review_status",)),
    "agreements.progressupdate": (lambda r: False, ()),  # partners' reports are never public
}
# Records outside any agreement whose every version is public (their endpoints show only public rows).
_PUBLIC_ON_THEIR_OWN = {"partnerships.organization", "partnerships.municipality"}


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


def parent_shown_q(reader=None, prefix: str = "parent__") -> Q:
    """The one rule for naming an agreement's comprehensive (parent) agreement, as a condition on the
    parent (``prefix`` is the path to it): the public reads it while the parent is published;
    officers of the parent's municipality (superusers) always. The open-data files are the public's
    (no reader)."""
    access = access_for(reader)
    if access.is_superuser:
        return EVERYTHING
    condition = Q(**{f"{prefix}published": True})
    if access.officer_roles:
        condition |= Q(**{f"{prefix}municipality_id__in": access.municipalities()})
    return condition


def parent_shown(parent, reader=None) -> bool:
    """``parent_shown_q`` for one parent agreement (None: there is none to show)."""
    return parent is not None and (parent.published or access_for(reader).is_officer(parent.municipality_id))


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


def _records(instance) -> list:
    """The newest HISTORY_LIMIT history records of the instance, oldest first."""
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[:HISTORY_LIMIT]
    )
    records.reverse()
    return records


def _versions(instance, records, *, hidden) -> list[dict]:
    """Each record's field values (many-to-many included), without the ``hidden`` fields. Compared by
    hand: simple-history's diff_against skips non-editable fields such as the status and publication,
    which are exactly the changes readers care about."""
    m2m = _m2m_values(instance, records)
    versions = []
    for record in records:
        values = {
            field.name: _plain(getattr(record, field.attname))
            for field in record.tracked_fields
            if field.name not in hidden and field.name not in m2m
        }
        for name, by_record in m2m.items():
            values[name] = by_record.get(record.history_id, [])
        versions.append(values)
    return versions


def _diff(old: dict, new: dict, only=None) -> list[dict]:
    return [
        {"field": name, "old": old.get(name), "new": value}
        for name, value in new.items()
        if old.get(name) != value and (only is None or name in only)
    ]


def _entry(record, date, kind, changes, user=None) -> dict:
    return {"history_id": record.history_id, "date": date, "type": kind, "user": user, "changes": changes}


def history_entries(instance, *, show_users: bool) -> list[dict]:
    """Every field-level change of a record, newest first: the members' view (the public reads
    ``public_history_entries``)."""
    records = _records(instance)
    versions = _versions(instance, records, hidden=_NOT_SHOWN)
    entries = []
    for index, record in enumerate(records):
        changes = _diff(versions[index - 1], versions[index]) if index else []
        user = record.history_user.get_username() if show_users and record.history_user else None
        entries.append(_entry(record, record.history_date, _TYPES[record.history_type], changes, user))
    entries.reverse()
    return entries


def publication_windows(agreement_id: int) -> list[tuple]:
    """The intervals [from, until) in which the agreement was published, oldest first; ``until`` is
    None while it still is. One query, of two columns."""
    from .models import Agreement

    rows = (
        Agreement.history.model.objects.filter(id=agreement_id)
        .order_by("history_date", "history_id")
        .values_list("history_date", "published", "history_type")
    )
    windows, start = [], None
    for date, published, kind in rows:
        public = published and kind != "-"
        if public and start is None:
            start = date
        elif not public and start is not None:
            windows.append((start, date))
            start = None
    if start is not None:
        windows.append((start, None))
    return windows


_CLOSE, _RECORD, _OPEN = 0, 1, 2  # at one moment: a window closes before, and opens after, a change


def public_history_entries(instance) -> list[dict]:
    """The changes of a record as the public saw them, newest first, never naming who made them.

    Only states that were public count: a record's version is public when the record is (the
    agreement published; a document public; a measurement accepted) and, for a record under an
    agreement, while the agreement was published. Between two public states the public reads one
    change, from the last state it was shown to the next: what was drafted in between never appears.
    A record shown and then hidden by a change of its own (an agreement withdrawn, a document made
    internal) lists that change of its publication fields only; a record hidden because its agreement
    was withdrawn lists nothing until the agreement is published again. A record's history starts
    when it first became public: its creation if it was created public, its publication otherwise."""
    label = instance._meta.label_lower
    agreement_id = None if label == "agreements.agreement" else agreement_id_of(instance)
    if agreement_id is None and label != "agreements.agreement" and label not in _PUBLIC_ON_THEIR_OWN:
        return []  # a record outside agreements that is not known to be public: nothing
    is_public, publication_fields = _PUBLIC_VERSION.get(label, (lambda r: True, ()))
    records = _records(instance)
    versions = _versions(instance, records, hidden=_NOT_SHOWN | MEMBERS_ONLY_FIELDS)
    events = [(record.history_date, _RECORD, index) for index, record in enumerate(records)]
    in_window = agreement_id is None
    if not in_window:
        for start, end in publication_windows(agreement_id):
            events.append((start, _OPEN, None))
            if end is not None:
                events.append((end, _CLOSE, None))
    events.sort(key=lambda event: event[:2])  # stable: records keep their order at equal moments

    entries = []
    current = None  # index of the record's latest version at this point of the walk
    told = None  # the field values the public was last shown (None: nothing, or the record deleted)
    shown = False  # whether the public sees the record at this point
    for date, kind, index in events:
        if kind == _CLOSE:
            in_window = shown = False  # the agreement's own history tells of its withdrawal
            continue
        if kind == _OPEN:
            in_window = True
            if current is None:
                continue
            record, values = records[current], versions[current]
            if record.history_type == "-":
                if told is not None:  # deleted while the agreement was withdrawn
                    entries.append(_entry(record, date, "deleted", []))
                    told = None
            elif is_public(record):
                if told is not None and (changes := _diff(told, values)):
                    entries.append(_entry(record, date, "changed", changes))
                told, shown = values, True
            continue
        previous, current = current, index
        if not in_window:
            continue
        record, values = records[index], versions[index]
        if record.history_type != "-" and is_public(record):
            if told is None:  # first shown: created public, or made public by this change
                if record.history_type == "+":
                    entries.append(_entry(record, date, "created", []))
                elif previous is not None and (changes := _diff(versions[previous], values, publication_fields)):
                    entries.append(_entry(record, date, "changed", changes))
            elif changes := _diff(told, values):
                entries.append(_entry(record, date, _TYPES[record.history_type], changes))
            told, shown = values, True
        elif shown:
            if record.history_type == "-":
                entries.append(_entry(record, date, "deleted", []))
                told = None
            else:  # hidden by a change of its own: only that change is said
                changes = _diff(told, values, publication_fields)
                if changes:
                    entries.append(_entry(record, date, "changed", changes))
                told = {**told, **{change["field"]: change["new"] for change in changes}}
            shown = False
    entries.reverse()
    return entries
