"""Who takes part in the demo: three real municipalities, and from ``data/people.toml`` their
departments, fictional partner organizations, contact persons on both sides and the demo accounts."""

import datetime
import tomllib
from dataclasses import dataclass
from pathlib import Path

from partnerships.codes import corporate_number_check_digit

SHIJONAWATE, DAITO, KAGA = "272299", "272183", "172065"
DEMO_CITY_CODES = (SHIJONAWATE, DAITO, KAGA)
# The demo cities, then the prefectures of the demo organizations: all must be loaded first.
REQUIRED_MUNICIPALITIES = {
    SHIJONAWATE: "四條畷市",
    DAITO: "大東市",
    KAGA: "加賀市",
    "130001": "東京都",
    "170003": "石川県",
    "270008": "大阪府",
}

# Rounded figures of the 2020 census, set only where the loaded list has no population yet.
POPULATIONS = {SHIJONAWATE: 55_000, DAITO: 119_000, KAGA: 63_000}
POPULATION_COUNTED_ON = datetime.date(2020, 10, 1)


@dataclass(frozen=True)
class OrganizationSpec:
    key: str
    serial: int
    name: str
    kana: str
    name_en: str
    kind: str
    industry: str
    prefecture: str  # prefecture code
    website: str

    @property
    def corporate_number(self) -> str:
        """The check digit, then 9999 (a registry office code nobody has) and the serial."""
        base = f"9999{self.serial:08d}"
        return corporate_number_check_digit(base) + base


@dataclass(frozen=True)
class ContactSpec:
    """A person on one side: ``side`` is a municipality code (with a department) or an organization key."""

    side: str
    name: str
    kana: str
    title: str
    email: str
    department: str = ""


@dataclass(frozen=True)
class AccountSpec:
    """A demo user and the single membership that gives its rights."""

    username: str
    first_name: str
    last_name: str
    description: str
    is_superuser: bool = False
    is_staff: bool = False
    municipality: str | None = None  # code
    organization: str | None = None  # organization key
    role: str | None = None

    @property
    def email(self) -> str:
        return f"{self.username}@example.jp"


_DATA = tomllib.loads((Path(__file__).parent / "data" / "people.toml").read_text(encoding="utf-8"))

DEPARTMENTS: dict[str, list[tuple[str, str]]] = {
    code: [tuple(row) for row in rows] for code, rows in _DATA["departments"].items()
}
ORGANIZATIONS = [OrganizationSpec(**row) for row in _DATA["organization"]]
CONTACTS = [ContactSpec(**row) for row in _DATA["contact"]]
ACCOUNTS = [AccountSpec(**row) for row in _DATA["account"]]
