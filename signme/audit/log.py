"""Record an audit event. Call it wherever personal data is viewed, exported,
imported or erased."""

from .models import AuditEvent


def record(actor, action: str, subject: str, *, petition=None, organisation=None, count=0):
    if organisation is None and petition is not None:
        organisation = petition.organisation
    label = "system"
    if actor is not None and getattr(actor, "is_authenticated", False):
        label = actor.get_username()
    return AuditEvent.objects.create(
        actor=actor if label != "system" else None,
        actor_label=label,
        action=action,
        subject=subject,
        petition=petition,
        organisation=organisation,
        count=count,
    )
