"""OCDS releases for seeded agreements, built in bulk.

``opendata.services.release_record_for`` records one agreement at a time (a lock, about ten queries);
here the same builder (``release_content`` / ``release_build`` over ``agreements_for_ocds()``) runs
over chunks of agreements and the rows go in with one bulk insert per chunk. Each release is the
agreement's first, dated when it was published, tagged as ``release_tags`` tags a first release, and
hashed as the service hashes it, so later changes continue the series as if the service had written it.
"""

from opendata import conf
from opendata.models import Release
from opendata.ocds import content_hash, release_build, release_content, release_tags
from opendata.selectors import agreements_for_ocds

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
