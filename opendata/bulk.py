"""The nightly bulk files: every CSV and its gzip variant, the full OCDS release package (gzip),
datapackage.json and SHA256SUMS, written into a fresh folder and then switched in with one atomic rename
of a symlink, so a reader never sees a half-written set. The previous set is kept until the next run.

Every file is written in one pass, in constant memory: a CSV's chunks go to the plain file and through
gzip to its variant at once, and each file's size and SHA-256 are taken as it is written (no file is
read back). The whole set is read from one snapshot of the database (PostgreSQL REPEATABLE READ), so a
record published meanwhile is in every file or in none and the row counts are those of the files.

Once a year (the first run in a calendar year, Japan time, or whenever no archive of the current year
exists) the set is also kept as a dated zip under ``archives/``: the last KYOSO_OPENDATA_ARCHIVES_KEPT
(default 5) stay. Nothing to configure: the archives live beside the sets."""

import contextlib
import csv
import datetime
import gzip
import hashlib
import json
import logging
import os
import re
import shutil
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from agreements.tables import TABLES, published_querysets
from core.tables import write_csv

from . import conf
from .datapackage import OCDS_FILE, VERSION, datapackage
from .datasets import datasets
from .models import Release
from .ocds import package_head, served_releases

logger = logging.getLogger(__name__)
CSV_LINES = 500  # lines of a registered file held at a time
OCDS_CHUNK = 200  # releases held at a time: bounds the memory (about +75 MB; +150 MB at 500)
KEEP_SETS = 2
GZIP_LEVEL = 6  # gzip's own default: 9 takes about twice as long for a file a few per cent smaller
MANIFEST = ".manifest.json"  # the set's time, and each file's rows, size and SHA-256 (index.json reads it)
SUMS = "SHA256SUMS"
ARCHIVES = "archives"
ARCHIVE_NAME = re.compile(r"^kyoso-opendata-(?P<date>(?P<year>[0-9]{4})-[0-9]{2}-[0-9]{2})\.zip$")
ARCHIVES_KEPT = 5


def root() -> Path:
    return Path(settings.KYOSO_OPENDATA_DIR)


def current_dir() -> Path | None:
    link = root() / "current"
    return link.resolve() if link.exists() else None


def archives_dir() -> Path:
    return root() / ARCHIVES


def archives_kept() -> int:
    return max(1, int(getattr(settings, "KYOSO_OPENDATA_ARCHIVES_KEPT", ARCHIVES_KEPT)))


class _Sink:
    """A binary file that counts and hashes what is written to it."""

    def __init__(self, path: Path):
        self.name = path.name
        self.handle = path.open("wb")
        self.digest = hashlib.sha256()
        self.bytes = 0

    def write(self, data) -> int:
        self.digest.update(data)
        self.bytes += len(data)
        return self.handle.write(data)

    def flush(self):
        self.handle.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()

    def entry(self, rows: int | None = None) -> dict:
        return {"name": self.name, "bytes": self.bytes, "sha256": self.digest.hexdigest(), "rows": rows}


def _gzip(sink: _Sink, inner_name: str) -> gzip.GzipFile:
    # mtime 0: the same content gives the same bytes, hence the same checksum and ETag, night after night
    return gzip.GzipFile(filename=inner_name, mode="wb", fileobj=sink, mtime=0, compresslevel=GZIP_LEVEL)


def _write_csv(folder: Path, table, queryset) -> list[dict]:
    """The table's CSV by the one writer (core.tables.write_csv, as the API writes it), and the same bytes
    gzipped. The rows are counted by the database: counting line ends would miscount cells that hold a
    line break."""
    name = f"{table.name}.csv"
    with _Sink(folder / name) as plain, _Sink(folder / f"{name}.gz") as packed, _gzip(packed, name) as compressed:
        for chunk in write_csv(table, queryset):
            plain.write(chunk)
            compressed.write(chunk)
    rows = queryset.count()
    return [plain.entry(rows), packed.entry(rows)]


class _Line:
    """A file-like object whose write() returns the line, for csv.writer."""

    def write(self, value):
        return value


def _write_dataset(folder: Path, dataset) -> list[dict]:
    """A registered file (opendata.datasets) and its gzip variant, as _write_csv writes a table: the
    rows counted as they are written, a few hundred lines held at a time."""
    name = f"{dataset.name}.csv"
    writer = csv.writer(_Line(), lineterminator="\r\n")
    rows = 0
    with _Sink(folder / name) as plain, _Sink(folder / f"{name}.gz") as packed, _gzip(packed, name) as compressed:

        def put(lines):
            data = "".join(lines).encode()
            plain.write(data)
            compressed.write(data)

        put([writer.writerow(dataset.headers)])
        lines = []
        for cells in dataset.safe_rows():
            lines.append(writer.writerow(cells))
            rows += 1
            if len(lines) >= CSV_LINES:
                put(lines)
                lines = []
        if lines:
            put(lines)
    return [plain.entry(rows), packed.entry(rows)]


def _write_ocds(folder: Path, now) -> dict:
    """A release package of every release of every published agreement, streamed release by release."""
    releases = Release.objects.published().order_by("id").values_list("data", flat=True)
    # publishedDate: the latest release's, as the API's packages (unchanged data, unchanged bytes);
    # publisher, publication policy and extensions: the settings' (opendata.ocds.package_head)
    latest = Release.objects.published().aggregate(latest=Max("date"))["latest"] or now
    head = package_head(uri=conf.public_base_url().rstrip("/") + "/opendata/" + OCDS_FILE, published=latest)
    count = 0
    with _Sink(folder / OCDS_FILE) as packed, _gzip(packed, OCDS_FILE.removesuffix(".gz")) as compressed:
        compressed.write((json.dumps(head, ensure_ascii=False)[:-1] + ', "releases": [').encode())
        for chunk in _chunks(releases.iterator(chunk_size=OCDS_CHUNK), OCDS_CHUNK):
            for data in served_releases(chunk):  # without related agreements withdrawn since
                compressed.write((("," if count else "") + json.dumps(data, ensure_ascii=False)).encode())
                count += 1
        compressed.write(b"]}")
    return packed.entry(count)


def _write_bytes(folder: Path, name: str, data: bytes) -> dict:
    with _Sink(folder / name) as sink:
        sink.write(data)
    return sink.entry()


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


def _sums_text(entries) -> str:
    """``sha256sum -c`` format, by file name."""
    return "".join(f"{e['sha256']}  {e['name']}\n" for e in sorted(entries, key=lambda e: e["name"]))


@contextlib.contextmanager
def _snapshot():
    """One view of the database for the whole set (PostgreSQL: REPEATABLE READ, READ ONLY — the export
    writes nothing). Inside a transaction already begun (tests), that transaction's view serves."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _write_set(folder: Path, now) -> dict:
    created = timezone.localtime(now).replace(microsecond=0).isoformat()
    with _snapshot():
        querysets = published_querysets()
        entries = [entry for t in TABLES.values() for entry in _write_csv(folder, t, querysets[t.name])]
        entries += [entry for d in datasets() for entry in _write_dataset(folder, d)]
        entries.append(_write_ocds(folder, now))
    package = datapackage(created=created, base_url=conf.public_base_url(), files={e["name"]: e for e in entries})
    entries.append(_write_bytes(folder, "datapackage.json", json.dumps(package, ensure_ascii=False, indent=2).encode()))
    entries.append(_write_bytes(folder, SUMS, _sums_text(entries).encode()))
    manifest = {"generated": created, "version": VERSION, "files": entries}
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return manifest


def opendata_export(*, now=None) -> dict:
    """Write a new set of bulk files, make it current, and keep the year's archive if it has none yet.
    Returns {file: rows} of the CSV files and the OCDS file (its releases) for the log."""
    now = now or timezone.now()
    sets = root() / "sets"
    sets.mkdir(parents=True, exist_ok=True)
    for stale in sets.glob(".*.partial"):  # left by an export that was killed (exports never overlap)
        shutil.rmtree(stale, ignore_errors=True)
    name = timezone.localtime(now).strftime("%Y%m%dT%H%M%S%f")
    work = sets / f".{name}.partial"
    work.mkdir()
    try:
        manifest = _write_set(work, now)
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
    archive = archive_yearly(final, now=now)
    counts = {e["name"]: e["rows"] for e in manifest["files"] if e["name"].endswith(".csv") or e["name"] == OCDS_FILE}
    logger.info("open-data files written: %s%s", counts, f"; archive {archive.name}" if archive else "")
    return counts


def _prune(sets: Path, *, keep: Path) -> None:
    finished = sorted((p for p in sets.iterdir() if not p.name.startswith(".")), key=lambda p: p.name)
    for old in finished[:-KEEP_SETS]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)


# --- reading a set ------------------------------------------------------------------------------------


def _read_sums(path: Path) -> dict[str, str]:
    sums = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            digest, _sep, name = line.partition("  ")
            sums[name] = digest
    return sums


def manifest(folder: Path | None = None) -> dict | None:
    """A set's manifest (default: the current set's): {"generated", "version", "files": [{name, bytes,
    sha256, rows}]}."""
    folder = folder or current_dir()
    if folder is None:
        return None
    path = folder / MANIFEST
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    # a set written before manifests existed: sizes and sums from the folder, no row counts
    sums = _read_sums(folder / SUMS)
    entries = [
        {"name": p.name, "bytes": p.stat().st_size, "sha256": sums.get(p.name, ""), "rows": None}
        for p in sorted(folder.iterdir())
        if not p.name.startswith(".")
    ]
    generated = datetime.datetime.fromtimestamp(folder.stat().st_mtime, tz=datetime.UTC)
    return {
        "generated": timezone.localtime(generated).replace(microsecond=0).isoformat(),
        "version": None,
        "files": entries,
    }


def listing(folder: Path | None = None) -> list[dict]:
    """A set's files (default: the current set's) with rows, size, time and SHA-256, in the set's order."""
    current = manifest(folder)
    if current is None:
        return []
    modified = datetime.datetime.fromisoformat(current["generated"])
    return [{**entry, "size": entry["bytes"], "modified": modified} for entry in current["files"]]


# --- yearly archives ----------------------------------------------------------------------------------


def archive_yearly(folder: Path, *, now) -> Path | None:
    """Keep the set in ``folder`` as this year's dated zip, unless the year has one. Prunes to the last
    archives_kept() archives. Returns the new archive, or None."""
    directory = archives_dir()
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob(".*.partial"):
        stale.unlink(missing_ok=True)
    day = timezone.localtime(now).date()
    existing = sorted(p for p in directory.iterdir() if ARCHIVE_NAME.fullmatch(p.name))
    archive = None
    if not any(ARCHIVE_NAME.fullmatch(p.name)["year"] == str(day.year) for p in existing):
        archive = _archive_write(folder, directory, f"kyoso-opendata-{day.isoformat()}.zip")
        existing = sorted([*existing, archive])
    for old in existing[: -archives_kept()]:
        old.unlink(missing_ok=True)
    _archive_sums(directory)
    return archive


def _archive_write(folder: Path, directory: Path, name: str) -> Path:
    """The set as a zip with its own SHA256SUMS, in a folder named after the archive. The gzip variants
    are left out (the zip compresses the CSVs itself); the datapackage.json lists none of them."""
    top = name.removesuffix(".zip")
    entries = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]
    kept = [e for e in entries if not e["name"].endswith(".csv.gz") and e["name"] != SUMS]
    work = directory / f".{name}.partial"
    try:
        with zipfile.ZipFile(work, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=GZIP_LEVEL) as archive:
            for entry in kept:
                stored = entry["name"].endswith(".gz")  # compressed already
                archive.write(
                    folder / entry["name"],
                    f"{top}/{entry['name']}",
                    compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED,
                )
            archive.writestr(f"{top}/{SUMS}", _sums_text(kept))
        work.rename(directory / name)
    except BaseException:
        work.unlink(missing_ok=True)
        raise
    return directory / name


def _archive_sums(directory: Path) -> None:
    """SHA256SUMS of exactly the archives present (a digest missing after a crash is taken again)."""
    known = _read_sums(directory / SUMS)
    entries = [
        {"name": p.name, "sha256": known.get(p.name) or _sha256(p)}
        for p in directory.iterdir()
        if ARCHIVE_NAME.fullmatch(p.name)
    ]
    temporary = directory / f".{SUMS}.partial"
    temporary.write_text(_sums_text(entries), encoding="utf-8")
    os.replace(temporary, directory / SUMS)


def archive_listing() -> list[dict]:
    """The yearly archives, newest first: name, date, year, bytes, sha256."""
    directory = archives_dir()
    if not directory.is_dir():
        return []
    sums = _read_sums(directory / SUMS)
    archives = []
    for path in sorted(directory.iterdir(), reverse=True):
        match = ARCHIVE_NAME.fullmatch(path.name)
        if match is None:
            continue
        archives.append(
            {
                "name": path.name,
                "date": datetime.date.fromisoformat(match["date"]),
                "year": int(match["year"]),
                "bytes": path.stat().st_size,
                "sha256": sums.get(path.name, ""),
                "modified": datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC),
            }
        )
    return archives


def archive_path(name: str) -> Path | None:
    if ARCHIVE_NAME.fullmatch(name) is None:
        return None
    path = archives_dir() / name
    return path if path.is_file() else None
