"""The email a signer gets to confirm their signature."""

from signme.mailing.kinds import Rendered, render_templates

from .links import confirm_url
from .models import Signature


def confirm_signature(row) -> Rendered | None:
    signature = row.signature
    if signature is None or signature.erased_at or signature.status != Signature.Status.PENDING:
        return None
    petition = signature.petition
    return render_templates(
        "petitions/emails/confirm_signature",
        {
            "petition": petition,
            "organisation": petition.organisation,
            "name": signature.name,
            "confirm_url": confirm_url(signature),
        },
    )
