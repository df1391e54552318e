"""The email a signer gets to confirm their signature."""

from django.db.models import Q
from django.utils import timezone

from signme.lib.language import in_language
from signme.mailing.kinds import EmailKind, Rendered, render_templates
from signme.mailing.models import OutboundEmail

from .links import confirm_url
from .models import Signature
from .signing import RESEND_AFTER


def _link_on_its_way(row) -> bool:
    """Another confirmation for this signature was queued before this one and
    is still waiting, or went less than RESEND_AFTER ago: this one would be
    the second link in a row."""
    others = OutboundEmail.objects.filter(
        signature_id=row.signature_id, kind=EmailKind.CONFIRM_SIGNATURE
    ).exclude(pk=row.pk)
    waiting = Q(pk__lt=row.pk, sent_at=None, failed_at=None)
    # Rows closed unsent carry no message id.
    sent_lately = Q(sent_at__gte=timezone.now() - RESEND_AFTER) & ~Q(message_id="")
    return others.filter(waiting | sent_lately).exists()


def confirm_signature(row) -> Rendered | None:
    """Every signing request queues one of these, whether or not the address
    had signed (see signing.py), so what to send is decided here: nothing for
    a signature confirmed, erased or ruled out, nor while another link is on
    its way; otherwise the link."""
    signature = row.signature
    if signature is None or signature.erased_at or signature.status != Signature.Status.PENDING:
        return None
    if _link_on_its_way(row):
        return None
    petition = signature.petition
    # In the language they signed in, whatever the worker's own.
    with in_language(signature.language):
        return render_templates(
            "petitions/emails/confirm_signature",
            {
                "petition": petition,
                "organisation": petition.organisation,
                "name": signature.name,
                "confirm_url": confirm_url(signature),
            },
        )
