"""Every write of the open-data app: recording releases, now or when the current transaction commits."""

from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone

from agreements.models import Agreement

from . import conf
from .models import Release
from .ocds import content_hash, release_build, release_content, release_tags
from .selectors import agreements_for_ocds

# The agreements whose release waits for the commit, on the connection (one per thread), each with
# its on-commit callback: several changes to one agreement in one transaction give one release.
PENDING_ATTR = "kyoso_ocds_pending"


def release_record_for(*, agreement_id: int) -> Release | None:
    """Store a dated release of the agreement if it is published and its OCDS content differs from its
    latest release (ids, dates and tags aside). Returns the new release, or None."""
    with transaction.atomic():
        # Lock the agreement row so that two commits touching it record one after the other.
        if not Agreement.objects.select_for_update().filter(pk=agreement_id, published=True).exists():
            return None  # never published, withdrawn, or deleted in the meantime
        agreement = agreements_for_ocds().get(pk=agreement_id)
        content = release_content(agreement, ocid_prefix=conf.ocid_prefix(), base_url=conf.public_base_url())
        digest = content_hash(content)
        latest = Release.objects.filter(agreement_id=agreement_id).order_by("-date", "-id").first()
        if latest is not None and latest.content_hash == digest:
            return None
        number = Release.objects.filter(agreement_id=agreement_id).count() + 1
        release_id, date = f"{content['ocid']}-r{number:04d}", timezone.now()
        tag = release_tags(latest.data if latest else None, content)
        return Release.objects.create(
            agreement_id=agreement_id,
            ocid=content["ocid"],
            release_id=release_id,
            date=date,
            tag=tag,
            data=release_build(content, release_id=release_id, date=date, tag=tag),
            content_hash=digest,
        )


def release_record_on_commit(*, agreement_id: int, using: str = DEFAULT_DB_ALIAS) -> None:
    """Record a release of the agreement once the current transaction commits (at once outside one).

    Deduplicated per transaction. A failure is logged, not raised (``robust``): the change itself is
    committed by then, and the next change, or ``manage.py ocds_record_releases``, catches up.
    """
    connection = transaction.get_connection(using)
    pending = connection.__dict__.setdefault(PENDING_ATTR, {})
    queued = pending.get(agreement_id)
    # A rolled-back (save)point drops its callbacks but not our note of them: look before trusting it.
    if queued is not None and any(entry[1] is queued for entry in connection.run_on_commit):
        return

    def record():  # a function, not a partial: Django logs a robust callback's failure by __qualname__
        if pending.get(agreement_id) is record:
            del pending[agreement_id]
        release_record_for(agreement_id=agreement_id)

    record.agreement_id = agreement_id
    pending[agreement_id] = record
    transaction.on_commit(record, using=using, robust=True)


def releases_record_all() -> int:
    """Record a release of every published agreement whose content changed (first install, or after a
    change of the mapping). Returns the number of new releases."""
    ids = list(Agreement.objects.published().order_by("pk").values_list("pk", flat=True))
    return sum(release_record_for(agreement_id=pk) is not None for pk in ids)
