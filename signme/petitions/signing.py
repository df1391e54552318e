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

from datetime import timedelta

from django.db import connections, transaction
from django.utils import timezone

from signme.geography.lookup import areas_of
from signme.lib.fastinsert import FastInsert
from signme.lib.language import ENGLISH, current_language, in_language
from signme.mailing.kinds import EmailKind
from signme.mailing.models import OutboundEmail

from .consent import CHANNELS, consent_wording
from .models import Consent, Petition, Sheet, Signature, SignatureIntake
from .validity import announce_counted, settle

# A second confirmation email for the same pending signature goes at most
# this often, however often the form is sent again.
RESEND_AFTER = timedelta(minutes=10)


class _RowsOfSignature(FastInsert):
    """FastInsert's prepared row written as INSERT … SELECT from a signature:
    rows are added only for the signature `where` finds, so one statement
    serves a signature just stored and one stored before (or none).

    `from_signature` maps fields to the signature's column they copy;
    `varying` names the fields whose value differs between rows, which come
    from a VALUES list; every other field is the same in each row."""

    def __init__(self, model, from_signature: dict[str, str], varying: tuple[str, ...] = ()):
        super().__init__(model)
        self.from_signature = from_signature
        self.varying = varying

    def insert_from(self, rows: list[dict], where: str, params: list) -> None:
        connection = connections[self.using]
        qn = connection.ops.quote_name
        prepared = [self._row(values, connection) for values in rows]
        select, constants, varying = [], [], []
        for i, f in enumerate(self.fields):
            if f.name in self.from_signature:
                select.append(f"s.{qn(self.from_signature[f.name])}")
            elif f.name in self.varying:
                varying.append(i)
                select.append(f"v.column{len(varying)}")
            else:
                select.append("%s")
                constants.append(prepared[0][i])
        sql = (
            f"INSERT INTO {qn(self.table)} ({', '.join(qn(f.column) for f in self.fields)}) "
            f"SELECT {', '.join(select)} FROM {qn(Signature._meta.db_table)} AS s"
        )
        values = []
        if varying:
            one = "(" + ", ".join(["%s"] * len(varying)) + ")"
            sql += f", (VALUES {', '.join([one] * len(rows))}) AS v"
            values = [row[i] for row in prepared for i in varying]
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} WHERE {where}", [*constants, *values, *params])


_insert_signature = FastInsert(Signature)
# The consents of the signature this request stored, if it stored one.
_insert_consents = _RowsOfSignature(
    Consent, {"signature": "id"}, varying=("channel", "given", "wording")
)
# One confirmation email for whichever signature holds the address: the new
# one, or the one that signed before (the worker then decides whether to send).
_insert_email = _RowsOfSignature(OutboundEmail, {"signature": "id", "to": "email"})
_SIGNATURE_OF = (
    "s.petition_id = %s AND s.email_canonical = %s AND s.status IN (%s, %s)"
    " AND s.email_canonical <> ''"
)


# What the intake keeps of the form: nothing else is stored.
_KEPT = ("name", "email", "email_canonical", "address", "postcode", "phone", "eligible", "sheet")
_insert_intake = FastInsert(SignatureIntake)


def receive_signature(
    petition: Petition, data: dict, *, flagged: str = "", client_ip: str | None = None
) -> None:
    """Keep a valid signature form for the worker to store: one INSERT, the
    same whoever signs. The notice is the one the signer was shown."""
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
    _insert_intake.insert(
        [
            {
                "petition": petition.pk,
                "email_canonical": data["email_canonical"],
                "data": kept,
                "flagged": flagged,
                "client_ip": client_ip,
                "received_at": timezone.now(),
            }
        ]
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
        for row in rows:
            store_online_signature(
                petitions[row.petition_id],
                row.data,
                flagged=row.flagged,
                client_ip=row.client_ip,
                received_at=row.received_at,
            )
        SignatureIntake.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)


def store_online_signature(
    petition: Petition,
    data: dict,
    *,
    flagged: str = "",
    client_ip: str | None = None,
    received_at=None,
) -> int | None:
    """Store a pending signature, its consents and its confirmation email,
    and return its id. Someone who has already signed is not stored again
    (None): their email is queued all the same, and becomes a fresh link if
    they never used the first one."""
    sheet_id = None
    if data.get("sheet"):
        sheet_id = (
            Sheet.objects.filter(petition=petition, serial=data["sheet"].upper())
            .values_list("id", flat=True)
            .first()
        )
    eligible = data.get("eligible")
    # The form placed the postcode when it checked the area (one lookup by
    # primary key); only a caller without the form looks it up here.
    areas = data["areas"] if "areas" in data else areas_of(data.get("postcode", ""))
    now = timezone.now()
    signed_at = received_at or now
    notice_id = data.get("notice") or petition.cached_notice.pk
    consents = set(data.get("consents", ()))
    language = data.get("language") or ENGLISH
    with in_language(language):
        wording = {c: consent_wording(c, petition.organisation.name) for c in CHANNELS}
    with transaction.atomic():
        inserted = _insert_signature.insert(
            [
                {
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
                    "notice": notice_id,
                    "created_at": signed_at,
                    "flagged": flagged,
                    "client_ip": client_ip,
                    "works_or_studies_in_area": bool(data.get("works_or_studies_in_area")),
                    "language": language,
                    **areas,
                }
            ],
            returning=True,
            skip_conflicts=True,  # the one-signature-per-email constraint
        )
        signature_id = inserted[0] if inserted else None
        _insert_consents.insert_from(
            [
                {
                    "organisation": petition.organisation_id,
                    "channel": channel,
                    "given": channel in consents,
                    "wording": wording[channel],
                    "notice": notice_id,
                    "mechanism": Consent.Mechanism.WEB,
                    "created_at": signed_at,
                }
                for channel in CHANNELS
            ],
            "s.id = %s",
            [signature_id],
        )
        _insert_email.insert_from(
            [
                {
                    "kind": EmailKind.CONFIRM_SIGNATURE.value,
                    "petition": petition.pk,
                    "created_at": now,
                    "send_after": now,
                }
            ],
            _SIGNATURE_OF,
            [
                petition.pk,
                data["email_canonical"],
                Signature.Status.PENDING.value,
                Signature.Status.VERIFIED.value,
            ],
        )
    return signature_id


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
