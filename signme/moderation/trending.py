"""Where a petition's signatures are coming from fastest: the networks and
email domains behind the most signatures in the last hour. A surge from one
place is often a bot; the organiser decides, with the invalidate page."""

import ipaddress
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from signme.petitions.models import Petition, Signature

WINDOW = timedelta(hours=1)
TOP = 20


@dataclass(frozen=True)
class Busiest:
    since: datetime
    addresses: list[tuple[str, int]]
    domains: list[tuple[str, int]]


def network_of(address: str) -> str:
    """An IPv4 address by its /24, an IPv6 one by its /64 (how it is stored):
    the ranges one network usually holds."""
    if ":" not in address:  # dotted IPv4, as stored: its /24 is its first three numbers
        return f"{address.rpartition('.')[0]}.0/24"
    return str(ipaddress.IPv6Network(f"{address}/64", strict=False))


def _top(counter: Counter) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:TOP]


def busiest(petition: Petition, now: datetime | None = None) -> Busiest:
    """Signatures made online in the last hour that still count or wait to,
    grouped by network and by email domain; the busiest first. An hour of a
    surge is tens of thousands of rows, read once and grouped here, which
    works the same on SQLite and PostgreSQL."""
    since = (now or timezone.now()) - WINDOW
    rows = (
        Signature.objects.filter(
            petition=petition, source=Signature.Source.WEB, created_at__gte=since
        )
        .exclude(validity=Signature.Validity.INVALIDATED)
        .values_list("client_ip", "email_canonical")
    )
    by_address, domains = Counter(), Counter()
    for address, email in rows.iterator():
        if address:
            by_address[address] += 1
        if "@" in email:
            domains[email.rpartition("@")[2]] += 1
    networks = Counter()
    for address, n in by_address.items():  # a surge repeats addresses: each is parsed once
        networks[network_of(address)] += n
    return Busiest(since=since, addresses=_top(networks), domains=_top(domains))
