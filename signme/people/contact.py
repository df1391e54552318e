"""Who may be contacted, and how: the current preference per organisation,
person and channel, merged from the consent records by one rule, with the
suppression list on top.

The rule: a ticked box anywhere (online, on paper, in an import, or a
consent staff recorded) grants the channel; only an explicit act withdraws
it: an unsubscribe, a request at /your-data/, or a withdrawal staff recorded.
The latest explicit act decides, so a new tick after a withdrawal grants
again. An unticked box changes nothing: the form and the sheet say "leave it
empty if not", and a duplicate paper row typed up with no ticks must not
silently stop the updates someone asked for online."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from signme.lib.phones import normalise_phone
from signme.petitions.models import Channel, Consent, Petition, Sheet, Signature

from .models import Suppression
from .suppression import email_digest, phone_digest

# SQLite allows 32,766 query parameters; PostgreSQL far more.
CHUNK = 2000

# The only records that take consent back. A record with given=False made any
# other way (an online box, a paper column, an import) is an unticked box.
WITHDRAWALS = (
    Consent.Mechanism.UNSUBSCRIBE,
    Consent.Mechanism.REQUEST,
    Consent.Mechanism.STAFF,
)

GRANTED, WITHDREW, UNTICKED = "granted", "withdrew", "unticked"
EFFECTS = {
    GRANTED: _("Granted"),
    WITHDREW: _("Withdrew"),
    UNTICKED: _("Unticked box: changes nothing"),
}


def effect(consent: Consent) -> str:
    """What one record does under the rule; `_ACTS` below says the same in SQL."""
    if consent.given:
        return GRANTED
    if consent.mechanism in WITHDRAWALS:
        return WITHDREW
    return UNTICKED


_CONSENT, _SIGNATURE, _SHEET, _PETITION = (
    Consent._meta.db_table,
    Signature._meta.db_table,
    Sheet._meta.db_table,
    Petition._meta.db_table,
)
_WITHDRAWALS = ", ".join(f"'{m.value}'" for m in WITHDRAWALS)
_UNSUBSCRIBED = Suppression.Reason.UNSUBSCRIBED.value

# When the act was made. A paper tick is typed up days or weeks after the ink:
# it counts from when its sheet was issued (for a sheet downloaded from the
# public page, when the petition was created), the earliest it could have been
# made, so an old sheet typed up late never overrides an unsubscribe that came
# after the sheet went out.
_MOMENT = (
    "CASE WHEN sh.downloaded THEN p.created_at WHEN sh.id IS NOT NULL THEN sh.issued_at"
    " ELSE c.created_at END"
)


def _acts(columns: str, people: int, *, one_channel: bool) -> str:
    """The rule in SQL: this organisation's grants and withdrawals for `people`
    canonical emails, each with its moment. Parameters: the organisation's
    id, the channel if `one_channel`, then the canonical emails."""
    channel = " AND c.channel || '' = %s" if one_channel else ""
    marks = ", ".join(["%s"] * people)
    return (
        f"SELECT {columns}, {_MOMENT} AS moment FROM {_CONSENT} c"
        f" JOIN {_SIGNATURE} s ON s.id = c.signature_id"
        f" LEFT JOIN {_SHEET} sh ON c.mechanism = '{Consent.Mechanism.PAPER.value}'"
        f" AND sh.id = s.sheet_id"
        f" LEFT JOIN {_PETITION} p ON sh.downloaded AND p.id = s.petition_id"
        # "+ 0" and "|| ''" keep both SQLite and PostgreSQL from walking the
        # (organisation, channel) index, which holds every consent of a big
        # organisation, instead of looking the person up by email.
        f" WHERE c.organisation_id + 0 = %s{channel} AND s.email_canonical IN ({marks})"
        f" AND (c.given OR c.mechanism IN ({_WITHDRAWALS}))"
    )


def _aware(value) -> datetime:
    # SQLite hands a computed timestamp back as text, PostgreSQL as a datetime.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)


def consent_history(organisation, email_canonical: str):
    """Every consent record this organisation holds for a person, newest first."""
    org_id = getattr(organisation, "pk", organisation)
    if not email_canonical:
        return Consent.objects.none()
    return (
        Consent.objects.filter(organisation_id=org_id, signature__email_canonical=email_canonical)
        .select_related("signature__petition", "signature__sheet", "notice", "recorded_by")
        .order_by("-created_at", "-id")
    )


def current_consents(organisation, email_canonical: str) -> dict[str, Consent | None]:
    """Per channel, the record that decides under the rule: the latest grant
    or withdrawal, or None if the person never ticked that box."""
    deciding: dict[str, Consent | None] = {c.value: None for c in Channel}
    if not email_canonical:
        return deciding
    org_id = getattr(organisation, "pk", organisation)
    ids = {}
    with connection.cursor() as cursor:
        cursor.execute(
            _acts("c.channel, c.id", 1, one_channel=False) + " ORDER BY moment, c.id",
            [org_id, email_canonical],
        )
        for channel, pk, _ in cursor.fetchall():
            ids[channel] = pk  # later acts overwrite earlier ones
    found = Consent.objects.select_related(
        "signature__petition", "signature__sheet", "notice__petition"
    ).in_bulk(ids.values())
    deciding.update({channel: found[pk] for channel, pk in ids.items()})
    return deciding


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
    marks = ", ".join(["%s"] * len(digests))
    sql = (
        f"SELECT d.given, (SELECT COUNT(*) FROM {Suppression._meta.db_table} x"
        f" WHERE x.organisation_id = %s AND x.digest IN ({marks}) AND x.channel IN ('', %s)"
        # Unsubscribing from one channel is on the list too (it also stops the
        # phone number), but a tick made after it grants again, as the record
        # does. Every other reason on the list holds whatever comes later.
        f" AND (x.reason <> '{_UNSUBSCRIBED}' OR x.created_at >= d.moment))"
        f" FROM ({_acts('c.given', 1, one_channel=True)}"
        f" ORDER BY moment DESC, c.id DESC LIMIT 1) d"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [org_id, *digests, channel, org_id, channel, email_canonical])
        row = cursor.fetchone()
    if row is None:
        return False  # never ticked
    given, suppressed = row
    return bool(given) and not suppressed


def _deciding(org_id: int, channel: str, canonicals: list[str]) -> dict[str, datetime | None]:
    """For each of these people, when the grant they are under on `channel`
    was made; None if their latest act withdrew it. One query."""
    sql = _acts("s.email_canonical, c.given", len(canonicals), one_channel=True)
    decided: dict[str, datetime | None] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY moment, c.id", [org_id, channel, *canonicals])
        for canonical, given, moment in cursor.fetchall():
            decided[canonical] = _aware(moment) if given else None  # later acts overwrite
    return decided


def _suppressed(org_id: int, channel: str) -> tuple[set[str], dict[str, datetime]]:
    """The organisation's list for `channel`, for filtering a large send in
    memory: the hashes held whatever comes later, and those of one-channel
    unsubscribes with when each was made (a later tick lifts them)."""
    held, unsubscribed = set(), {}
    rows = Suppression.objects.filter(organisation_id=org_id, channel__in=["", channel])
    for digest, reason, at in rows.values_list("digest", "reason", "created_at"):
        if reason != Suppression.Reason.UNSUBSCRIBED:
            held.add(digest)
        elif digest not in unsubscribed or at > unsubscribed[digest]:
            unsubscribed[digest] = at
    return held, unsubscribed


@dataclass(frozen=True)
class Recipient:
    signature_id: int
    email: str
    email_canonical: str
    name: str


def email_recipients(
    petition: Petition, *, after: int = 0, chunk: int = CHUNK
) -> Iterator[Recipient]:
    """One row per person among the petition's verified signers whose email
    preference with the organisation is yes under the rule, who are not
    suppressed, erased or under a stop notice. Ordered by signature id;
    `after` resumes from a signature id, so a long fan-out can stop and carry on.

    Streams in chunks of `chunk` rows: a 100,000-signer petition never sits in
    memory. One person is one row because the database already allows only one
    live signature per canonical email and petition."""
    org_id = petition.organisation_id
    held, unsubscribed = _suppressed(org_id, Channel.EMAIL)
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
        granted = _deciding(org_id, Channel.EMAIL, list({r[2] for r in rows}))
        for pk, email, canonical, name in rows:
            since = granted.get(canonical)
            if since is None:
                continue
            if held or unsubscribed:
                digest = email_digest(canonical)
                unsubscribed_at = unsubscribed.get(digest)
                if digest in held or (unsubscribed_at and unsubscribed_at >= since):
                    continue
            yield Recipient(pk, email, canonical, name)
        last = rows[-1][0]


def count_email_recipients(petition: Petition) -> int:
    return sum(1 for _ in email_recipients(petition))
