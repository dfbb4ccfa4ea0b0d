from .agreement import Agreement, Amendment, CooperationField, Document, Party
from .initiative import Deliverable, Initiative, ProgressUpdate
from .outcome import Measurement, OutcomeIndicator

__all__ = [
    "Agreement",
    "Amendment",
    "CooperationField",
    "Deliverable",
    "Document",
    "Initiative",
    "Measurement",
    "OutcomeIndicator",
    "Party",
    "ProgressUpdate",
]
