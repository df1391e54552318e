"""The email a signer gets to confirm their signature."""

from django.db.models import Q
from django.utils import timezone

from signme.lib.language import in_language
from signme.mailing.kinds import EmailKind, Rendered, render_templates
from signme.mailing.models import OutboundEmail

from .links import confirm_url
from .models import Signature
from .signing import RESEND_AFTER


def _links_on_their_way(rows) -> None:
    """For each row, whether another confirmation for its signature was
    queued before it and is still waiting, or went less than RESEND_AFTER
    ago: this one would be the second link in a row. One query for a batch."""
    waiting = Q(sent_at=None, failed_at=None)
    # Rows closed unsent carry no message id.
    sent_lately = Q(sent_at__gte=timezone.now() - RESEND_AFTER) & ~Q(message_id="")
    others: dict[int, list] = {}
    for signature_id, pk, sent_at in OutboundEmail.objects.filter(
        waiting | sent_lately,
        signature_id__in={row.signature_id for row in rows},
        kind=EmailKind.CONFIRM_SIGNATURE,
    ).values_list("signature_id", "pk", "sent_at"):
        others.setdefault(signature_id, []).append((pk, sent_at))
    for row in rows:
        row.link_on_its_way = any(
            pk != row.pk and (sent_at is not None or pk < row.pk)
            for pk, sent_at in others.get(row.signature_id, ())
        )


def confirm_signature(row) -> Rendered | None:
    """Every signing request queues one of these, whether or not the address
    had signed (see signing.py), so what to send is decided here: nothing for
    a signature confirmed, erased or ruled out, nor while another link is on
    its way; otherwise the link."""
    signature = row.signature
    if signature is None or signature.erased_at or signature.status != Signature.Status.PENDING:
        return None
    if not hasattr(row, "link_on_its_way"):
        _links_on_their_way([row])
    if row.link_on_its_way:
        return None
    petition = signature.petition
    # In the language they signed in, whatever the worker's own.
    # The signer's name and link are theirs; the rest is the same for every
    # signer of the petition, so a worker's batch renders it once.
    with in_language(signature.language):
        return render_templates(
            "petitions/emails/confirm_signature",
            {"petition": petition, "organisation": petition.organisation},
            personal={"name": signature.name, "confirm_url": confirm_url(signature)},
        )


confirm_signature.prepare = _links_on_their_way
