"""What a webhook says: ids and counts always; a signer's details only while
they let the organisation contact them, and only those of the channels they
agreed to. Built when it is sent, so an opt-out made while it waited wins."""

from signme.petitions.counting import get_counts
from signme.petitions.models import ThresholdReached
from signme.webhooks.models import Delivery, Event

from .preferences import receiving


def _person(signature) -> dict | None:
    if signature.erased_at is not None:
        return None
    allowed = receiving(signature)
    if not any(allowed.values()):
        return None
    person = {"name": signature.name, "postcode": signature.postcode}
    if allowed["email"]:
        person["email"] = signature.email
    if allowed["sms"] or allowed["phone"]:
        person["phone"] = signature.phone
    if allowed["post"]:
        person["address"] = signature.address
    return person


def webhook_body(delivery: Delivery) -> dict:
    petition = delivery.petition
    body = {
        "id": delivery.pk,
        "event": delivery.event,
        "occurred_at": delivery.created_at.isoformat(),
        "organisation": petition.organisation_id,
        "petition": {"number": petition.number, "signature_count": get_counts(petition.pk).total},
    }
    signature = delivery.signature
    if signature is not None:
        body["signature"] = {
            "id": signature.pk,
            "source": signature.source,
            "counted": signature.validity == signature.Validity.COUNTED,
            # Never after an opt-out: the event is the withdrawal itself.
            "person": None if delivery.event == Event.SIGNER_OPTED_OUT else _person(signature),
        }
    if delivery.threshold is not None:
        reached = ThresholdReached.objects.filter(
            petition=petition, threshold=delivery.threshold
        ).first()
        body["threshold"] = {
            "count": delivery.threshold.count,
            "triggers": delivery.threshold.triggers,
            "reached_at": reached.reached_at.isoformat() if reached else None,
        }
    return body
