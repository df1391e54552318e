"""The "Checking signatures" section of the organiser's petition page."""

from signme.petitions.invalidation import held_for_review
from signme.petitions.models import Petition


def moderation_summary(petition: Petition) -> dict:
    return {
        "held": held_for_review(petition).count(),
        "invalidations": petition.invalidations.filter(undone_at=None).count(),
    }
