import pytest

from signme.lib.fastinsert import FastInsert
from signme.mailing.models import OutboundEmail
from signme.petitions.models import Consent, Signature


def test_rows_get_every_default_and_come_back_with_their_ids_in_order(petition):
    ids = FastInsert(Signature).insert(
        [
            {"petition": petition, "name": "Siân", "notice": petition.current_notice},
            {"petition": petition.pk, "name": "李小龍", "notice_id": petition.current_notice.pk},
        ],
        returning=True,
    )
    first, second = (Signature.objects.get(pk=pk) for pk in ids)
    assert (first.name, second.name) == ("Siân", "李小龍")
    assert first.status == "pending" and first.source == "web" and first.email == ""
    assert first.created_at is not None and first.eligible is None


def test_json_and_datetime_columns_are_prepared_for_the_database(petition):
    FastInsert(OutboundEmail).insert([{"kind": "custom", "to": "a@example.org"}])
    row = OutboundEmail.objects.get()
    assert row.headers == {} and row.send_after is not None and row.attempts == 0


def test_a_field_the_model_does_not_have_is_refused_and_nothing_is_stored(petition):
    with pytest.raises(TypeError, match="no field"):
        FastInsert(Consent).insert([{"signature": None, "colour": "red"}])
    assert Consent.objects.count() == 0


def test_rows_that_break_a_unique_constraint_can_be_skipped(petition):
    insert = FastInsert(Signature)
    row = {"petition": petition, "name": "A", "email_canonical": "a@example.org",
           "notice": petition.current_notice}  # fmt: skip
    assert len(insert.insert([row], returning=True, skip_conflicts=True)) == 1
    assert insert.insert([row], returning=True, skip_conflicts=True) == []
    assert Signature.objects.count() == 1
