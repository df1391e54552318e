"""Record an audit event. Call it wherever personal data is viewed, exported,
imported or erased, or email is sent to signers."""

from .models import AuditEvent

Action = AuditEvent.Action


def record(actor, action: Action, subject: str, *, petition=None, organisation=None, count=0):
    # Only the enum: a bare string would slip a new, unlisted action past the log's readers.
    if not isinstance(action, Action):
        raise TypeError(f"audit action must be an AuditEvent.Action, not {action!r}")
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
