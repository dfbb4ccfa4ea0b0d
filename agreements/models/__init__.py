from .agreement import Agreement, Amendment, CooperationField, Document, Party
from .initiative import Deliverable, Initiative, ProgressUpdate
from .outcome import Measurement, OutcomeIndicator
from .publicity import AgreementSummary, PublicationVersion, PublicChange, PublicChangeKind
from .review import AnnualEvaluation, EvaluationGrade, RenewalDecision


def agreement_id_of(instance) -> int | None:
    """The id of the agreement a record belongs to (an agreement's own id); None for a record outside one.
    Reads ids along the way: a record that holds ``agreement_id`` costs no query."""
    if isinstance(instance, Agreement):
        return instance.pk
    if hasattr(instance, "agreement_id"):  # Party, Initiative, OutcomeIndicator, Document, Amendment
        return instance.agreement_id
    if hasattr(instance, "initiative_id"):  # Deliverable
        return instance.initiative.agreement_id
    if hasattr(instance, "indicator_id"):  # Measurement
        return instance.indicator.agreement_id
    if hasattr(instance, "deliverable_id"):  # ProgressUpdate
        return instance.deliverable.initiative.agreement_id
    return None


__all__ = [
    "Agreement",
    "AgreementSummary",
    "Amendment",
    "AnnualEvaluation",
    "CooperationField",
    "Deliverable",
    "Document",
    "EvaluationGrade",
    "Initiative",
    "Measurement",
    "OutcomeIndicator",
    "Party",
    "ProgressUpdate",
    "PublicChange",
    "PublicChangeKind",
    "PublicationVersion",
    "RenewalDecision",
    "agreement_id_of",
]
