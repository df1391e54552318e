"""Invalidating and undoing: the count, the JSON and the submission pack move
together at once, everything is audited, and signers are never told."""

import pytest

from signme.audit.models import AuditEvent
from signme.mailing.models import OutboundEmail
from signme.petitions.invalidation import RuleError, invalidate, undo
from signme.petitions.models import Signature
from signme.petitions.validity import settle
from signme.submissions.pack import gather_facts

from .conftest import add, snapshot, typed_sheet

V = Signature.Validity


def count_json(client) -> dict:
    return client.get("/petitions/1500/count.json").json()


def assert_pack_agrees(client, petition, total: int, invalidated: int):
    data = count_json(client)
    facts = gather_facts(petition)
    assert data["signature_count"] == facts.total == total
    assert facts.invalidated == invalidated


@pytest.fixture
def signed(petition):
    """Five from one /24 (one of them not confirmed yet), three elsewhere, a
    typed-up sheet of two."""
    bots = [add(petition, f"Bot {i}", ip=f"203.0.113.{i}") for i in range(1, 5)]
    bots.append(add(petition, "Bot 9", ip="203.0.113.9", status=Signature.Status.PENDING))
    people = [add(petition, f"Person {i}", ip=f"198.51.100.{i}") for i in range(1, 4)]
    typed_sheet(petition, "S1500-0001", 2)
    return bots, people


def test_invalidate_then_undo_moves_the_count_and_the_pack_together(
    client, petition, organiser, signed
):
    count_json(client)  # a reader has the figure cached before the organiser acts
    assert_pack_agrees(client, petition, total=9, invalidated=0)

    invalidation = invalidate(
        petition, "address", "203.0.113.0/24", reason="Bot farm", user=organiser
    )
    assert invalidation.matched == 5  # the unconfirmed one too: it must never count
    assert invalidation.value == "203.0.113.0/24"
    assert count_json(client)["online"] == 3
    # The pack lists the unconfirmed one as unconfirmed: it would not count anyway.
    assert_pack_agrees(client, petition, total=5, invalidated=4)

    assert undo(invalidation, organiser) == 5
    assert_pack_agrees(client, petition, total=9, invalidated=0)
    bots, _ = signed
    assert Signature.objects.get(pk=bots[-1].pk).validity == V.PENDING
    invalidation.refresh_from_db()
    assert invalidation.undone_by == organiser and invalidation.undone_at is not None


def test_a_signature_invalidated_twice_comes_back_only_when_both_are_undone(
    client, petition, organiser, signed
):
    by_address = invalidate(petition, "address", "203.0.113.0/24", reason="Bots", user=organiser)
    by_name = invalidate(petition, "name", "bot*", reason="Bots by name", user=organiser)
    assert by_name.matched == 0  # already out: kept by the first invalidation

    person = Signature.objects.get(name="Person 1")
    by_person = invalidate(petition, "name", "Person 1", reason="Joke", user=organiser)
    assert by_person.matched == 1
    assert_pack_agrees(client, petition, total=4, invalidated=5)

    undo(by_name, organiser)  # took nothing, so gives nothing back
    assert_pack_agrees(client, petition, total=4, invalidated=5)
    undo(by_address, organiser)
    assert_pack_agrees(client, petition, total=8, invalidated=1)
    person.refresh_from_db()
    assert person.validity == V.INVALIDATED and person.invalidation == by_person


def test_a_signature_confirmed_after_its_invalidation_still_does_not_count(
    client, petition, organiser, signed
):
    invalidate(petition, "address", "203.0.113.9", reason="Bot", user=organiser)
    bot = Signature.objects.get(name="Bot 9")
    Signature.objects.filter(pk=bot.pk).update(status=Signature.Status.VERIFIED)
    settle(Signature.objects.filter(pk=bot.pk))
    bot.refresh_from_db()
    assert bot.validity == V.INVALIDATED


def test_undoing_twice_is_refused_and_changes_nothing(petition, organiser, signed):
    invalidation = invalidate(petition, "address", "203.0.113.0/24", reason="B", user=organiser)
    undo(invalidation, organiser)
    before = snapshot(petition)
    with pytest.raises(RuleError, match="already undone"):
        undo(invalidation, organiser)
    assert snapshot(petition) == before


def test_every_step_is_audited_without_the_rules_value(petition, organiser, signed):
    invalidation = invalidate(
        petition, "address", "203.0.113.0/24", reason="Bot farm", user=organiser
    )
    undo(invalidation, organiser)
    events = list(
        AuditEvent.objects.order_by("at", "pk").values_list("action", "count", "subject")
    )
    assert events == [
        ("invalidate", 5, f"invalidation {invalidation.pk} (signed from an address or range)"),
        ("reinstate", 5, f"undid invalidation {invalidation.pk}"),
    ]
    assert all(e.actor == organiser for e in AuditEvent.objects.all())
    assert "203.0.113" not in str(events)


def test_signers_are_never_told(petition, organiser, signed):
    emails = OutboundEmail.objects.count()
    invalidation = invalidate(petition, "address", "203.0.113.0/24", reason="B", user=organiser)
    undo(invalidation, organiser)
    assert OutboundEmail.objects.count() == emails


def test_a_window_and_a_sheet_move_the_count_too(client, petition, organiser, signed):
    sheet = invalidate(petition, "sheet", "S1500-0001", reason="Forged", user=organiser)
    assert sheet.matched == 2
    assert count_json(client)["paper"] == 0
    assert_pack_agrees(client, petition, total=7, invalidated=2)
    undo(sheet, organiser)
    assert count_json(client)["paper"] == 2
    assert_pack_agrees(client, petition, total=9, invalidated=0)
