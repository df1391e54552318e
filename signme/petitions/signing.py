"""Taking an online signature and confirming it.

A signature, its consents and its confirmation email are stored in one
transaction before the signer is answered: a 303 means committed. This is the
hot path of a surge, hence the precompiled inserts."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from signme.lib.fastinsert import FastInsert
from signme.mailing.kinds import EmailKind
from signme.mailing.models import OutboundEmail
from signme.mailing.outbox import queue_email

from .consent import CHANNELS, consent_wording
from .models import Consent, Petition, Sheet, Signature
from .validity import settle

_insert_signature = FastInsert(Signature)
_insert_consents = FastInsert(Consent)
_insert_email = FastInsert(OutboundEmail)

# A second confirmation email for the same pending signature goes at most
# this often, however often the form is sent again.
RESEND_AFTER = timedelta(minutes=10)


def store_online_signature(
    petition: Petition, data: dict, *, flagged: str = "", client_ip: str | None = None
) -> int | None:
    """Store a pending signature, its consents and its confirmation email,
    and return its id. Someone who has already signed is not stored again;
    they get a fresh confirmation link if they never used the first one."""
    sheet_id = None
    if data.get("sheet"):
        sheet_id = (
            Sheet.objects.filter(petition=petition, serial=data["sheet"].upper())
            .values_list("id", flat=True)
            .first()
        )
    eligible = data.get("eligible")
    now = timezone.now()
    notice_id = petition.cached_notice.pk
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
                    "created_at": now,
                    "flagged": flagged,
                    "client_ip": client_ip,
                }
            ],
            returning=True,
            skip_conflicts=True,  # the one-signature-per-email constraint
        )
        if not inserted:
            _resend_confirmation(petition, data["email_canonical"])
            return None
        [signature_id] = inserted
        _insert_consents.insert(
            {
                "signature": signature_id,
                "organisation": petition.organisation_id,
                "channel": channel,
                "given": bool(data.get(f"consent_{channel}")),
                "wording": consent_wording(channel, petition.organisation.name),
                "notice": notice_id,
                "mechanism": Consent.Mechanism.WEB,
                "created_at": now,
            }
            for channel in CHANNELS
        )
        _insert_email.insert(
            [
                {
                    "kind": EmailKind.CONFIRM_SIGNATURE.value,
                    "to": data["email"],
                    "signature": signature_id,
                    "petition": petition.pk,
                    "created_at": now,
                    "send_after": now,
                }
            ]
        )
    return signature_id


def _resend_confirmation(petition: Petition, email_canonical: str):
    existing = (
        Signature.objects.filter(
            petition=petition, email_canonical=email_canonical, status=Signature.Status.PENDING
        )
        .only("id", "email")
        .first()
    )
    if existing is None:
        return  # already verified: nothing to do, and nothing to reveal
    recent = OutboundEmail.objects.filter(
        signature=existing,
        kind=EmailKind.CONFIRM_SIGNATURE,
        created_at__gte=timezone.now() - RESEND_AFTER,
    ).exists()
    if not recent:
        queue_email(
            EmailKind.CONFIRM_SIGNATURE, existing.email, signature=existing, petition=petition
        )


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
    return bool(done)
