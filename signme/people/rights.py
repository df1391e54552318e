"""Signers' rights requests: access, erasure, objection, and the stop notice."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from signme.audit import log as audit
from signme.audit.log import Action
from signme.lib.emails import canonical_email
from signme.lib.language import ENGLISH, in_language, lang_query
from signme.lib.names import name_key
from signme.mailing.kinds import EmailKind, render_templates
from signme.mailing.models import OutboundEmail
from signme.mailing.outbox import queue_email
from signme.petitions.consent import CHANNELS
from signme.petitions.models import Consent, Organisation, Signature, SignatureIntake

from .contact import EFFECTS, current_consents, effect, may_contact
from .links import rights_url
from .models import RightsRequest, Suppression
from .preferences import stop_contact
from .suppression import email_digest, person_digest, person_key, suppress

KIND = EmailKind.RIGHTS_LINK


def _received(request, organisations, what: str) -> None:
    """Link a new request to the organisations it concerns, and tell each
    one's audit log (each sees only its own)."""
    request.organisations.set(organisations)
    for organisation in organisations:
        audit.record(None, Action.REQUEST, what, organisation=organisation)


def ask(email: str, language: str = ENGLISH) -> RightsRequest:
    """Record a request and queue the link, to be written in the language
    the person asked in. Exactly the same work whether or not the address
    signed anything: who holds data is decided by the worker when it renders
    the email, so the page cannot leak it, even by timing."""
    with transaction.atomic():
        request = RightsRequest.objects.create(
            email=email.strip(), email_digest=email_digest(email), language=language
        )
        queue_email(KIND, request.email, headers={"rights_request": request.pk})
    return request


def organisations_holding(email_canonical: str):
    return Organisation.objects.filter(
        petition__signatures__email_canonical=email_canonical,
        petition__signatures__erased_at=None,
    ).distinct()


def rights_link(row):
    request = RightsRequest.objects.filter(pk=(row.headers or {}).get("rights_request")).first()
    if request is None or request.status != RightsRequest.Status.LINK_SENT or not request.email:
        return None
    organisations = list(organisations_holding(canonical_email(request.email)))
    if not organisations:
        # Nobody to answer for: nothing sent, and the address is not kept.
        RightsRequest.objects.filter(pk=request.pk).update(
            status=RightsRequest.Status.NO_DATA, email="", completed_at=timezone.now()
        )
        return None
    if not request.organisations.exists():
        _received(request, organisations, f"rights request {request.pk} received")
    # The link keeps a Welsh reader's page in Welsh, whatever their browser says.
    link = rights_url(request.pk) + lang_query(request.language)
    with in_language(request.language):
        rendered = render_templates(
            "people/emails/rights_link",
            {
                "organisations": organisations,
                "organisation_names": ", ".join(o.name for o in organisations),
                "link": link,
                "hours": settings.RIGHTS_TOKEN_MAX_AGE // 3600,
            },
        )
    rendered.headers = {}
    return rendered


def signatures_of(request: RightsRequest):
    canonical = canonical_email(request.email)
    if not canonical:
        return Signature.objects.none()
    return (
        Signature.objects.filter(
            email_canonical=canonical,
            erased_at=None,
            petition__organisation__in=request.organisations.all(),
        )
        .select_related("petition__organisation", "notice", "sheet")
        .order_by("created_at")
    )


# --- Signers with no email: by name and postcode ------------------------------


def _house(address: str) -> str:
    """The first word of an address, which is its house number or name."""
    words = "".join(ch if ch.isalnum() else " " for ch in (address or "").casefold()).split()
    return words[0] if words else ""


def matching_signatures(organisations, *, name="", postcode="", address="", email=""):
    """The signatures, in these organisations, of the person so described:
    the same canonical email, or the same name and postcode ignoring case,
    spacing and accents (the duplicate rule of paper rows). An address, when
    given and held, narrows by its first word, the house number or name."""
    live = Signature.objects.filter(petition__organisation__in=organisations, erased_at=None)
    ids = set()
    if email and (canonical := canonical_email(email)):
        ids |= set(live.filter(email_canonical=canonical).values_list("pk", flat=True))
    if key := person_key(name, postcode):
        wanted_name, wanted_postcode = key.split("|")
        house = _house(address)
        for pk, held_name, held_address in live.filter(postcode=wanted_postcode).values_list(
            "pk", "name", "address"
        ):
            if name_key(held_name) != wanted_name:
                continue
            if house and _house(held_address) and _house(held_address) != house:
                continue
            ids.add(pk)
    return (
        Signature.objects.filter(pk__in=ids)
        .select_related("petition__organisation", "notice", "sheet")
        .order_by("created_at", "pk")
    )


def ask_by_name(name: str, postcode: str, address: str, wants: str, reply_to: str):
    """A request from someone with no email to prove: recorded for the
    organisers of whoever holds a signature under that name and postcode, to
    check and answer. The same work, and the same answer to the person,
    whether or not anyone does: only the organisers ever learn of a match."""
    found = matching_signatures(
        Organisation.objects.all(), name=name, postcode=postcode, address=address
    )
    organisations = list(
        Organisation.objects.filter(petition__signatures__in=found).distinct().order_by("pk")
    )
    with transaction.atomic():
        request = RightsRequest.objects.create(
            kind=RightsRequest.Kind.PAPER,
            email_digest=person_digest(name, postcode),
            name=name,
            postcode=person_key(name, postcode).split("|")[-1],
            address=address,
            reply_to=reply_to,
            wants=wants,
            status=RightsRequest.Status.CHECKING,
        )
        if not organisations:
            # Nobody to answer for: nothing kept but the hash.
            RightsRequest.objects.filter(pk=request.pk).update(
                status=RightsRequest.Status.NO_DATA,
                name="",
                postcode="",
                address="",
                reply_to="",
                completed_at=timezone.now(),
            )
            return request
        _received(
            request,
            organisations,
            f"rights request {request.pk} received by name and postcode, to check",
        )
    return request


def request_signatures(request: RightsRequest, organisations):
    """What a paper request finds in these organisations (an organiser's own)."""
    return matching_signatures(
        request.organisations.filter(pk__in=organisations),
        name=request.name,
        postcode=request.postcode,
        address=request.address,
        email=request.email,
    )


def paper_subject_data(request: RightsRequest, signatures) -> dict:
    """A paper request's copy of the data, for the organiser to send."""
    return {
        "request": request.pk,
        "generated_at": _iso(timezone.now()),
        "signatures": [_signature_record(s) for s in signatures],
        "consent_records": [
            _consent_record(c)
            for c in Consent.objects.filter(signature__in=list(signatures))
            .select_related("signature__petition", "signature__sheet", "notice__petition")
            .order_by("created_at", "id")
        ],
    }


def close_paper_request(request: RightsRequest, line: str, user, action: Action, count=0):
    """Record what was done and forget the person's details."""
    request.add_outcome(line)
    RightsRequest.objects.filter(pk=request.pk).update(
        outcome=request.outcome,
        status=RightsRequest.Status.DONE,
        completed_at=timezone.now(),
        name="",
        postcode="",
        address="",
        reply_to="",
        email="",
    )
    for organisation in request.organisations.all():
        audit.record(
            user, action, f"rights request {request.pk}: {line}", organisation=organisation,
            count=count,
        )  # fmt: skip


def erase_for_request(request: RightsRequest, organisations, user) -> int:
    """An organiser checked a paper request for erasure: blank those rows."""
    with transaction.atomic():
        signatures = request_signatures(request, organisations)
        n = erase_signatures(Signature.objects.filter(pk__in=[s.pk for s in signatures]),
                             Suppression.Reason.ERASED)  # fmt: skip
        close_paper_request(request, f"erasure: {n} signature(s) erased", user, Action.ERASE, n)
    return n


def _iso(value):
    return value.isoformat() if value else None


def how_given(consent: Consent) -> str:
    """Where a consent record came from, in the person's words."""
    signature = consent.signature
    match consent.mechanism:
        case Consent.Mechanism.WEB:
            return gettext("Box on the online form, petition %(number)s") % {
                "number": signature.petition.number
            }
        case Consent.Mechanism.PAPER if signature.sheet:
            return gettext("Paper sheet %(serial)s row %(row)s, typed up") % {
                "serial": signature.sheet.serial,
                "row": signature.sheet_row,
            }
        case Consent.Mechanism.UNSUBSCRIBE:
            return gettext("Unsubscribe link in an email")
        case Consent.Mechanism.REQUEST:
            return gettext("Your request at /your-data/")
        case Consent.Mechanism.STAFF:
            return gettext("Recorded by the organisation's staff")
        case Consent.Mechanism.IMPORT if signature.imported_from:
            return gettext("Imported from %(platform)s") % {"platform": signature.imported_from}
    return consent.get_mechanism_display()


def _consent_record(c: Consent) -> dict:
    return {
        "channel": c.channel,
        "given": c.given,
        "effect": effect(c),
        "effect_text": str(EFFECTS[effect(c)]),
        "how": how_given(c),
        "mechanism": c.mechanism,
        "wording": c.wording,
        "privacy_notice": c.notice.code if c.notice else None,
        "at": _iso(c.created_at),
    }


def _signature_record(s: Signature) -> dict:
    return {
        "petition": s.petition.number,
        "petition_title": s.petition.title,
        "organisation": s.petition.organisation.name,
        "name": s.name,
        "email": s.email,
        "address": s.address,
        "postcode": s.postcode,
        "phone": s.phone,
        "eligible": s.eligible,
        "source": s.get_source_display(),
        "imported_from": s.imported_from or None,
        "sheet": s.sheet.serial if s.sheet else None,
        "sheet_row": s.sheet_row,
        "status": s.get_status_display(),
        "privacy_notice": s.notice.code,
        "privacy_notice_text": s.notice.text,
        "signed_at": _iso(s.created_at),
        "verified_at": _iso(s.verified_at),
    }


def subject_data(request: RightsRequest) -> dict:
    """Everything held about the person, by organisation: what the JSON
    download and the readable page both show."""
    canonical = canonical_email(request.email)
    signatures = list(signatures_of(request))
    organisations = []
    for organisation in request.organisations.all().order_by("name"):
        mine = [s for s in signatures if s.petition.organisation_id == organisation.pk]
        deciding = current_consents(organisation, canonical)
        phones = {s.phone for s in mine if s.phone} or {""}
        history = (
            Consent.objects.filter(signature__in=mine)
            .select_related("signature__petition", "signature__sheet", "notice__petition")
            .order_by("created_at", "id")
        )
        suppressions = Suppression.objects.filter(
            organisation=organisation, digest=email_digest(canonical)
        )
        emails = OutboundEmail.objects.filter(signature__in=mine).order_by("created_at")
        organisations.append(
            {
                "organisation": organisation.name,
                "address": organisation.address,
                "contact": organisation.email,
                "privacy_policy": organisation.privacy_policy_url,
                "signatures": [_signature_record(s) for s in mine],
                # The same answer the worker gets before each message.
                "contact_now": {
                    c.value: all(may_contact(organisation, canonical, c.value, p) for p in phones)
                    for c in CHANNELS
                },
                "contact_decided_by": {
                    channel: _consent_record(c) if c else None for channel, c in deciding.items()
                },
                "consent_records": [_consent_record(c) for c in history],
                "suppression": [
                    {
                        "reason": x.get_reason_display(),
                        "channel": x.channel or "all",
                        "at": _iso(x.created_at),
                    }
                    for x in suppressions
                ],
                "emails_sent": [
                    {"kind": e.kind, "queued_at": _iso(e.created_at), "sent_at": _iso(e.sent_at)}
                    for e in emails
                ],
            }
        )
    return {
        "request": request.pk,
        "email": request.email,
        "generated_at": _iso(timezone.now()),
        "organisations": organisations,
    }


def note(request: RightsRequest, line: str, action: Action, count: int = 0):
    request.add_outcome(line)
    RightsRequest.objects.filter(pk=request.pk).update(outcome=request.outcome)
    for organisation in request.organisations.all():
        audit.record(
            None,
            action,
            f"rights request {request.pk}: {line}",
            organisation=organisation,
            count=count,
        )


def withdraw(request: RightsRequest, channels: list[str]) -> list[str]:
    stopped = set()
    seen_orgs = set()
    for signature in signatures_of(request).order_by("-created_at"):
        org_id = signature.petition.organisation_id
        if org_id in seen_orgs:
            continue
        seen_orgs.add(org_id)
        stopped |= set(stop_contact(signature, channels, mechanism=Consent.Mechanism.REQUEST))
    label = "all channels" if set(channels) >= {c.value for c in CHANNELS} else ", ".join(channels)
    note(request, f"objection: stopped {label}", Action.REQUEST)
    return sorted(stopped)


def stop_notice(request: RightsRequest):
    """A written notice to stop processing political opinions: recorded as a
    suppression every send and export consults."""
    for signature in signatures_of(request):
        suppress(
            signature.petition.organisation,
            Suppression.Reason.STOP,
            email=signature.email_canonical,
            phone=signature.phone,
        )
    note(request, "stop notice: political opinions no longer processed", Action.REQUEST)


def erase_signatures(signatures, reason: str | None) -> int:
    """Blank the personal data of these signatures and keep the rest, so the
    petition's counts do not change. Queued email to them goes too."""
    ids = list(signatures.values_list("id", flat=True))
    if not ids:
        return 0
    if reason:
        for s in Signature.objects.filter(pk__in=ids).select_related("petition"):
            suppress(
                s.petition.organisation_id,
                reason,
                email=s.email_canonical,
                phone=s.phone,
                name=s.name,
                postcode=s.postcode,
            )
    OutboundEmail.objects.filter(signature_id__in=ids).delete()
    return Signature.objects.filter(pk__in=ids, erased_at=None).update(
        name="",
        email="",
        email_canonical="",
        address="",
        postcode="",
        phone="",
        client_ip=None,
        erased_at=timezone.now(),
    )


def erase(request: RightsRequest) -> int:
    """Erasure, once: the link stops working afterwards."""
    with transaction.atomic():
        locked = RightsRequest.objects.filter(pk=request.pk, erased_at=None).update(
            erased_at=timezone.now()
        )
        if not locked:
            return 0
        email = request.email
        # Each organisation is told only of its own signatures: a total would
        # tell one organisation what the person signed with another.
        erased = {
            organisation: erase_signatures(
                signatures_of(request).filter(petition__organisation=organisation),
                Suppression.Reason.ERASED,
            )
            for organisation in request.organisations.all()
        }
        count = sum(erased.values())
        # Signatures sent in the last moments and not stored yet go too.
        if canonical := canonical_email(email):
            SignatureIntake.objects.filter(
                email_canonical=canonical, petition__organisation__in=list(erased)
            ).delete()
        # Every link this person asked for, under any spelling of the address:
        # requests are matched by the digest of the canonical form.
        asked = RightsRequest.objects.filter(email_digest=email_digest(email))
        OutboundEmail.objects.filter(
            kind=KIND, headers__rights_request__in=list(asked.values_list("pk", flat=True))
        ).delete()
        # The outcome is shown to every organisation involved, so it has no count.
        request.add_outcome("erasure: personal data erased")
        RightsRequest.objects.filter(pk=request.pk).update(
            email="",
            status=RightsRequest.Status.DONE,
            completed_at=timezone.now(),
            outcome=request.outcome,
        )
        for organisation, n in erased.items():
            audit.record(
                None,
                Action.ERASE,
                f"rights request {request.pk}: {n} signature(s) erased on request",
                organisation=organisation,
                count=n,
            )
    return count


def expire_requests() -> int:
    """Forget the addresses of requests whose link can no longer be used."""
    cutoff = timezone.now() - timezone.timedelta(seconds=settings.RIGHTS_TOKEN_MAX_AGE)
    now = timezone.now()
    n = RightsRequest.objects.filter(
        status=RightsRequest.Status.LINK_SENT, created_at__lt=cutoff
    ).update(status=RightsRequest.Status.EXPIRED, email="", completed_at=now)
    n += RightsRequest.objects.filter(
        status=RightsRequest.Status.OPEN, created_at__lt=cutoff
    ).update(status=RightsRequest.Status.DONE, email="", completed_at=now)
    return n
