"""The suppression list: keyed hashes, never the addresses themselves."""

from django.conf import settings
from django.utils.crypto import salted_hmac

from signme.lib.emails import canonical_email
from signme.lib.names import name_key
from signme.lib.phones import normalise_phone
from signme.lib.postcodes import InvalidPostcode, normalise_postcode

from .models import Suppression


def _digest(kind: str, value: str) -> str:
    # A dedicated key (falling back to SECRET_KEY): rotating SECRET_KEY must
    # not silently empty the list of people who asked never to be contacted.
    key = settings.SUPPRESSION_KEY or settings.SECRET_KEY
    return salted_hmac(
        f"signme.suppression.{kind}", value, secret=key, algorithm="sha256"
    ).hexdigest()


def email_digest(email: str) -> str:
    # Of the canonical form, so every spelling of one mailbox is one entry.
    # Only the hash is kept: when the canonical rules change, entries made
    # under the old form cannot be recomputed (since migration 0006 of
    # petitions, an address with an internationalised domain or fullwidth
    # letters hashes differently; ASCII addresses are unchanged).
    return _digest("email", canonical_email(email))


def phone_digest(phone: str) -> str:
    return _digest("phone", normalise_phone(phone))


def person_key(name: str, postcode: str) -> str:
    """Who a paper signer is, without an email: 'sianevans|NR25 6BW', or ''
    when either part is missing or the postcode is not one."""
    try:
        postcode = normalise_postcode(postcode)
    except InvalidPostcode:
        return ""
    key = name_key(name)
    return f"{key}|{postcode}" if key else ""


def person_digest(name: str, postcode: str) -> str:
    return _digest("name_postcode", person_key(name, postcode))


def _kinds(email: str, phone: str, name: str, postcode: str) -> list[tuple[str, str]]:
    entries = []
    if email and canonical_email(email):
        entries.append((Suppression.Kind.EMAIL, email_digest(email)))
    if phone and normalise_phone(phone):
        entries.append((Suppression.Kind.PHONE, phone_digest(phone)))
    if person_key(name, postcode):
        entries.append((Suppression.Kind.NAME_POSTCODE, person_digest(name, postcode)))
    return entries


def suppress(
    organisation,
    reason: str,
    *,
    email: str = "",
    phone: str = "",
    channel: str = "",
    name: str = "",
    postcode: str = "",
):
    """Add a person to the organisation's list. Safe to repeat. Name and
    postcode are for erasure and stop notices, which must hold for a paper
    signer with no email too; never for unsubscribing (two people can share
    a name and postcode)."""
    entries = _kinds(email, phone, name, postcode)
    org_id = getattr(organisation, "pk", organisation)
    for kind, digest in entries:
        Suppression.objects.get_or_create(
            organisation_id=org_id, kind=kind, digest=digest, channel=channel, reason=reason
        )


def _entries(organisation, email: str, phone: str):
    digests = []
    if email and canonical_email(email):
        digests.append(email_digest(email))
    if phone and normalise_phone(phone):
        digests.append(phone_digest(phone))
    if not digests:
        return Suppression.objects.none()
    org_id = getattr(organisation, "pk", organisation)
    return Suppression.objects.filter(organisation_id=org_id, digest__in=digests)


def is_suppressed(organisation, *, email: str = "", phone: str = "", channel: str = "") -> bool:
    """True if this person may not be contacted on `channel` (any channel when
    blank). A stop notice suppresses every channel."""
    qs = _entries(organisation, email, phone)
    if channel:
        qs = qs.filter(channel__in=["", channel])
    return qs.exists()


def has_stop_notice(organisation, *, email: str = "", phone: str = "") -> bool:
    """True if the person told the organisation to stop processing their
    political opinions: leave them out of every send and export."""
    return _entries(organisation, email, phone).filter(reason=Suppression.Reason.STOP).exists()


def suppressed_digests(organisation, channel: str) -> set[str]:
    """Every hash suppressed for `channel`, for filtering a large send in
    memory: 64 bytes a person, so a million entries fit in about 100 MB."""
    org_id = getattr(organisation, "pk", organisation)
    return set(
        Suppression.objects.filter(organisation_id=org_id, channel__in=["", channel]).values_list(
            "digest", flat=True
        )
    )


# What keeps a person's details from being stored again: they had them
# erased, or told the organisation to stop processing their opinions.
KEPT_OUT = (Suppression.Reason.ERASED, Suppression.Reason.STOP)


def kept_out_digests(organisation) -> dict[str, str]:
    """{digest: reason} of everyone whose details may not be stored again, for
    checking a whole import in memory; erasures and stop notices are few."""
    org_id = getattr(organisation, "pk", organisation)
    return dict(
        Suppression.objects.filter(organisation_id=org_id, reason__in=KEPT_OUT).values_list(
            "digest", "reason"
        )
    )


def kept_out(
    organisation,
    *,
    email: str = "",
    phone: str = "",
    name: str = "",
    postcode: str = "",
    known: dict[str, str] | None = None,
) -> str:
    """The reason (Suppression.Reason) this person's details may not be
    stored again by an import, or '' if they may. `known`: what
    kept_out_digests() returned, to save a query a row."""
    digests = [digest for _, digest in _kinds(email, phone, name, postcode)]
    if not digests:
        return ""
    if known is None:
        known = dict(
            Suppression.objects.filter(
                organisation_id=getattr(organisation, "pk", organisation),
                digest__in=digests,
                reason__in=KEPT_OUT,
            ).values_list("digest", "reason")
        )
    return next((known[d] for d in digests if d in known), "")


def stop_notice_digests(organisation) -> set[str]:
    """Hashes of everyone who gave this organisation a stop notice."""
    org_id = getattr(organisation, "pk", organisation)
    return set(
        Suppression.objects.filter(
            organisation_id=org_id, reason=Suppression.Reason.STOP
        ).values_list("digest", flat=True)
    )
