"""Links that carry a signed token: made and read here, so the page that
sends one and the page that reads one agree."""

import time
from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, reverse

from signme.lib.tokens import make_token, read_token

FORM_TOKEN_MAX_AGE = 60 * 60 * 24 * 2


def confirm_token(signature) -> str:
    return make_token("confirm", signature.pk)


def confirm_url(signature) -> str:
    before, after = _confirm_path(get_script_prefix())
    return f"{settings.BASE_URL}{before}{confirm_token(signature)}{after}"


_SLOT = "TOKEN"


@cache
def _confirm_path(script_prefix: str) -> tuple[str, str]:
    """The confirmation path around its token. A worker makes thousands of
    links a second, and reverse() cost four times the token; a token's
    characters (URL-safe base64 and ":") are the ones reverse() leaves as
    they are, so putting one in the slot gives what reverse() would."""
    before, _, after = reverse("confirm", args=[_SLOT]).partition(_SLOT)
    return before, after


def read_confirm_token(token: str) -> int:
    """The signature id; raises BadToken ("expired" when too old)."""
    return read_token("confirm", token, settings.CONFIRM_TOKEN_MAX_AGE)


def form_token(petition_number: int) -> str:
    """Stands in for a CSRF cookie on the signing form (see web.public.sign),
    and says when the form was made, for the too-fast-to-be-a-person check."""
    return make_token("signform", [petition_number, int(time.time() * 1000)])


def read_form_token(token: str) -> tuple[int, float | None]:
    """The petition number the form was made for, and how many seconds ago
    (None for tokens made before the time was carried)."""
    value = read_token("signform", token, FORM_TOKEN_MAX_AGE)
    if isinstance(value, list) and len(value) == 2:
        number, made_ms = value
        return int(number), max(0.0, time.time() - made_ms / 1000)
    return int(value), None
