"""Who may see and do what: the one place that answers it.

Organisers see every petition of the organisations they organise for;
volunteers only the petitions they were given, and only within their own
organisation; superusers everything. Outsiders get 404, never 403: a
petition's staff pages do not even admit they exist."""

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from signme.webhooks.models import Webhook

from .cache import cached_public_petition, keep_public_petition
from .models import Membership, Organisation, Petition, Target

ORGANISER = Membership.Role.ORGANISER
VOLUNTEER = Membership.Role.VOLUNTEER


def public_petition(number: int) -> Petition:
    """The petition for its public pages, cached briefly: during a surge every
    page view and signature needs it, and it changes a few times in its life."""
    petition = cached_public_petition(number)
    if petition is not None:
        return petition
    petition = get_object_or_404(
        Petition.objects.select_related("organisation", "target"), number=number
    )
    petition.cached_notice = petition.current_notice
    petition.cached_thresholds = list(petition.target.thresholds.all())
    keep_public_petition(number, petition)
    return petition


def public_petition_for(request, number: int) -> Petition:
    """The petition for its public pages and files. A draft is not public yet:
    404 for everyone but the staff who work on it, who may preview it."""
    petition = public_petition(number)
    if petition.status == Petition.Status.DRAFT and not (
        request.user.is_authenticated
        and petitions_visible_to(request.user).filter(pk=petition.pk).exists()
    ):
        raise Http404
    return petition


def organisations_run_by(user) -> QuerySet[Organisation]:
    """The organisations this user is an organiser of."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(membership__user=user, membership__role=ORGANISER)


def targets_run_by(user) -> QuerySet[Target]:
    """Targets of the petitions this user organises. A target can be shared by
    several organisations' petitions: each of their organisers may see it,
    and changes it only by making a copy for their own petitions
    (petitions.targets)."""
    if not user.is_authenticated:
        return Target.objects.none()
    if user.is_superuser:
        return Target.objects.all()
    return Target.objects.filter(petition__in=petitions_run_by(user)).distinct()


def targets_offered_to(user) -> QuerySet[Target]:
    """Targets this user may pick for a petition: those of the petitions they
    organise, and any nobody petitions yet (a council just added, or loaded
    from a preset), which belongs to no organisation."""
    if not user.is_authenticated:
        return Target.objects.none()
    if user.is_superuser:
        return Target.objects.all()
    return Target.objects.filter(Q(pk__in=targets_run_by(user)) | Q(petition=None)).distinct()


def organisation_run_by(request, pk: int) -> Organisation:
    """The organisation if this user organises it; 404 for everyone else."""
    return get_object_or_404(organisations_run_by(request.user), pk=pk)


def team_member(organisation: Organisation, pk: int) -> Membership:
    """A membership of this organisation (never another's), or 404."""
    return get_object_or_404(
        Membership.objects.select_related("user"), organisation=organisation, pk=pk
    )


def organisation_webhook(organisation: Organisation, pk: int) -> Webhook:
    """A webhook of this organisation (never another's), or 404."""
    return get_object_or_404(Webhook, organisation=organisation, pk=pk)


def petitions_a_volunteer_may_have(membership: Membership) -> QuerySet[Petition]:
    """A volunteer is given petitions of the organisation they belong to:
    petitions_visible_to ignores any other, so no form offers one."""
    return Petition.objects.filter(organisation_id=membership.organisation_id)


def organisers_of(organisation_id: int):
    """The organisation's organisers, as Membership rows with their users."""
    return (
        Membership.objects.filter(organisation_id=organisation_id, role=ORGANISER)
        .select_related("user")
        .order_by("user_id")
    )


def petitions_run_by(user) -> QuerySet[Petition]:
    """Petitions this user may manage as an organiser."""
    if not user.is_authenticated:
        return Petition.objects.none()
    if user.is_superuser:
        return Petition.objects.all()
    return Petition.objects.filter(
        organisation__membership__user=user, organisation__membership__role=ORGANISER
    )


def petitions_visible_to(user) -> QuerySet[Petition]:
    """Petitions this user works on, as an organiser or as a volunteer given
    them by their own organisation."""
    if not user.is_authenticated:
        return Petition.objects.none()
    if user.is_superuser:
        return Petition.objects.all()
    return Petition.objects.filter(
        Q(organisation__membership__user=user, organisation__membership__role=ORGANISER)
        | Q(
            volunteers__user=user,
            volunteers__role=VOLUNTEER,
            volunteers__organisation=F("organisation"),
        )
    ).distinct()


def is_organiser(user, petition: Petition) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        user=user, organisation_id=petition.organisation_id, role=ORGANISER
    ).exists()


def staff_petition(request, number: int, *, organiser_only: bool = False) -> Petition:
    """The petition if this user works on it; 404 for everyone else.

    Volunteers reach only the petitions they were given, and nothing that is
    organiser_only (signer lists, exports, emails)."""
    qs = petitions_run_by(request.user) if organiser_only else petitions_visible_to(request.user)
    return get_object_or_404(qs.select_related("organisation", "target"), number=number)
