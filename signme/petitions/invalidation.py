"""Ruling signatures out of the count, as a petition's moderators do.

An organiser picks a rule (an address or range, an email domain, a time
window, a name pattern, a paper sheet), sees what it matches, and invalidates
them with a reason; undoing it puts them back. A flagged signature (a bot
signal) is held for review until someone counts it or rules it out. Every
step is audited, the count follows at once, and signers are never told.

Whether a signature counts is still decided only by validity.settle(); this
module only changes what settle() reads (the invalidation, the flag, the
status), then calls it.
"""

import ipaddress
import re
import socket
from datetime import datetime

from django.db import connection, transaction
from django.db.models import F, Lookup, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext

from signme.audit import log as audit
from signme.lib.emails import canonical_email

from .counting import forget_counts
from .models import Invalidation, Petition, Sheet, Signature
from .validity import settle

Rule = Invalidation.Rule
V = Signature.Validity


class RuleError(ValueError):
    """Bad input for a rule; `field` names the form field it belongs to."""

    def __init__(self, message: str, field: str = "value"):
        super().__init__(message)
        self.field = field


class _InNetwork(Lookup):
    """PostgreSQL's own test that an inet lies in a network: one scan, however
    many addresses the range holds."""

    lookup_name = "in_network"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} <<= ({rhs})::inet", (*lhs_params, *rhs_params)


def address_network(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """The network an ADDRESS rule names. An IPv6 signer is stored by its /64
    (one household or phone usually owns a whole /64), so nothing narrower
    can be told apart: an IPv6 address or smaller range widens to its /64."""
    value = value.strip()
    if not value:
        raise RuleError(
            gettext("Enter an IP address or range, like 203.0.113.7 or 203.0.113.0/24.")
        )
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise RuleError(
            gettext(
                "%(value)s is not an IP address or range. Enter one like 203.0.113.7, "
                "203.0.113.0/24 or 2001:db8:1:2::/64."
            )
            % {"value": value}
        ) from None
    if network.version == 6 and network.prefixlen > 64:
        return network.supernet(new_prefix=64)
    if "/" in value and network.network_address != ipaddress.ip_interface(value).ip:
        raise RuleError(
            gettext("%(value)s is not the start of its range: did you mean %(network)s?")
            % {"value": value, "network": network}
        )
    return network


def email_domain(value: str) -> str:
    """The domain as canonical emails spell it (lower case, googlemail.com as
    gmail.com)."""
    domain = value.strip().lstrip("@").rstrip(".").lower()
    if not domain:
        raise RuleError(gettext("Enter an email domain, like example.com."))
    if "@" in domain or "." not in domain or re.search(r"\s|\*", domain):
        raise RuleError(
            gettext(
                "%(value)s is not an email domain. Enter what comes after the @, like example.com."
            )
            % {"value": value.strip()}
        )
    return canonical_email(f"x@{domain}").rpartition("@")[2]


def name_regex(value: str) -> str:
    """A case-insensitive, whole-name regular expression for a pattern where
    * stands for any run of characters."""
    pattern = " ".join(value.split())
    if not pattern.replace("*", "").strip():
        raise RuleError(
            gettext(
                "Enter a name or a pattern with some letters, like Mickey* (an * alone "
                "would match everyone)."
            )
        )
    return "^" + ".*".join(re.escape(part) for part in pattern.split("*")) + "$"


def _window(starts_at: datetime | None, ends_at: datetime | None):
    if starts_at is None:
        raise RuleError(gettext("Enter when the window starts."), field="starts_at")
    if ends_at is None:
        raise RuleError(gettext("Enter when the window ends."), field="ends_at")
    if ends_at <= starts_at:
        raise RuleError(gettext("The window must end after it starts."), field="ends_at")
    return starts_at, ends_at


def _sheet(petition: Petition, value: str) -> Sheet:
    serial = value.strip().upper()
    if not serial:
        raise RuleError(gettext("Enter the serial number printed on the sheet, like S1500-0007."))
    sheet = Sheet.objects.filter(petition=petition, serial=serial).first()
    if sheet is None:
        raise RuleError(
            gettext("Petition %(number)s has no sheet %(serial)s.")
            % {"number": petition.number, "serial": serial}
        )
    return sheet


def normalise(
    petition: Petition,
    rule: str,
    value: str = "",
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> tuple[str, datetime | None, datetime | None]:
    """The rule's value as it will be stored (a range in network form, a
    domain in lower case), or RuleError saying what is wrong."""
    value = value or ""
    if rule == Rule.ADDRESS:
        return str(address_network(value)), None, None
    if rule == Rule.DOMAIN:
        return email_domain(value), None, None
    if rule == Rule.WINDOW:
        return "", *_window(starts_at, ends_at)
    if rule == Rule.NAME:
        name_regex(value)
        return " ".join(value.split()), None, None
    if rule == Rule.SHEET:
        return _sheet(petition, value).serial, None, None
    raise RuleError(gettext("Choose what to match signatures by."), field="rule")


def matching(
    petition: Petition,
    rule: str,
    value: str = "",
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> QuerySet[Signature]:
    """The petition's signatures the rule matches, whatever their validity.
    Raises RuleError (a ValueError) for bad input."""
    value, starts_at, ends_at = normalise(petition, rule, value, starts_at, ends_at)
    signatures = Signature.objects.filter(petition=petition)
    if rule == Rule.ADDRESS:
        return _in_network(signatures, address_network(value))
    if rule == Rule.DOMAIN:
        return signatures.filter(email_canonical__iendswith=f"@{value}")
    if rule == Rule.WINDOW:
        # Only online signatures carry the moment they were made; a paper
        # row's date is when it was typed up.
        return signatures.filter(
            source=Signature.Source.WEB, created_at__gte=starts_at, created_at__lt=ends_at
        )
    if rule == Rule.NAME:
        return signatures.filter(name__iregex=name_regex(value))
    # By the sheet's id, not a join on its serial: an UPDATE with a join
    # becomes a subquery, which a concurrent invalidation could race.
    return signatures.filter(source=Signature.Source.PAPER, sheet=_sheet(petition, value))


def _in_network(signatures: QuerySet[Signature], network) -> QuerySet[Signature]:
    if connection.vendor == "postgresql":
        return signatures.filter(_InNetwork(F("client_ip"), Value(str(network))))
    # SQLite stores addresses as text, which no range comparison orders
    # correctly: test each address in Python instead, as a number (ipaddress
    # objects cost ten times as much, seconds on a big petition).
    family = socket.AF_INET if network.version == 4 else socket.AF_INET6
    first, last = int(network.network_address), int(network.broadcast_address)
    addresses = set(signatures.exclude(client_ip=None).values_list("client_ip", flat=True))
    inside = []
    for address in addresses:
        try:
            number = int.from_bytes(socket.inet_pton(family, address), "big")
        except OSError:  # the other family
            continue
        if first <= number <= last:
            inside.append(address)
    return signatures.filter(client_ip__in=inside)


def still_counting(signatures: QuerySet[Signature]) -> QuerySet[Signature]:
    """Those an invalidation would take: not already ruled out by another
    invalidation or by staff."""
    return signatures.filter(invalidation=None).exclude(validity=V.INVALIDATED)


def invalidate(
    petition: Petition,
    rule: str,
    value: str = "",
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    *,
    reason: str,
    user,
) -> Invalidation:
    """Rule the matching signatures out of the count, with a reason. Those
    already invalidated keep the invalidation they have, so undoing either
    one never brings back the other's."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise RuleError(
            gettext("Give a reason: it is kept with the invalidation."), field="reason"
        )
    if len(reason) > 300:
        raise RuleError(gettext("Keep the reason to 300 characters or fewer."), field="reason")
    value, starts_at, ends_at = normalise(petition, rule, value, starts_at, ends_at)
    signatures = still_counting(matching(petition, rule, value, starts_at, ends_at))
    with transaction.atomic():
        invalidation = Invalidation.objects.create(
            petition=petition,
            rule=rule,
            value=value,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        invalidation.matched = signatures.update(invalidation=invalidation)
        invalidation.save(update_fields=["matched"])
        settle(Signature.objects.filter(invalidation=invalidation))
        audit.record(
            user,
            audit.Action.INVALIDATE,
            f"invalidation {invalidation.pk} ({invalidation.get_rule_display().lower()})",
            petition=petition,
            count=invalidation.matched,
        )
    forget_counts(petition.pk)
    return invalidation


def undo(invalidation: Invalidation, user) -> int:
    """Put back the signatures still ruled out by this invalidation; returns
    how many. Both the invalidation and its undoing stay on record."""
    with transaction.atomic():
        # Locked, so two organisers pressing Undo together undo it once.
        invalidation = Invalidation.objects.select_for_update().get(pk=invalidation.pk)
        if invalidation.undone_at is not None:
            raise RuleError(gettext("This invalidation was already undone."), field="__all__")
        restored = Signature.objects.filter(invalidation=invalidation).update(invalidation=None)
        # The rows just released are the ones whose stored validity still
        # says "ruled out by a rule" but that no longer point at one.
        settle(
            Signature.objects.filter(
                petition_id=invalidation.petition_id,
                invalidation=None,
                validity=V.INVALIDATED,
                validity_reason="rule",
            )
        )
        invalidation.undone_at = timezone.now()
        invalidation.undone_by = user if getattr(user, "is_authenticated", False) else None
        invalidation.save(update_fields=["undone_at", "undone_by"])
        audit.record(
            user,
            audit.Action.REINSTATE,
            f"undid invalidation {invalidation.pk}",
            petition=invalidation.petition,
            count=restored,
        )
    forget_counts(invalidation.petition_id)
    return restored


def held_for_review(petition: Petition) -> QuerySet[Signature]:
    return Signature.objects.filter(petition=petition, validity=V.REVIEW)


def clear_flag(signatures: QuerySet[Signature], user) -> int:
    """A person looked and these are real signers: count them (if nothing
    else rules them out). Returns how many were cleared."""
    return _review(signatures, user, {"flagged": ""}, audit.Action.REINSTATE, "counted")


def invalidate_flagged(signatures: QuerySet[Signature], user) -> int:
    """A person looked and these are not real signers. The flag stays, as
    the record of why; the email is freed, so a real person whose address a
    bot used can still sign."""
    return _review(
        signatures,
        user,
        {"status": Signature.Status.INVALID},
        audit.Action.INVALIDATE,
        "ruled out",
    )


def _review(signatures, user, change: dict, action, verb: str) -> int:
    with transaction.atomic():
        held = list(
            signatures.select_for_update()
            .exclude(flagged="")
            .exclude(status__in=[Signature.Status.DUPLICATE, Signature.Status.INVALID])
            .values_list("pk", "petition_id")
        )
        by_petition: dict[int, list[int]] = {}
        for pk, petition_id in held:
            by_petition.setdefault(petition_id, []).append(pk)
        for petition_id, pks in by_petition.items():
            Signature.objects.filter(pk__in=pks).update(**change)
            settle(Signature.objects.filter(pk__in=pks))
            shown = ", ".join(str(pk) for pk in pks[:10]) + (", …" if len(pks) > 10 else "")
            audit.record(
                user,
                action,
                f"{verb} held signature{'s' if len(pks) != 1 else ''} {shown}",
                petition=Petition.objects.get(pk=petition_id),
                count=len(pks),
            )
    for petition_id in by_petition:
        forget_counts(petition_id)
    return len(held)
