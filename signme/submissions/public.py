"""What the public petition page and petition.json say about thresholds
reached and the outcome."""

from django.core.cache import cache

from signme.petitions.models import Petition

from .models import Outcome, public_status_key

_TTL = 10


def public_status(petition: Petition) -> dict:
    """Cached briefly, like the petition itself: public pages take surges."""
    status = cache.get(public_status_key(petition.pk))
    if status is None:
        status = {
            "reached": list(
                petition.reached.select_related("threshold").order_by("threshold__count")
            ),
            "outcome": Outcome.objects.filter(petition=petition).first(),
        }
        if status["outcome"] is not None and status["outcome"].is_empty:
            status["outcome"] = None
        cache.set(public_status_key(petition.pk), status, _TTL)
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


def forget_public_status(petition_id: int) -> None:
    """After a threshold is reached or the outcome changes: show it at once."""
    cache.delete(public_status_key(petition_id))
