"""Links that carry a signed token: made and read here, so the page that
sends one and the page that reads one agree."""

from django.conf import settings
from django.urls import reverse

from signme.lib.tokens import make_token, read_token

FORM_TOKEN_MAX_AGE = 60 * 60 * 24 * 2


def confirm_token(signature) -> str:
    return make_token("confirm", signature.pk)


def confirm_url(signature) -> str:
    return settings.BASE_URL + reverse("confirm", args=[confirm_token(signature)])


def read_confirm_token(token: str) -> int:
    """The signature id; raises BadToken ("expired" when too old)."""
    return read_token("confirm", token, settings.CONFIRM_TOKEN_MAX_AGE)


def form_token(petition_number: int) -> str:
    """Stands in for a CSRF cookie on the signing form (see web.public.sign)."""
    return make_token("signform", petition_number)


def read_form_token(token: str) -> int:
    return read_token("signform", token, FORM_TOKEN_MAX_AGE)
