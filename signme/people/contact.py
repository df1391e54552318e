"""Who may be contacted, and how: the current preference per organisation and
channel, built on the consent records ("a later withdrawal wins"), with the
suppression list on top."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection

from signme.lib.phones import normalise_phone
from signme.petitions.models import Channel, Consent, Petition, Signature

from .models import Suppression
from .suppression import email_digest, phone_digest, suppressed_digests

# SQLite allows 32,766 query parameters; PostgreSQL far more.
CHUNK = 2000


def consent_history(organisation, email_canonical: str):
    """Every consent record this organisation holds for a person, newest first."""
    org_id = getattr(organisation, "pk", organisation)
    if not email_canonical:
        return Consent.objects.none()
    return (
        Consent.objects.filter(organisation_id=org_id, signature__email_canonical=email_canonical)
        .select_related("signature__petition", "notice", "recorded_by")
        .order_by("-created_at", "-id")
    )


def current_consents(organisation, email_canonical: str) -> dict[str, Consent | None]:
    """The latest record per channel: what this person last told us.

    Paper ticks typed up by a volunteer count the same as online boxes; an
    unsubscribe or a rights request is simply a later record saying no."""
    latest: dict[str, Consent | None] = {c.value: None for c in Channel}
    for consent in consent_history(organisation, email_canonical):
        if latest.get(consent.channel) is None:
            latest[consent.channel] = consent
    return latest


def may_contact(organisation, email_canonical: str, channel: str, phone: str = "") -> bool:
    """Checked again just before each message goes, so a withdrawal made
    while a send is queued still wins.

    One hand-written query: the worker asks this for every email it sends,
    and building it through the ORM cost more than sending the email."""
    if not email_canonical:
        return False
    org_id = getattr(organisation, "pk", organisation)
    digests = [email_digest(email_canonical)]
    if phone and normalise_phone(phone):
        digests.append(phone_digest(phone))
    consent, signature, suppression = (
        Consent._meta.db_table,
        Signature._meta.db_table,
        Suppression._meta.db_table,
    )
    marks = ", ".join(["%s"] * len(digests))
    sql = (
        f"SELECT (SELECT c.given FROM {consent} c JOIN {signature} s ON s.id = c.signature_id"
        # "+ 0" and "|| ''" keep both SQLite and PostgreSQL from walking the
        # (organisation, channel) index, which holds every consent of a big
        # organisation, instead of looking the person up by email.
        f" WHERE c.organisation_id + 0 = %s AND c.channel || '' = %s AND s.email_canonical = %s"
        f" ORDER BY c.created_at DESC, c.id DESC LIMIT 1),"
        f" (SELECT COUNT(*) FROM {suppression} x WHERE x.organisation_id = %s"
        f" AND x.digest IN ({marks}) AND x.channel IN ('', %s))"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [org_id, channel, email_canonical, org_id, *digests, channel])
        given, suppressed = cursor.fetchone()
    return bool(given) and not suppressed


def _latest_given(org_id: int, channel: str, canonicals: list[str]) -> dict[str, bool]:
    """The latest answer on `channel` for each of these people, in one query."""
    consent, signature = Consent._meta.db_table, Signature._meta.db_table
    marks = ", ".join(["%s"] * len(canonicals))
    sql = (
        f"SELECT s.email_canonical, c.given FROM {consent} c"
        f" JOIN {signature} s ON s.id = c.signature_id"
        f" WHERE c.organisation_id + 0 = %s AND c.channel || '' = %s"
        f" AND s.email_canonical IN ({marks})"
        f" ORDER BY c.created_at, c.id"
    )
    latest: dict[str, bool] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [org_id, channel, *canonicals])
        for canonical, given in cursor.fetchall():
            latest[canonical] = bool(given)  # later rows overwrite earlier ones
    return latest


@dataclass(frozen=True)
class Recipient:
    signature_id: int
    email: str
    email_canonical: str
    name: str


def email_recipients(
    petition: Petition, *, after: int = 0, chunk: int = CHUNK
) -> Iterator[Recipient]:
    """One row per person among the petition's verified signers whose current
    email preference with the organisation is yes, who are not suppressed,
    erased or under a stop notice. Ordered by signature id; `after` resumes
    from a signature id, so a long fan-out can stop and carry on.

    Streams in chunks of `chunk` rows: a 100,000-signer petition never sits in
    memory. One person is one row because the database already allows only one
    live signature per canonical email and petition."""
    org_id = petition.organisation_id
    suppressed = suppressed_digests(org_id, Channel.EMAIL)
    base = (
        Signature.objects.filter(
            petition_id=petition.pk, status=Signature.Status.VERIFIED, erased_at=None
        )
        .exclude(email_canonical="")
        .order_by("id")
    )
    last = after
    while True:
        rows = list(
            base.filter(id__gt=last).values_list("id", "email", "email_canonical", "name")[:chunk]
        )
        if not rows:
            return
        given = _latest_given(org_id, Channel.EMAIL, list({r[2] for r in rows}))
        for pk, email, canonical, name in rows:
            if not given.get(canonical):
                continue
            if suppressed and email_digest(canonical) in suppressed:
                continue
            yield Recipient(pk, email, canonical, name)
        last = rows[-1][0]


def count_email_recipients(petition: Petition) -> int:
    return sum(1 for _ in email_recipients(petition))
