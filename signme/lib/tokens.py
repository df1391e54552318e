"""Tokens for links in emails: signed, salted, expiring, free of personal data."""

from django.core import signing


class BadToken(Exception):
    """The token was tampered with, is for another purpose, or has expired."""


def make_token(purpose: str, value: int | str) -> str:
    return signing.dumps(value, salt=f"signme.{purpose}", compress=False)


def read_token(purpose: str, token: str, max_age: int) -> int | str:
    try:
        return signing.loads(token, salt=f"signme.{purpose}", max_age=max_age)
    except signing.SignatureExpired as e:
        raise BadToken("expired") from e
    except signing.BadSignature as e:
        raise BadToken("invalid") from e
