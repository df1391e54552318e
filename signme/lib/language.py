"""The two languages SignMe speaks, as stored with a signature ("en" or "cy")
and as Django activates them (settings.LANGUAGES)."""

from contextlib import AbstractContextManager

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

ENGLISH, WELSH = "en", "cy"
# For a choice of the two, each named in its own language.
CHOICES = [(ENGLISH, "English"), (WELSH, "Cymraeg")]


def current_language() -> str:
    """The language of this request or rendering, as stored: "cy" or "en"."""
    return WELSH if (translation.get_language() or "").startswith(WELSH) else ENGLISH


def stored_language(value) -> str:
    """ "cy" for Welsh, "en" for anything else (English, empty, unknown)."""
    return WELSH if value == WELSH else ENGLISH


def lang_query(stored: str) -> str:
    """What a link adds to open its page in `stored`: English needs nothing."""
    return "?lang=cy" if stored == WELSH else ""


def language_code(stored: str) -> str:
    """The Django language for a stored one: British English unless Welsh."""
    return WELSH if stored == WELSH else settings.LANGUAGE_CODE


def in_language(stored: str) -> AbstractContextManager:
    """Render an email, a sheet or a wording in a signer's language."""
    return translation.override(language_code(stored))


def chosen_language(request) -> str | None:
    """The language asked for in the address (?lang=cy or ?lang=en), if any."""
    chosen = request.GET.get("lang")
    return chosen if chosen in (ENGLISH, WELSH) else None


def vary_on_language(response):
    """A page in the reader's language: besides its address, only
    Accept-Language chose it."""
    patch_vary_headers(response, ("Accept-Language",))
    return response


# Staff pages are never shared by a cache, so there the language chosen
# (?lang=) is kept in the session: the next page, and the page a form posts
# to, stay in it.
STAFF_PATHS = ("/organise/", "/accounts/")
SESSION_KEY = "language"


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (Accept-Language, else English; Vary and
    Content-Language on every response), with ?lang= in the address first,
    and on staff pages the last language chosen there.

    No language cookie: a page's language then depends only on its address
    and one header, so a proxy or CDN shares each page between all readers
    of a language. With a cookie it would have to vary on Cookie, which most
    caches treat as "do not share"."""

    def process_request(self, request):
        request.COOKIES.pop(settings.LANGUAGE_COOKIE_NAME, None)
        super().process_request(request)
        chosen = chosen_language(request)
        if request.path.startswith(STAFF_PATHS):
            if chosen:
                request.session[SESSION_KEY] = chosen
            else:
                chosen = request.session.get(SESSION_KEY)
        if chosen:
            translation.activate(language_code(chosen))
            request.LANGUAGE_CODE = translation.get_language()
