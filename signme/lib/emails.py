"""Email addresses: the canonical form used to tell whether two are one person."""

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


def canonical_email(address: str) -> str:
    """Lower-cased, with dots and +tags removed where the provider ignores them."""
    address = (address or "").strip().lower()
    local, sep, domain = address.rpartition("@")
    if not sep:
        return address
    domain = domain.rstrip(".")
    if domain in _PLUS_TAGS:
        local = local.split("+", 1)[0]
    if domain in _DOTS_IGNORED:
        local = local.replace(".", "")
    return f"{local}@{_ALIASES.get(domain, domain)}"
