"""The per-process copy of each petition that public pages use.

Not the shared cache: unpickling a petition on every request costs more than
the lookup it saves. Another process sees an edit within PUBLIC_TTL seconds;
this one at once, because saving a petition, its notice, its target or a
threshold calls forget_public_petition() (see models.py)."""

import time

from django.conf import settings
from django.core.cache import cache

PUBLIC_TTL = 5

_public: dict[int, tuple[float, object]] = {}


def cached_public_petition(number: int):
    hit = _public.get(number)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    return None


def keep_public_petition(number: int, petition) -> None:
    _public[number] = (time.monotonic() + PUBLIC_TTL, petition)


def forget_public_petition(number: int) -> None:
    _public.pop(number, None)
    cache.delete_many([page_cache_key(number, "", code) for code, _ in settings.LANGUAGES])


def forget_all() -> None:
    _public.clear()


def page_cache_key(number: int, sheet: str, language: str) -> str:
    """The rendered public page for visitors without a session, in one
    language: a Welsh page is never served to an English reader."""
    return f"page:{number}:{language}:{sheet}"
