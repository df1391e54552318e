"""/organise/petitions/<n>/invalidate: preview first, then invalidate, and
undo from the list."""

import re

import pytest

from signme.petitions.models import Invalidation, Petition, Signature

from .conftest import START, add, add_many, hours, snapshot

URL = "/organise/petitions/1500/invalidate"


@pytest.fixture
def bots(petition):
    return add_many(
        petition,
        [
            dict(name="Donald Duck", email=f"mm{i}@bots.example", ip=f"203.0.113.{i}")
            for i in range(1, 26)
        ],
    )


def test_preview_shows_how_many_and_initials_and_changes_nothing(
    client, petition, organiser, bots
):
    add(petition, "Real Person", ip="198.51.100.1")
    client.force_login(organiser)
    before = snapshot(petition)
    page = client.post(
        URL, {"rule": "address", "value": "203.0.113.0/24", "reason": "Bots", "action": "preview"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "25 signatures match" in html
    assert "Invalidate 25 signatures" in html
    assert html.count("<td>D. D.</td>") == 20  # a sample of twenty, by initials
    assert "Donald" not in html and "Duck" not in html and "bots.example" not in html
    assert "The first 20 of 25." in html
    assert snapshot(petition) == before


def test_the_invalidate_button_acts_on_what_was_previewed(client, petition, organiser, bots):
    client.force_login(organiser)
    preview = client.post(
        URL, {"rule": "domain", "value": "BOTS.example", "reason": "Bots", "action": "preview"}
    ).content.decode()
    confirm = re.search(r'<form method="post" action="[^"]+">(.*?)</form>', preview, re.S)[1]
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', confirm))
    assert fields["value"] == "bots.example" and fields["action"] == "invalidate"

    response = client.post(URL, fields)
    assert response.status_code == 303
    invalidation = Invalidation.objects.get()
    assert (invalidation.rule, invalidation.value, invalidation.matched) == (
        "domain",
        "bots.example",
        25,
    )
    assert invalidation.created_by == organiser
    page = client.get(URL).content.decode()
    assert "Invalidated 25 signatures." in page
    assert "Undo" in page


def test_a_window_goes_through_preview_and_invalidation_in_uk_time(client, petition, organiser):
    inside = add(petition, at=START + hours(0.5))
    add(petition, at=START + hours(2))
    client.force_login(organiser)
    # START is 10:00 UK time (British Summer Time), 09:00 UTC.
    data = {
        "rule": "window",
        "starts_at": "2026-10-01T10:00",
        "ends_at": "2026-10-01T11:00",
        "reason": "Burst",
    }
    preview = client.post(URL, {**data, "action": "preview"}).content.decode()
    assert "1 signature matches" in preview
    assert 'name="starts_at" value="2026-10-01T10:00:00"' in preview
    assert client.post(URL, {**data, "action": "invalidate"}).status_code == 303
    assert set(Signature.objects.filter(invalidation__isnull=False)) == {inside}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rule": "address", "value": "203.0.113.0/33"}, "203.0.113.0/33 is not an IP address"),
        ({"rule": "domain", "value": ""}, "Enter an email domain, like example.com."),
        ({"rule": "name", "value": "*"}, "an * alone would match everyone"),
        ({"rule": "sheet", "value": "S1500-9999"}, "Petition 1500 has no sheet S1500-9999."),
        (
            {"rule": "window", "starts_at": "2026-10-01T12:00", "ends_at": "2026-10-01T11:00"},
            "The window must end after it starts.",
        ),
        ({"rule": "window", "starts_at": "tomorrow"}, "Enter a date and time, like"),
        ({"rule": "", "value": "x"}, "Choose what to match signatures by."),
        ({"rule": "address", "value": "203.0.113.1", "reason": ""}, "Give a reason"),
    ],
)
@pytest.mark.parametrize("action", ["preview", "invalidate"])
def test_bad_input_shows_the_error_summary_and_changes_nothing(
    client, petition, organiser, bots, data, message, action
):
    client.force_login(organiser)
    before = snapshot(petition)
    page = client.post(URL, {"reason": "Bots", **data, "action": action})
    assert page.status_code == 400
    html = page.content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)[0]
    assert message in summary
    assert 'href="#id_' in summary  # each error links to its field
    assert "Invalidate 25" not in html
    assert snapshot(petition) == before


def test_undo_from_the_list_puts_them_back(client, petition, organiser, bots):
    client.force_login(organiser)
    client.post(
        URL, {"rule": "name", "value": "donald*", "reason": "Cartoon", "action": "invalidate"}
    )
    invalidation = Invalidation.objects.get()
    assert Signature.objects.filter(validity="invalidated").count() == 25

    response = client.post(f"/organise/petitions/1500/invalidations/{invalidation.pk}/undo")
    assert response.status_code == 303
    assert Signature.objects.filter(validity="counted").count() == 25
    page = client.get(URL).content.decode()
    assert "Undone: 25 signatures are back as they were." in page
    assert "Undone by organiser@example.org" in page

    again = client.post(f"/organise/petitions/1500/invalidations/{invalidation.pk}/undo")
    assert "already undone" in client.get(again["Location"]).content.decode()


def test_another_petitions_invalidation_cannot_be_undone_from_here(
    client, petition, organiser, outsider
):
    other = Invalidation.objects.create(
        petition=Petition.objects.get(number=77), rule="domain", value="x.y", reason="Theirs"
    )
    client.force_login(organiser)
    assert (
        client.post(f"/organise/petitions/1500/invalidations/{other.pk}/undo").status_code == 404
    )


def test_prefill_starts_the_form_and_changes_nothing(client, petition, organiser, bots):
    client.force_login(organiser)
    before = snapshot(petition)
    page = client.post(
        URL, {"action": "prefill", "rule": "address", "value": "203.0.113.0/24"}
    ).content.decode()
    assert '<option value="address" selected>' in page
    assert 'value="203.0.113.0/24"' in page
    assert "error-summary" not in page
    assert snapshot(petition) == before
