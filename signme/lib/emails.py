"""Email addresses: the canonical form used to tell whether two are one person,
and whether an address can be delivered at all."""

import re
import unicodedata
from functools import lru_cache

import idna

# RFC 5321 allows a path of 256 octets, angle brackets included.
MAX_LENGTH = 254

# What mail programs ignore at the end of a domain: "gmail.com." is gmail.com.
_TRAILING = re.compile(r"[\s.]+\Z")

# Providers known to deliver a.b.c@ and abc@ to the same mailbox, and to treat
# +anything as a tag on the same mailbox.
_DOTS_IGNORED = {"gmail.com", "googlemail.com"}
_PLUS_TAGS = _DOTS_IGNORED | {
    "outlook.com",
    "hotmail.com",
    "hotmail.co.uk",
    "live.com",
    "live.co.uk",
    "icloud.com",
    "me.com",
    "fastmail.com",
    "proton.me",
    "protonmail.com",
    "btinternet.com",
}
_ALIASES = {"googlemail.com": "gmail.com"}


class UndeliverableEmail(ValueError):
    pass


@lru_cache(maxsize=1024)
def ascii_domain(domain: str) -> str:
    """The domain as DNS sees it: mapped by UTS #46 (case, fullwidth letters,
    ideographic full stops) and IDNA-encoded, without a trailing dot.

    Cached: a surge of signatures comes from a few dozen domains, and the
    encoding costs tens of microseconds each time."""
    try:
        encoded = idna.encode(domain.rstrip("."), uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        raise UndeliverableEmail(domain) from None
    return encoded.rstrip(".")


def _fold(text: str) -> str:
    # NFKC again after lower-casing: lower() can leave text that NFKC would
    # still change, and the canonical form must be its own canonical form.
    text = text.strip()
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).lower())


def canonical_email(address: str) -> str:
    """The address reduced to what decides which mailbox mail reaches:
    x@gmail.com, X@ｇｍａｉｌ.com and x+petition@googlemail.com give one form,
    y@bücher.de and y@xn--bcher-kva.de another."""
    # The local part is NFKC-normalised and lower-cased with the rest. RFC 5321
    # leaves its case to the receiving server, but every mainstream one
    # ignores case, and no server gives out two mailboxes that differ only by
    # fullwidth forms or ligatures. Where we are wrong, two people count once,
    # which a petition bears better than one person counting twice. (The
    # signing form accepts only ASCII local parts anyway.)
    address = _fold(address or "")
    local, sep, domain = address.rpartition("@")
    if not sep:
        return address
    domain = _TRAILING.sub("", domain)
    # An ASCII domain needs nothing more: UTS #46 only lower-cases ASCII, and
    # A-labels (xn--...) stay as they are.
    if not domain.isascii():
        try:
            encoded = ascii_domain(domain)
        except UndeliverableEmail:
            # No mail can reach it, so no mailbox to match: the folded address
            # is its own form, never a crash.
            return f"{local}@{domain}"
        if len(local) + 1 + len(encoded) > MAX_LENGTH:
            return f"{local}@{domain}"
        domain = encoded
    if domain in _PLUS_TAGS:
        local = local.split("+", 1)[0]
    if domain in _DOTS_IGNORED:
        local = local.replace(".", "")
    return f"{local}@{_ALIASES.get(domain, domain)}"


def check_deliverable(address: str) -> None:
    """Raise UndeliverableEmail for an address no mail can reach from here,
    though it looks like one: a domain IDNA refuses, a domain without a dot
    (a@localhost), or one too long for SMTP once encoded."""
    local, sep, domain = address.strip().rpartition("@")
    if not sep:
        raise UndeliverableEmail(address)
    encoded = ascii_domain(domain)
    if "." not in encoded or len(local) + 1 + len(encoded) > MAX_LENGTH:
        raise UndeliverableEmail(address)


def delivery_address(address: str) -> str:
    """The address with its domain IDNA-encoded by UTS #46, so mail goes to
    the mailbox canonical_email names. Left to itself Django encodes with
    IDNA 2003, which sends y@straße.de's mail to strasse.de."""
    local, sep, domain = address.rpartition("@")
    if not sep or domain.isascii():
        return address
    try:
        return f"{local}@{ascii_domain(domain)}"
    except UndeliverableEmail:
        return address
