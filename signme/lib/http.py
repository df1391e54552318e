"""Small HTTP helpers shared by views."""

import ipaddress

from django.conf import settings
from django.http import HttpResponseRedirect

from .language import vary_on_language


def public_cache(response, max_age: int | None = None):
    """Let a proxy or CDN absorb read storms: a short max-age, then serve stale
    while one request revalidates."""
    max_age = settings.PUBLIC_MAX_AGE if max_age is None else max_age
    response["Cache-Control"] = (
        f"public, max-age={max_age}, "
        f"stale-while-revalidate={settings.PUBLIC_STALE_WHILE_REVALIDATE}"
    )
    return response


def has_session(request) -> bool:
    """A request with a session: a signed-in organiser, mostly. What it gets
    may hold their CSRF token or a draft, so no proxy may keep it, and the
    page cache neither serves it nor stores it."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def cache_for_readers(request, response, max_age: int | None = None, *, language: bool = True):
    """A public answer: shared caches may keep it, unless the request has a
    session. `language`: the response is in the reader's language (a page,
    the badge); JSON, QR codes and images are the same in both."""
    if language:
        vary_on_language(response)
    if has_session(request):
        return private_no_store(response)
    return public_cache(response, max_age=max_age)


def see_other(url: str) -> HttpResponseRedirect:
    """303: after a POST, the browser GETs the next page (no resubmission)."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def private_no_store(response):
    response["Cache-Control"] = "private, no-store"
    return response


def client_ip(request) -> str:
    """The client's address, trusting exactly SIGNME_TRUSTED_PROXIES hops of
    X-Forwarded-For and no more (a client can forge the rest)."""
    addr = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = [
            p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()
        ]
        if len(forwarded) >= hops:
            addr = forwarded[-hops]
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return addr
    if ip.version == 6:  # one IPv6 user usually owns the whole /64
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def cross_site_post(request) -> bool:
    """True when a browser tells us the POST came from another site.

    Browsers send Sec-Fetch-Site on every request and Origin on every POST;
    a forged cross-site form cannot hide either. Clients that send neither
    are not browsers, and cannot carry a victim's cookies anyway.
    """
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
    if fetch_site:
        return fetch_site not in {"same-origin", "none"}
    origin = request.META.get("HTTP_ORIGIN")
    if origin and origin != "null":
        allowed = set(settings.CSRF_TRUSTED_ORIGINS)
        allowed.add(f"{request.scheme}://{request.get_host()}")
        return origin not in allowed
    return origin == "null"
