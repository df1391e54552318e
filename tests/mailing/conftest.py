import pytest
from django.utils import timezone

from signme.lib.emails import canonical_email
from signme.mailing.models import OutboundEmail
from signme.petitions.models import Signature


@pytest.fixture
def signer(sign, petition):
    """A verified signer of petition 1500, who ticked the email box unless told not to."""

    def _signer(email="sian.evans@example.org", consent=True, number=None, **kw):
        if consent:
            kw["consent_email"] = "on"
        response = sign(number, email=email, **kw)
        assert response.status_code == 303, response.content
        signature = Signature.objects.get(
            email_canonical=canonical_email(email),
            petition__number=number or petition.number,
            status="pending",
        )
        Signature.objects.filter(pk=signature.pk).update(
            status="verified", verified_at=timezone.now()
        )
        OutboundEmail.objects.filter(kind="confirm_signature").delete()
        signature.refresh_from_db()
        return signature

    return _signer
