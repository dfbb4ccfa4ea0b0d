"""The nightly bulk files: every CSV, the full OCDS release package (gzip), datapackage.json and
SHA256SUMS, written into a fresh folder and then switched in with one atomic rename of a symlink, so
a reader never sees a half-written set. The previous set is kept until the next run."""

import datetime
import gzip
import hashlib
import json
import logging
import os
import shutil
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from agreements.tables import TABLES, published_querysets
from core.tables import write_csv

from . import conf
from .datapackage import datapackage
from .models import Release
from .ocds import package_head, served_releases

logger = logging.getLogger(__name__)
OCDS_FILE = "ocds-releases.json.gz"
OCDS_CHUNK = 500
KEEP_SETS = 2


def root() -> Path:
    return Path(settings.KYOSO_OPENDATA_DIR)


def current_dir() -> Path | None:
    link = root() / "current"
    return link.resolve() if link.exists() else None


def _write_csv(path: Path, table, queryset) -> int:
    """The table's CSV by the one writer (core.tables.write_csv, as the API writes it). The rows for the
    log are counted by the database: counting line ends would miscount cells that hold a line break."""
    with path.open("wb") as handle:
        for chunk in write_csv(table, queryset):
            handle.write(chunk)
    return queryset.count()


def _write_ocds(path: Path, now) -> int:
    """A release package of every release of every published agreement, streamed release by release."""
    head = package_head(
        uri=conf.public_base_url().rstrip("/") + "/opendata/" + OCDS_FILE,
        published=now,
        publisher=conf.publisher_name(),
        policy=conf.publication_policy(),
    )
    releases = Release.objects.filter(agreement__published=True).order_by("id").values_list("data", flat=True)
    count = 0
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "releases": [')
        for chunk in _chunks(releases.iterator(chunk_size=OCDS_CHUNK), OCDS_CHUNK):
            for data in served_releases(chunk):  # without related agreements withdrawn since
                handle.write(("," if count else "") + json.dumps(data, ensure_ascii=False))
                count += 1
        handle.write("]}")
    return count


def _chunks(items, size: int):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def opendata_export(*, now=None) -> dict:
    """Write a new set of bulk files and make it current. Returns {file: rows} for the log."""
    now = now or timezone.now()
    sets = root() / "sets"
    sets.mkdir(parents=True, exist_ok=True)
    for stale in sets.glob(".*.partial"):  # left by an export that was killed (exports never overlap)
        shutil.rmtree(stale, ignore_errors=True)
    name = timezone.localtime(now).strftime("%Y%m%dT%H%M%S%f")
    work = sets / f".{name}.partial"
    work.mkdir()
    try:
        querysets = published_querysets()
        counts = {f"{t.name}.csv": _write_csv(work / f"{t.name}.csv", t, querysets[t.name]) for t in TABLES.values()}
        counts[OCDS_FILE] = _write_ocds(work / OCDS_FILE, now)
        package = datapackage(created=timezone.localtime(now).isoformat(), base_url=conf.public_base_url())
        (work / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
        files = sorted(p.name for p in work.iterdir())
        sums = "".join(f"{_sha256(work / f)}  {f}\n" for f in files)
        (work / "SHA256SUMS").write_text(sums, encoding="utf-8")
        final = sets / name
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    # Switch: a new symlink renamed over the old one is atomic on POSIX.
    temporary = root() / f".current-{name}"
    temporary.symlink_to(Path("sets") / name)
    os.replace(temporary, root() / "current")
    _prune(sets, keep=final)
    logger.info("open-data files written: %s", counts)
    return counts


def _prune(sets: Path, *, keep: Path) -> None:
    finished = sorted((p for p in sets.iterdir() if not p.name.startswith(".")), key=lambda p: p.name)
    for old in finished[:-KEEP_SETS]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)


def listing() -> list[dict]:
    """The current files with size, date and SHA-256 (read from SHA256SUMS)."""
    folder = current_dir()
    if folder is None:
        return []
    sums = {}
    sums_file = folder / "SHA256SUMS"
    if sums_file.exists():
        for line in sums_file.read_text(encoding="utf-8").splitlines():
            digest, _sep, name = line.partition("  ")
            sums[name] = digest
    files = []
    for path in sorted(folder.iterdir()):
        stat = path.stat()
        files.append(
            {
                "name": path.name,
                "size": stat.st_size,
                "modified": datetime.datetime.fromtimestamp(stat.st_mtime, tz=datetime.UTC),
                "sha256": sums.get(path.name, ""),
            }
        )
    return files
