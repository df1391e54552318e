"""Who may see what. Outsiders get 404, never 403: a petition's staff pages do
not even admit they exist."""

from django.core.cache import cache
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Membership, Petition, PrivacyNotice, Target, Threshold

_PUBLIC_TTL = 10


def public_petition(number: int) -> Petition:
    """The petition for its public pages, cached briefly: during a surge every
    page view and signature needs it, and it changes a few times in its life."""
    key = f"petition:{number}"
    petition = cache.get(key)
    if petition is None:
        petition = get_object_or_404(
            Petition.objects.select_related("organisation", "target"), number=number
        )
        petition.cached_notice = petition.current_notice
        petition.cached_thresholds = list(petition.target.thresholds.all())
        cache.set(key, petition, _PUBLIC_TTL)
    return petition


@receiver(post_save, sender=Petition)
@receiver(post_save, sender=PrivacyNotice)
def _forget_petition(sender, instance, **kwargs):
    petition = instance if sender is Petition else instance.petition
    cache.delete(f"petition:{petition.number}")


@receiver(post_save, sender=Target)
@receiver(post_save, sender=Threshold)
def _forget_target_petitions(sender, instance, **kwargs):
    target = instance if sender is Target else instance.target
    cache.delete_many(
        [f"petition:{n}" for n in target.petition_set.values_list("number", flat=True)]
    )


def staff_petition(request, number: int, *, organiser_only: bool = False) -> Petition:
    """The petition if this user works on it; 404 for everyone else.

    Volunteers reach only the petitions they were given, and nothing that is
    organiser_only (signer lists, exports, emails)."""
    user = request.user
    if not user.is_authenticated:
        raise Http404
    qs = Petition.objects.select_related("organisation", "target")
    if user.is_superuser:
        return get_object_or_404(qs, number=number)
    petition = get_object_or_404(qs.visible_to(user), number=number)
    if organiser_only and not is_organiser(user, petition):
        raise Http404
    return petition


def is_organiser(user, petition: Petition) -> bool:
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        user=user, organisation_id=petition.organisation_id, role=Membership.Role.ORGANISER
    ).exists()
