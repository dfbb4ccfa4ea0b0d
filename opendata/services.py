"""Every write of the open-data app: recording releases, from the public-change outbox
(``agreements.publicity``) or all at once (the management command)."""

import logging

from django.db import transaction
from django.utils import timezone

from agreements.models import Agreement, PublicChange
from agreements.services import agreement_summaries_refresh

from . import conf
from .models import Release
from .ocds import content_hash, release_build, release_content, release_tags
from .selectors import agreements_for_ocds

logger = logging.getLogger(__name__)
BATCH = 200
MAX_ATTEMPTS = 10


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


def public_changes_process(*, batch: int = BATCH) -> int:
    """Build the release and the statistics summary of every agreement with a pending public change,
    and mark the changes processed. Returns how many changes were processed.

    Rows are locked (SKIP LOCKED on PostgreSQL), so workers running at once never take the same change
    and none waits for another; a change committed while a worker runs is taken by its next batch or
    by the task its commit dispatched. Each batch is one transaction: the release, the summary and the
    "processed" mark are stored together or not at all (a killed worker leaves the rows pending, and
    the redelivered or the periodic task does the work again — building is idempotent). An agreement
    whose build fails is left pending with the error, tried again up to MAX_ATTEMPTS times."""
    processed = 0
    while True:
        with transaction.atomic():
            rows = list(
                PublicChange.objects.pending()
                .filter(attempts__lt=MAX_ATTEMPTS)
                .select_for_update(skip_locked=True)
                .order_by("id")[:batch]
            )
            if not rows:
                return processed
            failed = {}
            agreement_ids = sorted({row.agreement_id for row in rows})
            for agreement_id in agreement_ids:
                try:
                    with transaction.atomic():
                        release_record_for(agreement_id=agreement_id)
                except Exception as error:  # noqa: BLE001 — one bad agreement must not hold back the others
                    logger.exception("release of agreement %s failed", agreement_id)
                    failed[agreement_id] = type(error).__name__[:300]
            agreement_summaries_refresh(agreement_ids=set(agreement_ids) - set(failed))
            now = timezone.now()
            for row in rows:
                if row.agreement_id in failed:
                    row.attempts, row.last_error = row.attempts + 1, failed[row.agreement_id]
                else:
                    row.processed_at, row.last_error = now, ""
            PublicChange.objects.bulk_update(rows, ["processed_at", "attempts", "last_error"])
            processed += len(rows) - sum(row.agreement_id in failed for row in rows)
        if len(rows) < batch:
            return processed


def releases_record_all() -> int:
    """Record a release of every published agreement whose content changed (first install, or after a
    change of the mapping). Returns the number of new releases."""
    ids = list(Agreement.objects.published().order_by("pk").values_list("pk", flat=True))
    return sum(release_record_for(agreement_id=pk) is not None for pk in ids)


CHUNK = 200


def releases_record_bulk(*, agreement_ids: list[int], chunk: int = CHUNK) -> int:
    """A first release for each published agreement of ``agreement_ids`` that has none. Returns the count."""
    have = set(Release.objects.filter(agreement_id__in=agreement_ids).values_list("agreement_id", flat=True))
    todo = sorted(set(agreement_ids) - have)
    prefix, base_url = conf.ocid_prefix(), conf.public_base_url()
    written = 0
    for start in range(0, len(todo), chunk):
        rows = []
        for agreement in agreements_for_ocds().filter(pk__in=todo[start : start + chunk], published=True):
            content = release_content(agreement, ocid_prefix=prefix, base_url=base_url)
            release_id, date, tag = f"{content['ocid']}-r0001", agreement.published_at, release_tags(None, content)
            rows.append(
                Release(
                    agreement_id=agreement.pk,
                    ocid=content["ocid"],
                    release_id=release_id,
                    date=date,
                    tag=tag,
                    data=release_build(content, release_id=release_id, date=date, tag=tag),
                    content_hash=content_hash(content),
                )
            )
        Release.objects.bulk_create(rows, batch_size=chunk)
        written += len(rows)
    return written
