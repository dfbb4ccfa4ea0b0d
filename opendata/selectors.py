"""Reads the OCDS builder needs."""

from django.db.models import Prefetch

from agreements.models import Agreement, Document, Initiative, Measurement, Party


def agreements_for_ocds():
    """Agreements with everything ``opendata.ocds.agreement_release`` reads, in a fixed number of queries."""
    return (
        Agreement.objects
        # municipality and its prefecture name the buyer; the parent gives relatedProcesses
        .select_related("municipality__prefecture", "parent").prefetch_related(
            # each party's organization (and its prefecture, for the address) would be a query per party
            Prefetch("parties", Party.objects.select_related("organization__prefecture", "organization__municipality")),
            Prefetch("initiatives", Initiative.objects.order_by("id")),
            "initiatives__deliverables",
            "indicators",
            # filtered relations under their own names: the builder cannot see what is not public
            Prefetch(
                "indicators__measurements",
                Measurement.objects.accepted().order_by("period_start", "id"),
                to_attr="accepted_measurements",
            ),
            Prefetch("documents", Document.objects.filter(public=True).order_by("id"), to_attr="public_documents"),
            "amendments",
        )
    )
