import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from signme.lib.fastinsert import FastInsert
from signme.mailing.models import OutboundEmail
from signme.petitions.models import Consent, Signature, SignatureIntake


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


def test_a_batch_keeps_every_kind_of_value_exactly(petition):
    """Many rows at once go as one array a column (in binary on PostgreSQL):
    text with quotes and newlines, JSON, addresses, times, nothing at all."""
    when = timezone.now()
    rows = [
        {
            "petition": petition.pk,
            "email_canonical": "o'brien@example.org",
            "data": {"name": "Siân O'Brien", "address": 'Flat 1,\n"The Old Mill"', "n": 1},
            "client_ip": "2001:db8::",
            "received_at": when,
        },
        {
            "petition": petition.pk,
            "email_canonical": "li@example.org",
            "data": {"name": "李小龍", "consents": []},
            "client_ip": None,
            "flagged": "too_fast",
            "received_at": when,
        },
    ]
    FastInsert(SignatureIntake).insert(rows)
    stored = list(
        SignatureIntake.objects.order_by("pk").values(
            "email_canonical", "data", "client_ip", "flagged", "received_at"
        )
    )
    assert stored == [
        {"email_canonical": "o'brien@example.org", "data": rows[0]["data"],
         "client_ip": "2001:db8::", "flagged": "", "received_at": when},
        {"email_canonical": "li@example.org", "data": rows[1]["data"],
         "client_ip": None, "flagged": "too_fast", "received_at": when},
    ]  # fmt: skip


def test_a_batch_that_breaks_a_constraint_raises_djangos_error_and_stores_nothing(petition):
    with pytest.raises(IntegrityError), transaction.atomic():
        FastInsert(SignatureIntake).insert(
            [
                {
                    "petition": petition.pk,
                    "email_canonical": f"p{n}@example.org",
                    "data": {},
                    "received_at": None,
                }
                for n in range(2)
            ]  # fmt: skip
        )
    assert not SignatureIntake.objects.exists()
