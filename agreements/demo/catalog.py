"""The demo agreements, read from the TOML files in ``data/`` into the specs of ``specs.py``.

Dates in the files are relative to the day the demo is loaded, so that some deliverables are always
due in a few days and some overdue: ``FY-2/05/15`` is 15 May of the fiscal year two years before the
current one (months 01–03 belong to the end of a fiscal year), ``today+5`` is five days from today.
"""

import re
import tomllib
from pathlib import Path

from .specs import AgreementSpec, AmendmentSpec, DeliverableSpec, DocumentSpec, IndicatorSpec, InitiativeSpec, Report
from .timeline import Timeline

DATA = Path(__file__).parent / "data"
FILES = ("shijonawate.toml", "daito.toml", "kaga.toml")  # parents before their individual agreements

_DATE = re.compile(r"FY(?P<fy>[+-]?\d+)/(?P<month>\d{2})/(?P<day>\d{2})|today(?P<days>[+-]\d+)")
_DATE_FIELDS = {"signed_on", "starts_on", "ends_on", "due_on", "met_on", "amended_on", "dated"}
_CHILDREN = {
    "amendments": AmendmentSpec,
    "documents": DocumentSpec,
    "initiatives": InitiativeSpec,
    "deliverables": DeliverableSpec,
    "reports": Report,
    "indicators": IndicatorSpec,
}


def agreement_specs(timeline: Timeline) -> list[AgreementSpec]:
    """Every demo agreement, with its dates resolved against the timeline."""
    specs = []
    for name in FILES:
        data = tomllib.loads((DATA / name).read_text(encoding="utf-8"))
        specs += [_spec(AgreementSpec, row, timeline) for row in data["agreement"]]
    return specs


def parse_date(text: str, timeline: Timeline):
    match = _DATE.fullmatch(text)
    if match is None:
        raise ValueError(f"Not a demo date: {text!r} (expected e.g. FY-2/05/15 or today+5)")
    if match["days"]:
        return timeline.days(int(match["days"]))
    return timeline.fy(int(match["fy"]), (int(match["month"]) - 4) % 12, int(match["day"]))


def _spec(cls, row: dict, timeline: Timeline):
    values = {}
    for key, value in row.items():
        if key in _CHILDREN:
            value = tuple(_spec(_CHILDREN[key], child, timeline) for child in value)
        elif key in _DATE_FIELDS:
            value = parse_date(value, timeline)
        elif isinstance(value, list):
            value = tuple(tuple(item) if isinstance(item, list) else item for item in value)
        values[key] = value
    return cls(**values)  # an unknown key raises a TypeError that names it
