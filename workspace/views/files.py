"""Evidence files, served only to members and only as downloads (never from /media/)."""

from pathlib import PurePath

from django.http import FileResponse, Http404

from agreements.models import ProgressUpdate
from partnerships.access import access_for

from ..access import workspace_view


@workspace_view
def evidence(request, pk):
    """The evidence of a progress report: for officers of the municipality and users of the responsible
    organization. Anyone else gets a 404, so that the report's existence is not revealed."""
    update = get_object_or_404_evidence(pk)
    access = access_for(request.user)
    deliverable = update.deliverable
    allowed = access.is_officer(deliverable.initiative.agreement.municipality_id) or (
        deliverable.responsible_id is not None and access.is_partner(deliverable.responsible_id)
    )
    if not allowed:
        raise Http404
    try:
        handle = update.evidence.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=PurePath(update.evidence.name).name)
    # A download, never a page: no sniffing, no scripts even if a browser were to render it.
    response["Content-Type"] = "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def get_object_or_404_evidence(pk):
    # select_related: the permission check reads the deliverable's agreement
    update = ProgressUpdate.objects.select_related("deliverable__initiative__agreement").filter(pk=pk).first()
    if update is None or not update.evidence:
        raise Http404
    return update
