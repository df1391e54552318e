"""Sending queued deliveries: a JSON body signed with HMAC-SHA256 over a
timestamp and the body, so a receiver can tell it came from us and refuse a
replay; retried with growing waits when the receiver is down.

The standard library's HTTP client is enough for one POST with a timeout;
redirects are not followed (a POST turned into a GET would lose the body)."""

import hashlib
import hmac
import ipaddress
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import Delivery

SIGNATURE_HEADER = "X-SignMe-Signature"
# A receiver should refuse a signature older than this (seconds).
TOLERANCE = 300
MAX_ATTEMPTS = 16  # about a day and a half of waiting in all
FIRST_WAIT = 30  # seconds; doubled after each failure
LONGEST_WAIT = 6 * 3600
# A claim older than this belongs to a worker that died mid-send.
CLAIM_TIMEOUT = timedelta(minutes=5)


def sign(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},sha256={mac.hexdigest()}"


def verify(secret: str, body: bytes, header: str, now: float | None = None) -> bool:
    """What a receiver does: the signature matches and is recent."""
    try:
        parts = dict(p.split("=", 1) for p in header.split(","))
        timestamp = int(parts["t"])
        given = parts["sha256"]
    except (KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > TOLERANCE:
        return False
    expected = sign(secret, body, timestamp).split("sha256=", 1)[1]
    return hmac.compare_digest(expected, given)


def wait_after(attempts: int) -> timedelta:
    return timedelta(seconds=min(FIRST_WAIT * 2 ** (attempts - 1), LONGEST_WAIT))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def inside_network(url: str) -> bool:
    """Whether the address's host is this machine or on a private network.
    Webhooks go to the public internet only, unless WEBHOOKS_ALLOW_PRIVATE:
    a server that trusts its neighbours must not take orders from an
    organiser's form. A host that cannot be resolved is not known to be
    inside (sending to it then fails on its own)."""
    if settings.WEBHOOKS_ALLOW_PRIVATE:
        return False
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    return any(not ipaddress.ip_address(info[4][0].split("%")[0]).is_global for info in found)


def _post(url: str, body: bytes, headers: dict) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _attempt(delivery: Delivery, body_for: Callable[[Delivery], dict]) -> bool:
    body = json.dumps(body_for(delivery), separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "SignMe webhooks",
        "X-SignMe-Event": delivery.event,
        "X-SignMe-Delivery": str(delivery.pk),
        SIGNATURE_HEADER: sign(delivery.webhook.secret, body, int(time.time())),
    }
    status, error = None, ""
    try:
        # Checked again at each try: the name may point elsewhere by now.
        if inside_network(delivery.webhook.url):
            raise ValueError("the address is on a private network or this machine")
        status = _post(delivery.webhook.url, body, headers)
    except (OSError, ValueError) as exc:  # refused, timed out, unresolvable
        error = str(exc)[:300] or exc.__class__.__name__
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_status = status
    delivery.last_error = error or ("" if status and 200 <= status < 300 else f"HTTP {status}")
    delivery.claimed_by, delivery.claimed_at = "", None
    ok = status is not None and 200 <= status < 300
    if ok:
        delivery.delivered_at = now
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.failed_at = now
    else:
        delivery.send_after = now + wait_after(delivery.attempts)
    delivery.save()
    return ok


def deliver_due(worker_id: str, body_for: Callable[[Delivery], dict], limit: int = 50) -> int:
    """Worker job: send what is due; returns how many were delivered. Each
    row is claimed with a conditional UPDATE, so two workers never send it
    twice at once."""
    now = timezone.now()
    unclaimed = Q(claimed_at=None) | Q(claimed_at__lt=now - CLAIM_TIMEOUT)
    due = Delivery.objects.filter(delivered_at=None, failed_at=None, send_after__lte=now)
    delivered = 0
    waiting = due.filter(unclaimed).order_by("send_after", "pk").values_list("pk", flat=True)
    for pk in list(waiting[:limit]):
        if not due.filter(unclaimed, pk=pk).update(claimed_by=worker_id, claimed_at=now):
            continue
        delivery = Delivery.objects.select_related("webhook").get(pk=pk)
        delivered += _attempt(delivery, body_for)
    return delivered
