"""A signature made online through a sheet's QR code is credited to the sheet."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from signme.petitions.models import Sheet, Signature
from signme.petitions.signing import take_in


def test_qr_link_of_a_sheet_opens_the_petition_with_its_serial(client, sheets):
    response = client.get("/1500?sheet=S1500-000003")
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert 'value="S1500-000003"' in page.content.decode()


def test_online_signature_through_a_sheets_qr_is_attributed_to_it(sign, sheets):
    sign(sheet="S1500-000003")
    sig = Signature.objects.get()
    assert sig.sheet == Sheet.objects.get(serial="S1500-000003")
    assert sig.source == "web" and sig.sheet_row is None


def _queries_to_take_in(expected: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert take_in() == expected
    return len(queries)


def test_a_batch_through_many_sheets_costs_the_same_queries_as_one(sign, sheets):
    """The worker finds every sheet of a batch at once: a stall's sheets
    bring many signers in a surge, and a query per signature would slow the
    intake down with them."""
    sign(worker=False, sheet="S1500-000004", email="first@example.org")
    one = _queries_to_take_in(1)
    for n in (1, 2, 3):
        sign(worker=False, sheet=f"S1500-00000{n}", email=f"one{n}@example.org")
    sign(worker=False, email="none@example.org")
    assert _queries_to_take_in(4) == one
    by_email = dict(Signature.objects.values_list("email", "sheet__serial"))
    assert by_email == {
        "first@example.org": "S1500-000004",
        "one1@example.org": "S1500-000001",
        "one2@example.org": "S1500-000002",
        "one3@example.org": "S1500-000003",
        "none@example.org": None,
    }
