"""What the public petition page and petition.json say about thresholds
reached and the outcome."""

from django.core.cache import cache
from django.db.models.signals import post_save
from django.dispatch import receiver

from signme.petitions.models import Petition, ThresholdReached

from .models import Outcome

_TTL = 10


def _key(petition_id: int) -> str:
    return f"public-status:{petition_id}"


def public_status(petition: Petition) -> dict:
    """Cached briefly, like the petition itself: public pages take surges."""
    status = cache.get(_key(petition.pk))
    if status is None:
        status = {
            "reached": list(
                petition.reached.select_related("threshold").order_by("threshold__count")
            ),
            "outcome": Outcome.objects.filter(petition=petition).first(),
        }
        if status["outcome"] is not None and status["outcome"].is_empty:
            status["outcome"] = None
        cache.set(_key(petition.pk), status, _TTL)
    return status


def outcome_json(petition: Petition) -> dict | None:
    outcome = public_status(petition)["outcome"]
    if outcome is None:
        return None
    return {
        "submitted_on": outcome.submitted_on,
        "acknowledged_on": outcome.acknowledged_on,
        "acknowledgement": outcome.acknowledgement,
        "response_on": outcome.response_on,
        "response": outcome.response,
        "debate_on": outcome.debate_on,
        "debate": outcome.debate,
    }


@receiver(post_save, sender=Outcome)
@receiver(post_save, sender=ThresholdReached)
def _forget_public_status(sender, instance, **kwargs):
    cache.delete(_key(instance.petition_id))
