"""An organisation's team: invitations by email, joining, leaving, and which
petitions each volunteer has. Pages call these; who may call them is
decided by access.py before."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from signme.audit.log import Action, record
from signme.lib.language import (
    ENGLISH,
    WELSH,
    current_language,
    in_language,
    lang_query,
    stored_language,
)
from signme.lib.tokens import BadToken, make_token, read_token
from signme.mailing.kinds import EmailKind, Rendered, render_templates
from signme.mailing.outbox import queue_email

from .models import Invitation, Membership, Organisation

ORGANISER = Membership.Role.ORGANISER


class InvitationUnusable(Exception):
    """The link is wrong, expired, used or cancelled: the message says which."""


def used_already() -> str:
    return gettext("This invitation has been used already. Sign in to reach the organiser pages.")


def invitation_token(invitation_id: int) -> str:
    return make_token("invitation", invitation_id)


def invitation_url(invitation_id: int) -> str:
    return settings.BASE_URL + reverse("team_join", args=[invitation_token(invitation_id)])


def invitation_from_token(token: str) -> Invitation:
    try:
        pk = int(read_token("invitation", token, settings.INVITATION_MAX_AGE))
    except BadToken as e:
        if str(e) == "expired":
            raise InvitationUnusable(
                gettext("This invitation has expired. Ask the organiser to invite you again.")
            ) from e
        raise InvitationUnusable(
            gettext("This invitation link is not complete or not right.")
        ) from e
    invitation = Invitation.objects.select_related("organisation").filter(pk=pk).first()
    if invitation is None:
        raise InvitationUnusable(
            gettext("This invitation was cancelled. Ask the organiser about it.")
        )
    if invitation.accepted_at is not None:
        raise InvitationUnusable(used_already())
    return invitation


def account_for(email: str):
    """The account this address already has, if any (usernames are addresses)."""
    User = get_user_model()
    return (
        User.objects.filter(username__iexact=email).first()
        or User.objects.filter(email__iexact=email).order_by("pk").first()
    )


@transaction.atomic
def invite(organisation: Organisation, email: str, role: str, by) -> Invitation:
    """Record the invitation and queue its email in the same transaction. The
    email is in the language the organiser is using: the worker renders it
    later, so a Welsh one is marked on the outbox row."""
    invitation = Invitation.objects.create(
        organisation=organisation, email=email, role=role, invited_by=by
    )
    headers = {"invitation": invitation.pk}
    if current_language() == WELSH:
        headers["language"] = WELSH
    queue_email(EmailKind.TEAM_INVITATION, email, headers=headers)
    record(
        by,
        Action.INVITE,
        f"invitation {invitation.pk} as {invitation.role}",
        organisation=organisation,
    )
    return invitation


def team_invitation(row) -> Rendered | None:
    """The invitation email, rendered when sent: nothing once it is used or
    cancelled. The token is made here, so it is never stored."""
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=(row.headers or {}).get("invitation"), accepted_at=None)
        .first()
    )
    if invitation is None:
        return None
    language = stored_language((row.headers or {}).get("language"))
    # The link opens the joining page in the email's language.
    query = lang_query(language)
    with in_language(language):
        rendered = render_templates(
            "petitions/emails/team_invitation",
            {
                "invitation": invitation,
                "organisation": invitation.organisation,
                "link": invitation_url(invitation.pk) + query,
                "days": settings.INVITATION_MAX_AGE // 86400,
                "has_account": account_for(invitation.email) is not None,
            },
        )
    rendered.headers = {}
    return rendered


@dataclass
class Joined:
    membership: Membership
    created: bool


@transaction.atomic
def accept(invitation: Invitation, user) -> Joined:
    """Join `user` to the team. Single use: of two requests racing with the
    same link, only one finds the invitation still open."""
    claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at=None).update(
        accepted_at=timezone.now(), accepted_by=user
    )
    if not claimed:
        raise InvitationUnusable(used_already())
    membership, created = Membership.objects.get_or_create(
        user=user,
        organisation=invitation.organisation,
        # The joining page's language: the invitation's link opens it in the
        # language the organiser invited them in.
        defaults={"role": invitation.role, "language": current_language()},
    )
    if not created and invitation.role == ORGANISER and membership.role != ORGANISER:
        # A volunteer invited as an organiser is promoted; never the other way.
        membership.role = ORGANISER
        membership.save(update_fields=["role"])
    record(
        user,
        Action.JOIN,
        f"invitation {invitation.pk}: member {membership.pk} as {membership.role}",
        organisation=invitation.organisation,
    )
    return Joined(membership, created)


def remember_language(user, language: str) -> None:
    """`user` reads SignMe in `language` (they signed in, or chose it on a
    staff page): what SignMe sends them on its own is in it from now on."""
    if language in (ENGLISH, WELSH):
        Membership.objects.filter(user=user).exclude(language=language).update(language=language)


def is_last_organiser(membership: Membership) -> bool:
    return (
        membership.role == ORGANISER
        and not Membership.objects.filter(
            organisation_id=membership.organisation_id, role=ORGANISER
        )
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def remove_member(membership: Membership, by) -> None:
    record(
        by,
        Action.REMOVE_MEMBER,
        f"member {membership.pk} ({membership.role})",
        organisation=membership.organisation,
    )
    membership.delete()


@transaction.atomic
def give_petitions(membership: Membership, petitions, by) -> None:
    membership.petitions.set(petitions)
    numbers = ", ".join(str(p.number) for p in sorted(petitions, key=lambda p: p.number))
    record(
        by,
        Action.CHANGE_MEMBER,
        f"member {membership.pk} now has petitions: {numbers or 'none'}",
        organisation=membership.organisation,
        count=len(petitions),
    )


@transaction.atomic
def cancel_invitation(invitation: Invitation, by) -> None:
    record(
        by,
        Action.INVITE,
        f"invitation {invitation.pk} cancelled",
        organisation=invitation.organisation,
    )
    invitation.delete()
