"""Queuing an event for every webhook of the organisation, in the caller's
transaction, so an event is sent if and only if what caused it is stored."""

from .models import Delivery, Event, Webhook


def queue_event(
    event: Event,
    organisation_id: int,
    petition_id: int,
    *,
    signature_id: int | None = None,
    threshold_id: int | None = None,
) -> int:
    """One SELECT when the organisation has no webhook, which is the usual case."""
    hooks = list(
        Webhook.objects.filter(organisation_id=organisation_id).values_list("pk", flat=True)
    )
    Delivery.objects.bulk_create(
        Delivery(
            webhook_id=hook,
            event=event,
            petition_id=petition_id,
            signature_id=signature_id,
            threshold_id=threshold_id,
        )
        for hook in hooks
    )
    return len(hooks)
