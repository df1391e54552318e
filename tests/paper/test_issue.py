"""Issuing numbered sheets from the organiser pages."""

from signme.petitions.models import Sheet

URL = "/organise/petitions/1500/paper/"


def test_organiser_issues_sheets_and_downloads_their_pdf(client, organiser):
    client.force_login(organiser)
    response = client.post(URL + "issue", {"count": "4", "issued_to": "Holt school gate"})
    assert response.status_code == 303
    assert response["Location"] == URL + "sheets/1-4/?issued=1"
    page = client.get(response["Location"])
    assert "4 numbered sheets to print" in page.content.decode()
    pdf = client.get(URL + "sheets/1-4/?download=1")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Cache-Control"] == "private, no-store"
    assert Sheet.objects.filter(issued_to="Holt school gate", issued_by=organiser).count() == 4


def test_paper_page_lists_sheets_and_the_panel_links_to_it(client, organiser, sheets):
    client.force_login(organiser)
    html = client.get(URL).content.decode()
    assert "S1500-000005" in html and "Holt market stall" in html
    panel = client.get("/organise/petitions/1500/").content.decode()
    assert "Sheets issued</dt><dd>5" in panel
    assert URL in panel and "/petitions/1500/sheet.pdf" in panel


def test_bad_count_is_refused_with_a_message_and_issues_nothing(client, organiser):
    client.force_login(organiser)
    for count, message in [("0", "Print at least 1 sheet"), ("lots", "Enter a whole number"),
                           ("5000", "at most 1,000")]:  # fmt: skip
        response = client.post(URL + "issue", {"count": count, "issued_to": "X"})
        assert response.status_code == 400
        assert message in response.content.decode()
    response = client.post(URL + "issue", {"count": "2", "issued_to": ""})
    assert "Enter who or where the sheets are for" in response.content.decode()
    assert not Sheet.objects.exists()


def test_volunteer_cannot_issue_sheets(client, volunteer):
    client.force_login(volunteer)
    assert client.post(URL + "issue", {"count": "4", "issued_to": "X"}).status_code == 404
    assert client.get(URL + "sheets/1-1/?download=1").status_code == 404
    assert not Sheet.objects.exists()
    html = client.get(URL).content.decode()
    assert "Print numbered sheets" not in html


def test_outsider_gets_404_on_every_paper_page(client, outsider, sheets, returned):
    client.force_login(outsider)
    serial = sheets[0].serial
    for url in ["", "returns/", f"sheets/{serial}/", "scans/", "sheets/1-5/"]:
        assert client.get(URL + url).status_code == 404, url
    assert client.post(URL + "issue", {"count": "1", "issued_to": "X"}).status_code == 404
    assert client.post(URL + "returns/", {"serial": serial, "tally": "1"}).status_code == 404
    assert client.post(URL + f"sheets/{serial}/rows/1", {"r1-name": "X"}).status_code == 404
    assert Sheet.objects.count() == 5


def test_anonymous_visitor_is_sent_to_sign_in(client, sheets):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_warnings_from_the_scheme_show_before_printing_and_printing_still_works(
    client, organiser, volunteer
):
    client.force_login(organiser)
    html = client.get(URL).content.decode()
    assert "Before you print:" in html
    # Not the sheet's missing column: the sheets printed here have it.
    assert "no address column" not in html
    assert 'href="/organise/petitions/1500/edit">See them where they are put right' in html
    response = client.post(URL + "issue", {"count": "1", "issued_to": "Cromer library"})
    assert response.status_code == 303
    client.force_login(volunteer)
    assert "Before you print:" not in client.get(URL).content.decode()
