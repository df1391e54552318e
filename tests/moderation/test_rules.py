"""Each rule matches exactly the signatures it names, on SQLite and
PostgreSQL alike, and bad input is refused with a message saying why."""

import re

import pytest

from signme.petitions.invalidation import RuleError, invalidate, matching
from signme.petitions.models import Petition, Signature

from .conftest import START, add, hours, snapshot, typed_sheet


def test_an_ipv4_range_matches_by_number_not_by_spelling(petition, ids):
    low = add(petition, ip="203.0.113.7")
    high = add(petition, ip="203.0.113.200")
    edge = add(petition, ip="203.0.113.255")
    add(petition, ip="203.0.114.1")
    add(petition, ip="10.0.0.1")
    add(petition, ip="2001:db8:1:2::")
    add(petition)  # no address: paper, or signed before addresses were kept

    assert ids(matching(petition, "address", "203.0.113.0/24")) == {low.pk, high.pk, edge.pk}
    # "203.0.113.7" sorts after "203.0.113.200" as text; as a number it is below .128.
    assert ids(matching(petition, "address", "203.0.113.128/25")) == {high.pk, edge.pk}
    assert ids(matching(petition, "address", "203.0.113.7")) == {low.pk}
    assert ids(matching(petition, "address", " 203.0.113.7/32 ")) == {low.pk}


def test_an_ipv6_rule_matches_the_signers_slash_64(petition, ids):
    home = add(petition, ip="2001:db8:1:2::")
    neighbour = add(petition, ip="2001:db8:1:3::")
    add(petition, ip="2001:db9::")
    add(petition, ip="203.0.113.7")

    assert ids(matching(petition, "address", "2001:db8:1:2::/64")) == {home.pk}
    # One address, or anything narrower, stands for its /64: that is all that is kept.
    assert ids(matching(petition, "address", "2001:db8:1:2:aaaa:bbbb:cccc:dddd")) == {home.pk}
    assert ids(matching(petition, "address", "2001:db8:1:2::1/128")) == {home.pk}
    assert ids(matching(petition, "address", "2001:db8::/32")) == {home.pk, neighbour.pk}


def test_a_domain_matches_that_domain_exactly_whatever_its_case(petition, ids):
    one = add(petition, email="ann@bots.example")
    two = add(petition, email="bob@BOTS.example")
    add(petition, email="cat@mail.bots.example")
    add(petition, email="dan@bots.example.org")
    add(petition, email="bots.example@else.example")
    gmail = add(petition, email="eve@gmail.com")

    assert ids(matching(petition, "domain", "Bots.Example")) == {one.pk, two.pk}
    assert ids(matching(petition, "domain", "@bots.example")) == {one.pk, two.pk}
    # googlemail.com and gmail.com are one mailbox, and stored as gmail.com.
    assert ids(matching(petition, "domain", "googlemail.com")) == {gmail.pk}


def test_a_window_includes_its_start_and_excludes_its_end(petition, ids):
    at_start = add(petition, at=START)
    inside = add(petition, at=START + hours(0.99))
    add(petition, at=START - hours(0.01))
    add(petition, at=START + hours(1))
    _, paper = typed_sheet(petition, "S1500-0001", 1)
    Signature.objects.filter(pk=paper[0].pk).update(created_at=START + hours(0.5))

    found = matching(petition, "window", starts_at=START, ends_at=START + hours(1))
    # A paper row's date is when it was typed up, not when it was signed.
    assert ids(found) == {at_start.pk, inside.pk}


def test_a_name_pattern_uses_star_for_any_letters_and_ignores_case(petition, ids):
    mickey = add(petition, "Mickey Mouse")
    shouty = add(petition, "MICKEY MOUSE")
    alone = add(petition, "mickey")
    minnie = add(petition, "Minnie Mouse")
    add(petition, "A. Mickey")
    dotted = add(petition, "J. (Jo) Smith")
    add(petition, "Jx (Jo) Smith")

    assert ids(matching(petition, "name", "Mickey*")) == {mickey.pk, shouty.pk, alone.pk}
    assert ids(matching(petition, "name", "*mouse")) == {mickey.pk, shouty.pk, minnie.pk}
    assert ids(matching(petition, "name", "m*  mouse")) == {mickey.pk, shouty.pk, minnie.pk}
    assert ids(matching(petition, "name", "mickey")) == {alone.pk}
    # Dots and brackets are themselves, not pattern syntax.
    assert ids(matching(petition, "name", "J. (Jo)*")) == {dotted.pk}


def test_a_sheet_rule_matches_the_rows_typed_from_that_sheet_only(petition, ids):
    sheet, rows = typed_sheet(petition, "S1500-0001", 3)
    typed_sheet(petition, "S1500-0002", 2)
    add(petition, sheet=sheet)  # signed online through the sheet's QR code

    assert ids(matching(petition, "sheet", "s1500-0001")) == {r.pk for r in rows}


def test_rules_match_only_the_petitions_own_signatures(petition, outsider, ids):
    other = Petition.objects.get(number=77)
    other.notices.create(version=1, text="Notice")
    add(other, "Mickey Mouse", ip="203.0.113.7", email="m@bots.example")
    mine = add(petition, "Mickey Mouse", ip="203.0.113.8", email="n@bots.example")

    assert ids(matching(petition, "address", "203.0.113.0/24")) == {mine.pk}
    assert ids(matching(petition, "domain", "bots.example")) == {mine.pk}
    assert ids(matching(petition, "name", "Mickey*")) == {mine.pk}


BAD = [
    ("address", "", None, None, "value", "Enter an IP address or range"),
    ("address", "203.0.113", None, None, "value", "203.0.113 is not an IP address or range"),
    ("address", "203.0.113.0/33", None, None, "value", "is not an IP address or range"),
    ("address", "mickey", None, None, "value", "mickey is not an IP address or range"),
    (
        "address",
        "203.0.113.7/24",
        None,
        None,
        "value",
        "203.0.113.7/24 is not the start of its range: did you mean 203.0.113.0/24?",
    ),
    ("domain", "", None, None, "value", "Enter an email domain, like example.com."),
    ("domain", "@", None, None, "value", "Enter an email domain, like example.com."),
    ("domain", "ann@bots.example", None, None, "value", "is not an email domain"),
    ("domain", "localhost", None, None, "value", "localhost is not an email domain"),
    ("window", "", None, START, "starts_at", "Enter when the window starts."),
    ("window", "", START, None, "ends_at", "Enter when the window ends."),
    ("window", "", START, START - hours(1), "ends_at", "The window must end after it starts."),
    ("window", "", START, START, "ends_at", "The window must end after it starts."),
    ("name", "", None, None, "value", "Enter a name or a pattern with some letters"),
    ("name", " * ** ", None, None, "value", "an * alone would match everyone"),
    ("sheet", "", None, None, "value", "Enter the serial number printed on the sheet"),
    ("sheet", "S1500-9999", None, None, "value", "Petition 1500 has no sheet S1500-9999."),
    ("sheet", "S77-0001", None, None, "value", "Petition 1500 has no sheet S77-0001."),
    ("nonsense", "x", None, None, "rule", "Choose what to match signatures by."),
]


@pytest.mark.parametrize(("rule", "value", "starts", "ends", "field", "message"), BAD)
def test_bad_input_is_refused_with_a_message_and_nothing_changes(
    petition, organiser, outsider, rule, value, starts, ends, field, message
):
    other = Petition.objects.get(number=77)
    other.sheets.create(serial="S77-0001")
    add(petition, "Mickey Mouse", ip="203.0.113.7", email="ann@bots.example")
    typed_sheet(petition, "S1500-0001", 2)
    before = snapshot(petition)

    with pytest.raises(RuleError) as refused:
        matching(petition, rule, value, starts, ends)
    assert message in str(refused.value)
    assert refused.value.field == field

    with pytest.raises(ValueError, match=re.escape(message)):
        invalidate(petition, rule, value, starts, ends, reason="Bots", user=organiser)
    assert snapshot(petition) == before


def test_an_invalidation_without_a_reason_is_refused_and_nothing_changes(petition, organiser):
    add(petition, ip="203.0.113.7")
    before = snapshot(petition)
    with pytest.raises(RuleError, match="Give a reason") as refused:
        invalidate(petition, "address", "203.0.113.7", reason="  ", user=organiser)
    assert refused.value.field == "reason"
    assert snapshot(petition) == before
