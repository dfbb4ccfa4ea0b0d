"""Files of the nightly set that come from apps above ``opendata`` (the layers: opendata may not import
them): an app describes its file here once — name, title, description, Table Schema, headers and a row
generator — from its ``AppConfig.ready`` (``register``), and the bulk export, ``datapackage.json``, the
DCAT catalogue and ``index.json`` take it up as they take the tables of ``agreements.tables``.

The service outcomes app registers ``outcome_figures`` and ``procedures`` this way (outcomes/files.py,
docs/architecture.md "Files from higher apps").

A dataset's ``rows`` is called inside the export's snapshot (REPEATABLE READ) and must stream: read with
a server-side cursor (``.iterator()``) and yield one list of cells per row, every cell a ``str`` (numbers
and dates already written as the file holds them, "" for empty). Text cells are made formula-safe here
(``core.tables.csv_safe``), as for every other file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from core.tables import csv_safe


@dataclass(frozen=True)
class Dataset:
    """One CSV file of the set. ``schema`` is its Table Schema (fields in file order, primaryKey,
    foreignKeys, missingValues); ``rows`` yields the cells of each row in the same order."""

    name: str  # file stem: outcome_figures → outcome_figures.csv
    title: str  # Japanese
    title_en: str
    description: str  # Japanese
    description_en: str
    schema: dict
    rows: Callable[[], Iterator[list[str]]]
    api_view: str = ""  # URL name of an API list serving the same rows as JSON ("" = none)

    @property
    def headers(self) -> list[str]:
        return [field["name"] for field in self.schema["fields"]]

    @property
    def text_columns(self) -> list[int]:
        return [i for i, field in enumerate(self.schema["fields"]) if field.get("type", "string") == "string"]

    def safe_rows(self) -> Iterator[list[str]]:
        """The rows with their text cells formula-safe."""
        texts = self.text_columns
        for cells in self.rows():
            for index in texts:
                if cells[index]:
                    cells[index] = csv_safe(cells[index])
            yield cells


_DATASETS: dict[str, Dataset] = {}


def register(dataset: Dataset) -> None:
    """Add (or replace: ready() may run twice in tests) a file of the set."""
    _DATASETS[dataset.name] = dataset


def datasets() -> list[Dataset]:
    """The registered files, in the order they were registered."""
    return list(_DATASETS.values())


# --- measurements computed by a higher app -----------------------------------------------------------

_COMPUTED_SOURCES: set[str] = set()


def computed_source_register(source: str) -> None:
    """A ``Measurement.source`` that marks a value computed by Kyoso rather than reported (the service
    outcomes app's 「案件記録（Kyoso による自動計算）」): its OCDS observation says so (opendata.ocds)."""
    _COMPUTED_SOURCES.add(source)


def is_computed(source: str) -> bool:
    return source in _COMPUTED_SOURCES
