"""Changing what a person receives: always by adding a record, never by
editing one, so the history shows what they agreed to and when they stopped."""

from django.db import transaction
from django.utils import timezone

from signme.audit import log as audit
from signme.audit.log import Action
from signme.lib.emails import canonical_email
from signme.petitions.consent import CHANNELS
from signme.petitions.models import Consent, Signature
from signme.webhooks.models import Event
from signme.webhooks.queue import queue_event

from .contact import current_consents, may_contact
from .models import Suppression
from .suppression import suppress

WITHDRAWN = {
    Consent.Mechanism.UNSUBSCRIBE: "Withdrawn with the unsubscribe link in an email.",
    Consent.Mechanism.REQUEST: "Withdrawn through a request at /your-data/.",
    Consent.Mechanism.STAFF: "Withdrawn in writing to the organisation; recorded by staff.",
}


def stop_contact(
    signature: Signature, channels: list[str], *, mechanism: str, user=None
) -> list[str]:
    """Stop `channels` (every channel when it names them all) for the person
    who made `signature`, with the organisation behind its petition. Returns
    the channels that were on and are now off; repeating it changes nothing."""
    organisation = signature.petition.organisation
    everything = set(channels) >= {c.value for c in CHANNELS}
    latest = current_consents(organisation, signature.email_canonical)
    stopped = []
    now = timezone.now()
    with transaction.atomic():
        for channel in channels:
            current = latest.get(channel)
            if current is not None and current.given:
                Consent.objects.create(
                    signature=signature,
                    organisation=organisation,
                    channel=channel,
                    given=False,
                    wording=WITHDRAWN[mechanism],
                    mechanism=mechanism,
                    recorded_by=user,
                    created_at=now,
                )
                stopped.append(channel)
            if not everything:
                suppress(
                    organisation,
                    Suppression.Reason.UNSUBSCRIBED,
                    email=signature.email_canonical,
                    phone=signature.phone if channel in ("sms", "phone") else "",
                    channel=channel,
                )
        if everything:
            # An objection to all contact is absolute: kept on the suppression
            # list so a later import or sign-up cannot bring them back.
            suppress(
                organisation,
                Suppression.Reason.OBJECTED,
                email=signature.email_canonical,
                phone=signature.phone,
            )
        if stopped:
            queue_event(
                Event.SIGNER_OPTED_OUT,
                organisation.pk,
                signature.petition_id,
                signature_id=signature.pk,
            )
    return stopped


def record_signed_withdrawal(organisations, email: str, channels: list[str], user) -> dict:
    """Someone wrote to the organisers asking them to stop: record it as a
    withdrawal by staff in each of `organisations` where that address signed.
    Returns {organisation: signatures found there}; empty if nobody was."""
    canonical = canonical_email(email)
    found: dict = {}
    newest = {}
    signatures = (
        Signature.objects.filter(
            email_canonical=canonical, erased_at=None, petition__organisation__in=organisations
        )
        .select_related("petition__organisation")
        .order_by("-created_at", "-id")
    )
    for signature in signatures:
        organisation = signature.petition.organisation
        found[organisation] = found.get(organisation, 0) + 1
        newest.setdefault(organisation, signature)
    with transaction.atomic():
        for organisation, signature in newest.items():
            # One record per channel stops the person: the rule is per person.
            stop_contact(signature, channels, mechanism=Consent.Mechanism.STAFF, user=user)
            audit.record(
                user,
                Action.REQUEST,
                f"signed withdrawal recorded by staff: {', '.join(channels)}",
                organisation=organisation,
                count=found[organisation],
            )
    return found


def receiving(signature: Signature) -> dict[str, bool]:
    """Per channel: does this person currently hear from the organisation?
    The same check the worker makes before each message."""
    organisation = signature.petition.organisation_id
    return {
        channel.value: may_contact(
            organisation, signature.email_canonical, channel.value, signature.phone
        )
        for channel in CHANNELS
    }
