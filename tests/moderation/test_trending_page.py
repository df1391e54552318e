"""/organise/petitions/<n>/trending: the networks and email domains behind
the most signatures in the last hour, busiest first."""

from django.utils import timezone

from signme.moderation.trending import busiest, network_of
from signme.petitions.invalidation import invalidate

from .conftest import add, hours

URL = "/organise/petitions/1500/trending"


def test_networks_are_ipv4_slash_24s_and_ipv6_slash_64s():
    assert network_of("203.0.113.77") == "203.0.113.0/24"
    assert network_of("2001:db8:1:2::") == "2001:db8:1:2::/64"


def test_the_busiest_network_and_domain_come_first(client, petition, organiser):
    now = timezone.now()
    for i in range(4):
        add(petition, ip=f"203.0.113.{i + 1}", email=f"a{i}@bots.example", at=now - hours(0.1))
    for i in range(2):
        add(petition, ip="2001:db8:1:2::", email=f"b{i}@mail.example", at=now - hours(0.2))
    add(petition, ip="198.51.100.1", email="c@else.example", at=now - hours(0.3))
    # An hour ago and more: a bigger burst, but over.
    for i in range(6):
        add(petition, ip="192.0.2.1", email=f"d{i}@old.example", at=now - hours(1.5))

    found = busiest(petition)
    assert found.addresses == [
        ("203.0.113.0/24", 4),
        ("2001:db8:1:2::/64", 2),
        ("198.51.100.0/24", 1),
    ]
    assert found.domains == [("bots.example", 4), ("mail.example", 2), ("else.example", 1)]

    client.force_login(organiser)
    html = client.get(URL).content.decode()
    assert html.index("203.0.113.0/24") < html.index("2001:db8:1:2::/64")
    assert html.index("2001:db8:1:2::/64") < html.index("198.51.100.0/24")
    assert "192.0.2.0/24" not in html and "old.example" not in html
    # Each offers to start the invalidate form, by POST: addresses stay out of URLs.
    assert '<input type="hidden" name="value" value="203.0.113.0/24">' in html
    assert "?value=" not in html


def test_what_is_already_invalidated_drops_off_the_list(petition, organiser):
    now = timezone.now()
    for i in range(3):
        add(petition, ip=f"203.0.113.{i + 1}", at=now - hours(0.1))
    add(petition, ip="198.51.100.1", at=now - hours(0.1))
    invalidate(petition, "address", "203.0.113.0/24", reason="Bots", user=organiser)
    assert busiest(petition).addresses == [("198.51.100.0/24", 1)]


def test_it_lists_at_most_twenty_of_each(petition):
    now = timezone.now()
    for i in range(25):
        add(petition, ip=f"10.0.{i}.1", email=f"x@d{i}.example", at=now - hours(0.1))
    found = busiest(petition)
    assert len(found.addresses) == 20 and len(found.domains) == 20


def test_a_quiet_hour_says_so(client, petition, organiser):
    client.force_login(organiser)
    assert b"No online signatures in the last hour." in client.get(URL).content
