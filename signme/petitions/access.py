"""Who may see what. Outsiders get 404, never 403: a petition's staff pages do
not even admit they exist."""

import time

from django.core.cache import cache
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Membership, Petition, PrivacyNotice, Target, Threshold

_PUBLIC_TTL = 5
# Per-process, not the shared cache: unpickling a petition on every request
# costs more than the lookup it saves. Another process sees an edit within
# _PUBLIC_TTL seconds; this one at once (the signals below).
_public: dict[int, tuple[float, Petition]] = {}


def public_petition(number: int) -> Petition:
    """The petition for its public pages, cached briefly: during a surge every
    page view and signature needs it, and it changes a few times in its life."""
    now = time.monotonic()
    hit = _public.get(number)
    if hit is not None and hit[0] > now:
        return hit[1]
    petition = get_object_or_404(
        Petition.objects.select_related("organisation", "target"), number=number
    )
    petition.cached_notice = petition.current_notice
    petition.cached_thresholds = list(petition.target.thresholds.all())
    _public[number] = (now + _PUBLIC_TTL, petition)
    return petition


def forget_public_petition(number: int) -> None:
    _public.pop(number, None)
    cache.delete(f"page:{number}:")


@receiver(post_save, sender=Petition)
@receiver(post_save, sender=PrivacyNotice)
def _forget_petition(sender, instance, **kwargs):
    petition = instance if sender is Petition else instance.petition
    forget_public_petition(petition.number)


@receiver(post_save, sender=Target)
@receiver(post_save, sender=Threshold)
def _forget_target_petitions(sender, instance, **kwargs):
    target = instance if sender is Target else instance.target
    for number in target.petition_set.values_list("number", flat=True):
        forget_public_petition(number)


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
