"""A target shared by petitions of different campaigns, and the copy that
lets one campaign change the scheme for its own petitions only."""

from django.db import transaction

from .access import petitions_run_by
from .cache import forget_public_petition
from .models import Petition, Target, Threshold


def shared_with_others(user, target: Target) -> bool:
    """Whether petitions this user does not organise use this target too: a
    change to its scheme would then change how theirs are counted and what
    their thresholds do. Superusers look after every campaign."""
    if user.is_superuser:
        return False
    return target.petition_set.exclude(pk__in=petitions_run_by(user)).exists()


def copy_for_own_petitions(user, target: Target) -> Target:
    """A copy of the target, its scheme and its thresholds, which the
    petitions this user organises then use; the other campaigns' petitions
    keep the original as it is."""
    with transaction.atomic():
        copy = Target.objects.get(pk=target.pk)
        copy.pk = None
        copy._state.adding = True
        copy.save()
        Threshold.objects.bulk_create(
            Threshold(target=copy, count=t.count, triggers=t.triggers)
            for t in target.thresholds.all()
        )
        mine = Petition.objects.filter(target=target, pk__in=petitions_run_by(user))
        numbers = list(mine.values_list("number", flat=True))
        mine.update(target=copy)
    for number in numbers:
        forget_public_petition(number)
    return copy
