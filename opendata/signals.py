"""Each change to a published agreement becomes a dated OCDS release.

Why signals: changes reach these records from everywhere (the services, the admin, imports, the demo
loader), and the agreements app must not know that open data exists (opendata depends on agreements,
never the reverse). post_save / post_delete of the records a release is made of are the one place
that sees every change. The receivers only find the agreement and schedule; the service does the work
after the commit, once per agreement and transaction.
"""

from django.db.models.signals import post_delete, post_save

from agreements.models import (
    Agreement,
    Amendment,
    Deliverable,
    Document,
    Initiative,
    Measurement,
    OutcomeIndicator,
    Party,
)

from .services import release_record_on_commit

RELEASE_MODELS = (Agreement, Party, Initiative, Deliverable, OutcomeIndicator, Measurement, Document, Amendment)


def published_agreement_id(instance) -> int | None:
    """The id of the instance's agreement if that agreement is published (at most one query).

    Ids only, never the related objects: during a cascade delete those may already be gone.
    """
    if isinstance(instance, Agreement):
        return instance.pk if instance.published else None
    if isinstance(instance, Deliverable):
        lookup = {"initiatives": instance.initiative_id}
    elif isinstance(instance, Measurement):
        lookup = {"indicators": instance.indicator_id}
    else:
        lookup = {"pk": instance.agreement_id}
    return Agreement.objects.filter(published=True, **lookup).values_list("pk", flat=True).first()


def record_changed(sender, instance, using, raw=False, **kwargs):
    if raw:  # fixtures being loaded: not a change anyone made
        return
    agreement_id = published_agreement_id(instance)
    if agreement_id is not None:
        release_record_on_commit(agreement_id=agreement_id, using=using)


def connect():
    """Called from OpendataConfig.ready()."""
    for model in RELEASE_MODELS:
        label = model._meta.label_lower
        post_save.connect(record_changed, sender=model, dispatch_uid=f"opendata-release-{label}-save")
        if model is not Agreement:
            # A deleted agreement leaves nothing to publish; its releases go with it (CASCADE).
            post_delete.connect(record_changed, sender=model, dispatch_uid=f"opendata-release-{label}-delete")
