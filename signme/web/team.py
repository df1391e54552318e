"""An organisation's team: who is in it, inviting by email, removing someone,
and which petitions each volunteer has; and the page an invitation's link
opens. Organisers of the organisation only: 404 for everyone else."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from signme.lib.http import private_no_store, see_other
from signme.limits.counters import rate_limited
from signme.petitions.access import organisation_run_by, team_member
from signme.petitions.models import Invitation, Membership, Petition
from signme.petitions.team import (
    InvitationUnusable,
    accept,
    account_for,
    cancel_invitation,
    give_petitions,
    invitation_from_token,
    invite,
    is_last_organiser,
    remove_member,
)

from .team_forms import InviteForm, VolunteerPetitionsForm


def _team_page(request, organisation, form, status=200, wait=0):
    members = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "petitions",
                queryset=Petition.objects.filter(organisation=organisation).order_by("-number"),
            )
        )
        .order_by("user__username")
    )
    oldest = timezone.now() - timezone.timedelta(seconds=settings.INVITATION_MAX_AGE)
    context = {
        "organisation": organisation,
        "organisers": [m for m in members if m.role == Membership.Role.ORGANISER],
        "volunteers": [m for m in members if m.role == Membership.Role.VOLUNTEER],
        "invitations": organisation.invitations.filter(
            accepted_at=None, created_at__gt=oldest
        ).order_by("-created_at"),
        "form": form,
        "wait_minutes": (wait + 59) // 60,
    }
    response = render(request, "web/organise/team.html", context, status=status)
    if wait:
        response["Retry-After"] = str(wait)
    return private_no_store(response)


@login_required
@require_http_methods(["GET"])
def team_page(request, organisation: int):
    org = organisation_run_by(request, organisation)
    return _team_page(request, org, InviteForm(organisation=org))


@login_required
@require_POST
def team_invite(request, organisation: int):
    org = organisation_run_by(request, organisation)
    form = InviteForm(request.POST, organisation=org)
    if not form.is_valid():
        return _team_page(request, org, form, status=400)
    wait = rate_limited("invite", str(request.user.pk), settings.INVITATIONS_PER_HOUR, window=3600)
    if wait:
        minutes = (wait + 59) // 60
        form.add_error(
            None,
            ngettext(
                "You have sent %(sent)s invitations in the last hour. "
                "Try again in %(minutes)s minute.",
                "You have sent %(sent)s invitations in the last hour. "
                "Try again in %(minutes)s minutes.",
                minutes,
            )
            % {"sent": settings.INVITATIONS_PER_HOUR, "minutes": minutes},
        )
        return _team_page(request, org, form, status=429, wait=wait)
    email, role = form.cleaned_data["email"], form.cleaned_data["role"]
    invite(org, email, role, request.user)
    messages.success(request, gettext("Invitation sent to %(email)s.") % {"email": email})
    return see_other(reverse("team", args=[org.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def team_member_page(request, organisation: int, pk: int):
    org = organisation_run_by(request, organisation)
    membership = team_member(org, pk)
    if membership.role != Membership.Role.VOLUNTEER:
        raise Http404  # organisers see every petition: there is nothing to give
    data = request.POST if request.method == "POST" else None
    form = VolunteerPetitionsForm(data, membership=membership)
    if request.method == "POST" and form.is_valid():
        give_petitions(membership, list(form.cleaned_data["petitions"]), request.user)
        messages.success(
            request,
            gettext("Saved the petitions of %(who)s.") % {"who": membership.user.get_username()},
        )
        return see_other(reverse("team", args=[org.pk]))
    context = {"organisation": org, "membership": membership, "form": form}
    status = 400 if form.errors else 200
    return private_no_store(
        render(request, "web/organise/team_member.html", context, status=status)
    )


@login_required
@require_POST
def team_remove(request, organisation: int, pk: int):
    org = organisation_run_by(request, organisation)
    membership = team_member(org, pk)
    name = membership.user.get_username()
    if is_last_organiser(membership):
        messages.error(
            request,
            gettext(
                "%(who)s is the only organiser of %(org)s: invite another organiser "
                "before removing them."
            )
            % {"who": name, "org": org.name},
        )
        return see_other(reverse("team", args=[org.pk]))
    remove_member(membership, request.user)
    messages.success(
        request,
        gettext("%(who)s is no longer in the team of %(org)s.") % {"who": name, "org": org.name},
    )
    if membership.user_id == request.user.pk:
        return see_other(reverse("organise"))
    return see_other(reverse("team", args=[org.pk]))


@login_required
@require_POST
def team_cancel(request, organisation: int, pk: int):
    org = organisation_run_by(request, organisation)
    invitation = get_object_or_404(Invitation, organisation=org, pk=pk, accepted_at=None)
    email = invitation.email
    cancel_invitation(invitation, request.user)
    messages.success(
        request,
        gettext("The invitation to %(email)s is cancelled: its link no longer works.")
        % {"email": email},
    )
    return see_other(reverse("team", args=[org.pk]))


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "POST"])
def join(request, token: str):
    """The page an invitation opens. A newcomer chooses a password; someone
    with an account signs in first and then joins with one button."""
    try:
        invitation = invitation_from_token(token)
    except InvitationUnusable as e:
        return _unusable(request, e)
    account = account_for(invitation.email)
    context = {"invitation": invitation, "organisation": invitation.organisation}
    if account is not None:
        signed_in_as_invitee = request.user.is_authenticated and request.user.pk == account.pk
        if request.method == "POST" and signed_in_as_invitee:
            return _join(request, invitation, account)
        context |= {
            "mode": "join" if signed_in_as_invitee else "sign_in",
            "other_account": request.user.is_authenticated and not signed_in_as_invitee,
            "login_url": reverse("login") + "?next=" + request.path,
        }
        return private_no_store(render(request, "web/organise/join.html", context))
    if request.user.is_authenticated:
        context |= {"mode": "sign_out", "other_account": True}
        return private_no_store(render(request, "web/organise/join.html", context))
    User = get_user_model()
    newcomer = User(username=invitation.email.lower(), email=invitation.email.lower())
    form = SetPasswordForm(newcomer, request.POST if request.method == "POST" else None)
    form.fields["new_password1"].help_text = gettext(
        "At least 8 characters, and not one of the passwords everyone uses."
    )
    # Django's own words, which its Welsh catalogue does not have yet.
    form.fields["new_password2"].help_text = gettext(
        "Enter the same password as before, for verification."
    )
    if request.method == "POST" and form.is_valid():
        return _join(request, invitation, form)
    context |= {"mode": "new", "form": form}
    status = 400 if form.errors else 200
    return private_no_store(render(request, "web/organise/join.html", context, status=status))


def _unusable(request, error):
    context = {"reason": str(error)}
    return private_no_store(
        render(request, "web/organise/join_unusable.html", context, status=404)
    )


def _join(request, invitation, user_or_form):
    """Join, creating the account first when a form is given: both or neither."""
    try:
        with transaction.atomic():
            user = user_or_form
            if isinstance(user_or_form, SetPasswordForm):
                user = user_or_form.save()
            joined = accept(invitation, user)
    except InvitationUnusable as e:
        return _unusable(request, e)
    if not request.user.is_authenticated:
        auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if joined.membership.role == Membership.Role.ORGANISER:
        joined_text = gettext("You have joined %(org)s as organiser.")
    else:
        joined_text = gettext("You have joined %(org)s as volunteer.")
    messages.success(request, joined_text % {"org": invitation.organisation.name})
    return see_other(reverse("organise"))
