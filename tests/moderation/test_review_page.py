"""/organise/petitions/<n>/review: signatures held because they were sent the
way a bot sends a form, counted or invalidated by an organiser."""

from signme.audit.models import AuditEvent
from signme.mailing.models import OutboundEmail
from signme.petitions.invalidation import clear_flag
from signme.petitions.models import Signature
from signme.petitions.signing import confirm
from signme.submissions.pack import gather_facts

from .conftest import add, snapshot

URL = "/organise/petitions/1500/review"


def count(client) -> int:
    return client.get("/petitions/1500/count.json").json()["signature_count"]


def test_a_signature_caught_by_the_hidden_field_is_held_then_counted(
    client, sign, petition, organiser
):
    assert sign(website="https://spam.example").status_code == 303  # looks like any other
    held = Signature.objects.get()
    assert held.flagged == "honeypot"
    confirm(held)
    held.refresh_from_db()
    assert held.validity == Signature.Validity.REVIEW
    assert count(client) == 0

    client.force_login(organiser)
    page = client.get(URL).content.decode()
    assert "S. E." in page and "A field hidden from people was filled in" in page
    assert "Siân" not in page and "sian.evans" not in page
    emails = OutboundEmail.objects.count()

    response = client.post(f"{URL}/{held.pk}/count")
    assert response.status_code == 303
    held.refresh_from_db()
    assert (held.flagged, held.validity) == ("", Signature.Validity.COUNTED)
    assert count(client) == 1 == gather_facts(petition).total
    assert "None held" in client.get(URL).content.decode()
    assert OutboundEmail.objects.count() == emails  # the signer is not told
    event = AuditEvent.objects.get()
    assert (event.action, event.count, event.subject) == (
        "reinstate",
        1,
        f"counted held signature {held.pk}",
    )


def test_a_held_signature_invalidated_never_counts_and_keeps_its_flag(client, petition, organiser):
    held = add(petition, "Bot Bot", flagged="too_fast")
    client.force_login(organiser)
    assert "Sent within a second of the form being shown" in client.get(URL).content.decode()

    client.post(f"{URL}/{held.pk}/invalidate")
    held.refresh_from_db()
    assert (held.flagged, held.validity, held.validity_reason) == (
        "too_fast",
        Signature.Validity.INVALIDATED,
        "staff",
    )
    assert count(client) == 0
    facts = gather_facts(petition)
    assert (facts.total, facts.invalidated, facts.held_for_review) == (0, 1, 0)
    assert AuditEvent.objects.get().action == "invalidate"


def test_reviewing_a_signature_twice_changes_nothing_the_second_time(client, petition, organiser):
    held = add(petition, flagged="honeypot")
    client.force_login(organiser)
    client.post(f"{URL}/{held.pk}/count")
    before = snapshot(petition)
    response = client.post(f"{URL}/{held.pk}/invalidate")
    assert (
        "That signature was already reviewed." in client.get(response["Location"]).content.decode()
    )
    assert snapshot(petition) == before


def test_clearing_a_flag_leaves_whatever_else_rules_a_signature_out(petition, organiser):
    held = add(petition, flagged="honeypot", eligible=False)
    assert held.validity == Signature.Validity.NOT_ELIGIBLE
    clear_flag(Signature.objects.filter(pk=held.pk), organiser)
    held.refresh_from_db()
    assert (held.flagged, held.validity) == ("", Signature.Validity.NOT_ELIGIBLE)


def test_the_organisers_petition_page_links_the_checks_and_says_how_many_are_held(
    client, petition, organiser, volunteer
):
    add(petition, flagged="honeypot")
    add(petition, flagged="too_fast")
    client.force_login(organiser)
    html = client.get("/organise/petitions/1500/").content.decode()
    assert "<h2>Checking signatures</h2>" in html
    assert "2 signatures held for review" in html
    for url in ("/review", "/trending", "/invalidate"):
        assert f'href="/organise/petitions/1500{url}"' in html

    client.force_login(volunteer)  # the pages would be 404 to them: no links
    assert "Checking signatures" not in client.get("/organise/petitions/1500/").content.decode()
