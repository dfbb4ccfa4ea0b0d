"""The national procedure catalogue: outcomes/data/procedures.csv, one procedure a row, each with its
legal basis, any statutory limit and the sources it was checked against (URLs, space-separated)."""

import csv
from dataclasses import dataclass
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "procedures.csv"
FIELDS = ("code", "group", "name", "name_en", "legal_basis", "statutory_limit_days", "statutory_limit_basis", "sources")


@dataclass(frozen=True)
class CatalogueEntry:
    code: str
    group: str
    name: str
    name_en: str
    legal_basis: str
    statutory_limit_days: int | None
    statutory_limit_basis: str
    sources: list
    notes: str

    def values(self) -> dict:
        """The Procedure fields this entry sets."""
        return {
            "group": self.group,
            "name": self.name,
            "name_en": self.name_en,
            "legal_basis": self.legal_basis,
            "statutory_limit_days": self.statutory_limit_days,
            "statutory_limit_basis": self.statutory_limit_basis,
            "sources": self.sources,
            "notes": self.notes,
            "active": True,
        }


def read_catalogue(path: Path = DATA_FILE) -> list[CatalogueEntry]:
    """The entries of the data file, in its order."""
    with open(path, encoding="utf-8", newline="") as handle:
        return [
            CatalogueEntry(
                code=row["code"].strip(),
                group=row["group"].strip(),
                name=row["name"].strip(),
                name_en=row["name_en"].strip(),
                legal_basis=row["legal_basis"].strip(),
                statutory_limit_days=int(row["statutory_limit_days"]) if row["statutory_limit_days"].strip() else None,
                statutory_limit_basis=row["statutory_limit_basis"].strip(),
                sources=row["sources"].split(),
                notes=row["notes"].strip(),
            )
            for row in csv.DictReader(handle)
        ]


def load_catalogue(procedure_model, entries: list[CatalogueEntry]) -> tuple[int, int]:
    """Create or update the national procedures of ``entries`` (``procedure_model``: the model, or its
    historical version in a migration). Rows already equal are not written. Returns (created, updated)."""
    existing = {p.code: p for p in procedure_model.objects.filter(municipality__isnull=True)}
    created = updated = 0
    for entry in entries:
        values = entry.values()
        procedure = existing.get(entry.code)
        if procedure is None:
            procedure_model.objects.create(code=entry.code, municipality=None, **values)
            created += 1
        elif any(getattr(procedure, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(procedure, field, value)
            procedure.save()
            updated += 1
    return created, updated


def procedure_for_code(code: str, municipality=None, *, active_only: bool = False):
    """The procedure a code names for a municipality: the national one, else the municipality's own of the
    same spelling (compared without case, as a case file's codes are) — a national code always wins. None
    when there is none. ``municipality`` (a Municipality or its pk) None: national procedures only."""
    from django.db.models import F, Q

    from .models import Procedure

    condition = Q(municipality__isnull=True)
    if municipality is not None:
        condition |= Q(municipality=municipality)
    found = Procedure.objects.filter(condition, code__iexact=code)
    if active_only:
        found = found.filter(active=True)
    return found.order_by(F("municipality").asc(nulls_first=True)).first()
