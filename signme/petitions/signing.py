"""Taking an online signature and confirming it.

The request keeps the signature as it was sent, one row in the intake,
committed before the signer is answered: a 303 means committed. The worker
then stores it (take_in): the signature, its consents and its confirmation
email, in one transaction, and deletes the intake row. This is the hot path
of a surge, hence the precompiled inserts.

Signing again with an address that already signed must not be told apart from
signing for the first time, by the answer or by how long it takes. The request
writes the same one row either way; only the worker, which nobody waits for,
finds that the address signed before (and it decides, when the email would be
sent, whether there is anything to send: see emails.confirm_signature)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from signme.geography.lookup import areas_of_many
from signme.lib.fastinsert import FastInsert
from signme.lib.language import ENGLISH, current_language, in_language
from signme.limits.counters import hit_then_insert
from signme.mailing.kinds import EmailKind
from signme.mailing.models import OutboundEmail

from .consent import CHANNELS, consent_wording
from .models import Consent, Petition, Sheet, Signature, SignatureIntake
from .validity import announce_counted, settle

# A second confirmation email for the same pending signature goes at most
# this often, however often the form is sent again.
RESEND_AFTER = timedelta(minutes=10)


class _EmailsForSignatures(FastInsert):
    """FastInsert's prepared row written as INSERT … SELECT: one row for each
    (petition, canonical email) given whose signature is pending or
    verified, the signature's id and address copied from it. So one
    statement queues the emails of signatures just stored and of ones stored
    before, whichever holds the address."""

    from_signature = {"signature": "id", "to": "email", "petition": "petition_id"}

    def insert_for(self, keys: list[tuple[int, str]], constants: dict) -> None:
        if not keys:
            return
        connection = connections[self.using]
        qn = connection.ops.quote_name
        prepared = self._row(constants, connection)
        select, params = [], []
        for i, f in enumerate(self.fields):
            if f.name in self.from_signature:
                select.append(f"s.{qn(self.from_signature[f.name])}")
            else:
                select.append("%s")
                params.append(prepared[i])
        sql = (
            f"INSERT INTO {qn(self.table)} ({', '.join(qn(f.column) for f in self.fields)}) "
            f"SELECT {', '.join(select)} FROM {qn(Signature._meta.db_table)} AS s, "
            f"(VALUES {', '.join(['(%s, %s)'] * len(keys))}) AS v"
            " WHERE s.petition_id = v.column1 AND s.email_canonical = v.column2"
            " AND s.status IN (%s, %s) AND s.email_canonical <> ''"
        )
        params += [value for key in keys for value in key]
        params += [Signature.Status.PENDING.value, Signature.Status.VERIFIED.value]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


_insert_signatures = FastInsert(Signature)
_insert_consents = FastInsert(Consent)
# One confirmation email per form, for whichever signature holds the address:
# the new one, or the one that signed before (the worker then decides
# whether to send).
_insert_emails = _EmailsForSignatures(OutboundEmail)


# What the intake keeps of the form: nothing else is stored.
_KEPT = ("name", "email", "email_canonical", "address", "postcode", "phone", "sheet")
_insert_intake = FastInsert(SignatureIntake)


def receive_signature(
    petition: Petition,
    data: dict,
    *,
    flagged: str = "",
    client_ip: str | None = None,
    rate_key: str | None = None,
) -> int:
    """Keep a valid signature form for the worker to store: one row, the same
    whoever signs. The notice is the one the signer was shown. With
    `rate_key` (the client's address), only while it has sent fewer than
    SIGN_RATE_LIMIT signatures this minute, counted in the same statement.
    Returns 0 when kept, else the seconds until it may sign again, nothing
    kept."""
    kept = {key: data.get(key) or "" for key in _KEPT}
    kept["eligible"] = data.get("eligible")
    kept["consents"] = [channel for channel in CHANNELS if data.get(f"consent_{channel}")]
    kept["works_or_studies_in_area"] = bool(data.get("works_or_studies_in_area"))
    if "areas" in data:  # placed by the form when it checked the area
        kept["areas"] = data["areas"]
    kept["notice"] = petition.cached_notice.pk
    # The language of the page they signed on: their consents are worded in
    # it and their email is written in it.
    kept["language"] = current_language()
    row = {
        "petition": petition.pk,
        "email_canonical": data["email_canonical"],
        "data": kept,
        "flagged": flagged,
        "client_ip": client_ip,
        "received_at": timezone.now(),
    }
    if rate_key is None:
        _insert_intake.insert([row])
        return 0
    # The hit and the row in one round trip: a signature's only one.
    return hit_then_insert(
        "sign", rate_key, settings.SIGN_RATE_LIMIT, _insert_intake.insert_select(row)
    )


def take_in(limit: int = 500) -> int:
    """Store the signatures waiting in the intake, oldest first, and delete
    them from it, in one transaction; returns how many were taken. Workers
    running this at once on PostgreSQL each take rows the others have not
    locked; SQLite lets one writer in at a time."""
    with transaction.atomic():
        rows = list(
            SignatureIntake.objects.select_for_update(skip_locked=True).order_by("pk")[:limit]
        )
        if not rows:
            return 0
        petitions = Petition.objects.select_related("organisation").in_bulk(
            {row.petition_id for row in rows}
        )
        store_online_signatures(
            [
                Received(
                    petitions[row.petition_id],
                    row.data,
                    flagged=row.flagged,
                    client_ip=row.client_ip,
                    received_at=row.received_at,
                )
                for row in rows
            ]
        )
        SignatureIntake.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)


@dataclass
class Received:
    """One signature form to store, as the intake kept it."""

    petition: Petition
    data: dict
    flagged: str = ""
    client_ip: str | None = None
    received_at: datetime | None = None


def store_online_signatures(batch: list[Received]) -> list[int | None]:
    """Store pending signatures, their consents and their confirmation
    emails, and return their ids in order. Someone who has already signed is
    not stored again (None): their email is queued all the same, and becomes
    a fresh link if they never used the first one.

    Three statements whatever the size of the batch (the signatures, their
    consents, the emails): a surge's intake is stored in a few multi-row
    INSERTs, not three per signature."""
    now = timezone.now()
    signatures, consents, keys = [], [], []
    first = {}  # (petition, email) -> the index of its first form in this batch
    sheets = _sheets_named(batch)
    # Areas the form did not look up (it does only where the scheme asks
    # where signers live): one query for the whole batch.
    areas = areas_of_many(
        item.data.get("postcode", "") for item in batch if "areas" not in item.data
    )
    for i, item in enumerate(batch):
        key = (item.petition.pk, item.data["email_canonical"])
        keys.append(key)
        if key in first:  # signed twice in one batch: a repeat, as if later
            continue
        first[key] = i
        signatures.append(_signature_row(item, now, sheets, areas))
    with transaction.atomic():
        stored = dict.fromkeys(first)
        if signatures:
            # skip_conflicts: the one-signature-per-email constraint.
            inserted = _insert_signatures.insert(
                signatures, returning=("id", "petition_id", "email_canonical"), skip_conflicts=True
            )
            for sid, petition_id, email in inserted:
                stored[(petition_id, email)] = sid
        for key, i in first.items():
            if stored[key] is not None:
                consents += _consent_rows(batch[i], stored[key], signatures_notice(batch[i]), now)
        if consents:
            _insert_consents.insert(consents)
        _insert_emails.insert_for(
            keys, {"kind": EmailKind.CONFIRM_SIGNATURE.value, "created_at": now, "send_after": now}
        )
    return [stored[key] if first[key] == i else None for i, key in enumerate(keys)]


def signatures_notice(item: Received) -> int:
    return item.data.get("notice") or item.petition.cached_notice.pk


def _sheets_named(batch: list[Received]) -> dict[tuple[int, str], int]:
    """(petition, serial) -> sheet id for the sheets whose QR code brought
    signers of this batch: one query, not one per signature (a surge from a
    street stall's sheets is many of them)."""
    named = {
        (item.petition.pk, item.data["sheet"].upper()) for item in batch if item.data.get("sheet")
    }
    if not named:
        return {}
    found = Sheet.objects.filter(
        petition_id__in={p for p, _ in named}, serial__in={s for _, s in named}
    ).values_list("petition_id", "serial", "id")
    return {(p, serial): sid for p, serial, sid in found}


def _signature_row(
    item: Received, now, sheets: dict[tuple[int, str], int], areas: dict[str, dict]
) -> dict:
    data, petition = item.data, item.petition
    sheet_id = sheets.get((petition.pk, data["sheet"].upper())) if data.get("sheet") else None
    eligible = data.get("eligible")
    postcode = data.get("postcode", "")
    placed = data["areas"] if "areas" in data else areas.get(postcode, {})
    return {
        "petition": petition.pk,
        "name": data["name"],
        "email": data["email"],
        "email_canonical": data["email_canonical"],
        "address": data.get("address", ""),
        "postcode": data.get("postcode", ""),
        "phone": data.get("phone", ""),
        "eligible": None if eligible is None else eligible == "yes",
        "source": Signature.Source.WEB,
        "sheet": sheet_id,
        "notice": signatures_notice(item),
        "created_at": item.received_at or now,
        "flagged": item.flagged,
        "client_ip": item.client_ip,
        "works_or_studies_in_area": bool(data.get("works_or_studies_in_area")),
        "language": data.get("language") or ENGLISH,
        **placed,
    }


def _consent_rows(item: Received, signature_id: int, notice_id: int, now) -> list[dict]:
    given = set(item.data.get("consents", ()))
    wording = _wording(item.data.get("language") or ENGLISH, item.petition.organisation.name)
    return [
        {
            "signature": signature_id,
            "organisation": item.petition.organisation_id,
            "channel": channel,
            "given": channel in given,
            "wording": wording[channel],
            "notice": notice_id,
            "mechanism": Consent.Mechanism.WEB,
            "created_at": item.received_at or now,
        }
        for channel in CHANNELS
    ]


@lru_cache(maxsize=256)
def _wording(language: str, organisation: str) -> dict[str, str]:
    """Each channel's consent as the signer read it, in their language: the
    same few strings for a whole surge, so worded once per process."""
    with in_language(language):
        return {c: consent_wording(c, organisation) for c in CHANNELS}


def signature_to_confirm(signature_id: int) -> Signature | None:
    """The signature a confirmation link names, unless it was erased or ruled
    out since."""
    return (
        Signature.objects.select_related("petition")
        .filter(pk=signature_id, erased_at=None)
        .exclude(status__in=[Signature.Status.DUPLICATE, Signature.Status.INVALID])
        .first()
    )


def confirm(signature: Signature) -> bool:
    """Mark a pending signature verified and decide whether it counts; True
    if this call did it. The count picks it up at the worker's next round."""
    with transaction.atomic():
        done = Signature.objects.filter(pk=signature.pk, status=Signature.Status.PENDING).update(
            status=Signature.Status.VERIFIED, verified_at=timezone.now()
        )
        if done:
            settle(Signature.objects.filter(pk=signature.pk))
            announce_counted(Signature.objects.filter(pk=signature.pk))
    return bool(done)
