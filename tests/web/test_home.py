"""The home page: open petitions, most signed first, with their counts and a
search that needs no script."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from signme.petitions.counting import store_counts
from signme.petitions.models import Petition, PrivacyNotice
from tests.web.test_petition_page import online


def make(petition, number, title, status=Petition.Status.OPEN, **kw):
    other = Petition.objects.create(
        number=number, organisation=petition.organisation, target=petition.target,
        title=title, statement="do something", status=status, **kw,
    )  # fmt: skip
    PrivacyNotice.publish(other, "We keep your name for the council.")
    return other


def titles(html: str) -> list[str]:
    return re.findall(r'<a href="/petitions/\d+/">([^<]+)</a>', html)


def test_open_petitions_are_listed_most_signed_first_with_their_counts(client, petition):
    quiet = make(petition, 1501, "Mend the Holt footpath")
    make(petition, 1502, "A draft nobody may see", status=Petition.Status.DRAFT)
    make(petition, 1503, "Already closed", status=Petition.Status.CLOSED)
    make(petition, 1504, "Closed by its date", closes_at=timezone.now())
    online(petition, 2, timezone.now())
    online(quiet, 1, timezone.now(), start=10)
    store_counts(petition.pk), store_counts(quiet.pk)
    html = client.get("/").content.decode()
    assert titles(html) == [
        "Stop the Closure of Norfolk Children Centres",
        "Mend the Holt footpath",
    ]
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert "Petition 1500 to Norfolk County Council: 2 signatures" in words
    assert "Petition 1501 to Norfolk County Council: 1 signature " in words


def test_the_list_costs_the_same_queries_for_one_petition_or_thirty(client, petition):
    with CaptureQueriesContext(connection) as one:
        client.get("/")
    for n in range(30):
        make(petition, 2000 + n, f"Petition number {n}")
    with CaptureQueriesContext(connection) as many:
        client.get("/")
    assert len(many) == len(one)


@pytest.mark.parametrize(
    "q, found",
    [
        ("footpath", ["Mend the Holt footpath"]),
        ("HOLT   footpath", ["Mend the Holt footpath"]),
        ("1501", ["Mend the Holt footpath"]),
        # No signatures yet on either: the newest first.
        (
            "norfolk county",
            ["Mend the Holt footpath", "Stop the Closure of Norfolk Children Centres"],
        ),
        ("nothing like it", []),
        ("99999999999999999999", []),  # no number that big; no error either
        ("%_'\"<b>", []),
        # A NUL or other control character is dropped, not sent to the database
        # (PostgreSQL refuses a NUL in text).
        ("foot\x00path", ["Mend the Holt footpath"]),
        ("\x00holt\x07", ["Mend the Holt footpath"]),
    ],
)
def test_the_search_finds_open_petitions_by_title_target_or_number(client, petition, q, found):
    make(petition, 1501, "Mend the Holt footpath")
    response = client.get("/", {"q": q})
    assert response.status_code == 200
    assert titles(response.content.decode()) == found
    assert "<b>" not in response.content.decode().split("<main", 1)[1]


def test_no_match_says_so_and_what_to_try(client, petition):
    html = client.get("/", {"q": "zebra"}).content.decode()
    assert "0 petitions match “zebra”" in html
    assert "No open petition matches that" in html


def test_the_list_is_paginated_with_links_that_keep_the_search(client, petition):
    for n in range(25):
        make(petition, 3000 + n, f"Bus stop {n}")
    html = client.get("/", {"q": "bus"}).content.decode()
    assert len(titles(html)) == 20
    assert 'href="?q=bus&amp;page=2"' in html and "Page 1 of 2" in html
    page2 = client.get("/", {"q": "bus", "page": "2"}).content.decode()
    assert len(titles(page2)) == 5 and 'rel="prev"' in page2
    # A page that does not exist shows the last one, not an error.
    assert client.get("/", {"q": "bus", "page": "nine"}).status_code == 200
