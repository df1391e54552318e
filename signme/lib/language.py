"""The two languages SignMe speaks, as stored with a signature ("en" or "cy")
and as Django activates them (settings.LANGUAGES)."""

from contextlib import AbstractContextManager

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

ENGLISH, WELSH = "en", "cy"


def current_language() -> str:
    """The language of this request or rendering, as stored: "cy" or "en"."""
    return WELSH if (translation.get_language() or "").startswith(WELSH) else ENGLISH


def language_code(stored: str) -> str:
    """The Django language for a stored one: British English unless Welsh."""
    return WELSH if stored == WELSH else settings.LANGUAGE_CODE


def in_language(stored: str) -> AbstractContextManager:
    """Render an email, a sheet or a wording in a signer's language."""
    return translation.override(language_code(stored))


def vary_on_language(response):
    """A page in the reader's language: the language cookie, then
    Accept-Language, chose it, so a shared cache must key on both."""
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response
