"""Links in emails to signers. Tokens carry a row id, never an address."""

from django.conf import settings
from django.urls import reverse

from signme.lib.tokens import make_token, read_token


def unsubscribe_token(signature_id: int) -> str:
    return make_token("unsubscribe", signature_id)


def read_unsubscribe_token(token: str) -> int:
    return int(read_token("unsubscribe", token, settings.UNSUBSCRIBE_TOKEN_MAX_AGE))


def unsubscribe_url(signature_id: int) -> str:
    return settings.BASE_URL + reverse("unsubscribe", args=[unsubscribe_token(signature_id)])


def rights_token(request_id: int) -> str:
    return make_token("rights", request_id)


def read_rights_token(token: str) -> int:
    return int(read_token("rights", token, settings.RIGHTS_TOKEN_MAX_AGE))


def rights_url(request_id: int) -> str:
    return settings.BASE_URL + reverse("your_data_request", args=[rights_token(request_id)])
