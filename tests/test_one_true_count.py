"""One count across every seam: a petition signed online and on paper, with
every kind of signature that does not count, shows the same total on the
public page, count.json, petition.json, the organiser's page, the threshold
record and the submission pack, at every step."""

import csv
import re

import pytest

from signme.paper.sheets import issue_sheets, log_return
from signme.people.rights import erase_signatures
from signme.people.suppression import suppress
from signme.petitions.links import confirm_token
from signme.petitions.models import Invalidation, Signature, Threshold, ThresholdReached
from signme.petitions.signing import take_in
from signme.petitions.validity import settle
from signme.submissions.pack import build_pack, file_names, gather_facts, listed
from signme.web.events import refresh_counts
from tests.conftest import signer_data


@pytest.fixture
def fresh(settings):
    # Every read sees the latest aggregate: the point is to compare surfaces.
    settings.PAGE_CACHE_TTL = 0
    settings.COUNT_TTL = 0


def sign(client, petition, email, **overrides):
    data = signer_data(petition, email=email, name=overrides.pop("name", email.split("@")[0]))
    data.update(overrides)
    response = client.post(
        f"/petitions/{petition.number}/sign", data, HTTP_SEC_FETCH_SITE="same-origin"
    )
    take_in()  # the worker, within a second
    return response


def confirm(client, email) -> Signature:
    signature = Signature.objects.get(email=email)
    response = client.post(f"/confirm/{confirm_token(signature)}")
    assert response.status_code == 303
    signature.refresh_from_db()
    return signature


def type_row(client, sheet, n, decision="", **fields):
    data = {f"r{n}-{k}": v for k, v in fields.items()}
    if decision:
        data["decision"] = decision
    response = client.post(f"/organise/petitions/1500/paper/sheets/{sheet.serial}/rows/{n}", data)
    assert response.status_code == 303, response.content.decode()[:500]


def every_surface(client, organiser, petition) -> dict:
    refresh_counts()  # the worker's round: aggregate, record thresholds
    html = client.get("/petitions/1500/").content.decode()
    [page] = re.findall(r"data-count>([\d,]+)<", html)
    facts = gather_facts(petition)
    client.force_login(organiser)
    organiser_total = client.get("/organise/petitions/1500/").context["counts"].total
    client.logout()
    assert facts.listed == listed(petition, facts.withheld).count()
    return {
        "page": int(page.replace(",", "")),
        "count.json": client.get("/petitions/1500/count.json").json()["signature_count"],
        "petition.json": client.get("/petitions/1500.json").json()["signature_count"],
        "organiser page": organiser_total,
        "pack": facts.total,
    }


def assert_one_count(client, organiser, petition, expected: int):
    seen = every_surface(client, organiser, petition)
    assert set(seen.values()) == {expected}, seen


def test_every_surface_shows_one_count_at_every_step(client, organiser, petition, tmp_path, fresh):
    Threshold.objects.create(target=petition.target, count=8, triggers="a test threshold")
    assert_one_count(client, organiser, petition, 0)

    # Online, confirmed: counts.
    assert sign(client, petition, "ann@example.org").status_code == 303
    confirm(client, "ann@example.org")
    assert_one_count(client, organiser, petition, 1)

    # Answers no: told first, then recorded but not counted, and told so.
    response = sign(client, petition, "bob@example.org", eligible="no")
    assert response.status_code == 400
    assert "recorded but not counted" in response.content.decode()
    assert not Signature.objects.filter(email="bob@example.org").exists()
    sign(client, petition, "bob@example.org", eligible="no", not_counted_ok="on")
    bob = confirm(client, "bob@example.org")
    page = client.get(f"/confirm/{confirm_token(bob)}").content.decode()
    assert "your signature counts" not in page and "is not counted for" in page
    assert bob.validity == Signature.Validity.NOT_ELIGIBLE
    client.force_login(organiser)
    html = client.get("/organise/petitions/1500/").content.decode()
    assert "<dt>Recorded, not counted: not eligible</dt><dd>1</dd>" in html
    client.logout()
    # Never confirmed: not counted.
    sign(client, petition, "cat@example.org")
    assert_one_count(client, organiser, petition, 1)

    # Paper: one sheet counts by its tally at once.
    first, second = issue_sheets(petition, 2, "Holt market stall", organiser)
    log_return(petition, first.serial, 4)
    assert_one_count(client, organiser, petition, 5)

    # Another is typed up: a new person, Ann again (merged), and someone who
    # looks like the new person but the typist knows is not (kept apart).
    log_return(petition, second.serial, 3)
    assert_one_count(client, organiser, petition, 8)
    client.force_login(organiser)
    dee = {"name": "Dee Lane", "address": "1 Mill Road, Holt", "postcode": "NR25 6BW"}
    type_row(client, second, 1, **dee, email="dee@example.org")
    type_row(client, second, 2, decision="same", name="Ann", email="ann@example.org",
             address="3 Hall Road, Holt", postcode="NR25 6AA")  # fmt: skip
    type_row(client, second, 3, decision="different", **dee, email="")
    response = client.post(f"/organise/petitions/1500/paper/sheets/{second.serial}/complete")
    assert response.status_code in (200, 303)
    client.logout()
    assert_one_count(client, organiser, petition, 7)  # the tally of 3 became 2 new people

    # Invalidated by an organiser's rule: leaves the count.
    sign(client, petition, "eve@spam.example")
    eve = confirm(client, "eve@spam.example")
    assert_one_count(client, organiser, petition, 8)
    rule = Invalidation.objects.create(
        petition=petition, rule=Invalidation.Rule.DOMAIN, value="spam.example", reason="bulk"
    )
    Signature.objects.filter(pk=eve.pk).update(invalidation=rule)
    settle(Signature.objects.filter(pk=eve.pk))
    assert_one_count(client, organiser, petition, 7)

    # Erased at their request, and under a stop notice: still counted, not listed.
    sign(client, petition, "fay@example.org")
    fay = confirm(client, "fay@example.org")
    sign(client, petition, "gus@example.org")
    confirm(client, "gus@example.org")
    erase_signatures(Signature.objects.filter(pk=fay.pk), "erased")
    suppress(petition.organisation, "stop", email="gus@example.org")
    assert_one_count(client, organiser, petition, 9)

    # A field only bots see, filled in: held for review, not counted.
    sign(client, petition, "hal@example.org", website="http://spam.example")
    hal = confirm(client, "hal@example.org")
    assert hal.validity == Signature.Validity.REVIEW
    assert_one_count(client, organiser, petition, 9)

    # The pack: its rows plus its tallied sheets plus those it may not list
    # equal the public count, and its cover says why each other one is out.
    facts = gather_facts(petition)
    assert (facts.online, facts.paper, facts.paper_tallied, facts.not_listed) == (1, 2, 4, 2)
    assert facts.duplicates_removed == 1 and facts.ineligible_removed == 1
    assert facts.invalidated == 1 and facts.held_for_review == 1
    assert facts.pending_left_out == 1 and facts.kept_apart == 1
    build_pack(petition, tmp_path / "pack")
    with open(tmp_path / "pack" / file_names(petition)["csv"], encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))[1:]
    assert len(rows) + facts.paper_tallied + facts.not_listed == 9
    assert sorted(r[0] for r in rows) == ["Dee Lane", "Dee Lane", "ann"]

    # The threshold of 8 was recorded once, when the one count reached it.
    [reached] = ThresholdReached.objects.filter(threshold__count=8)
    assert reached.count == 8
