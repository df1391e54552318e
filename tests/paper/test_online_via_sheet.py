"""A signature made online through a sheet's QR code is credited to the sheet."""

from signme.petitions.models import Sheet, Signature


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
