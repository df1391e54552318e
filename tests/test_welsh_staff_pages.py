"""The organiser and volunteer pages in Welsh: paper sheets, checking
signatures, signers' rights, signing in and the demo outbox all follow the
reader's language, as the public pages do."""

import pytest

from signme.audit import log as audit
from signme.paper.sheets import issue_sheets, log_return
from signme.people.models import RightsRequest
from signme.petitions.models import Sheet
from tests.people.test_welsh_pages import WELSH, html_lang, text

P = "/organise/petitions/1500"


@pytest.fixture
def staff_world(petition, organiser, settings):
    """Sheets issued and one back with a tally, an audit entry and a paper
    rights request waiting to be checked: something on every page."""
    settings.DEMO = True
    sheets = issue_sheets(petition, 3, "Holt market stall", organiser)
    log_return(petition, sheets[0].serial, 3, organiser)
    audit.record(organiser, audit.Action.EXPORT, "signatures", petition=petition, count=3)
    request = RightsRequest.objects.create(
        kind=RightsRequest.Kind.PAPER,
        name="Siân Evans",
        postcode="NR25 6BW",
        email_digest="x",
        wants=RightsRequest.Wants.ACCESS,
        status=RightsRequest.Status.CHECKING,
    )
    request.organisations.set([petition.organisation])
    return {"serial": sheets[0].serial, "request": request.pk}


PAGES = [
    # (who, address, Welsh words on it, English words that must be gone)
    (
        "organiser",
        P + "/paper/",
        [
            "Taflenni papur",
            "Argraffu taflenni wedi'u rhifo",
            "Dosbarthu ac argraffu",
            "Heb ddod yn ôl eto",
        ],
        [
            "Paper sheets",
            "Print numbered sheets",
            "Issue and print",
            "Not back yet",
            "How many sheets",
        ],
    ),
    (
        "volunteer",
        P + "/paper/",
        ["Taflenni papur", "Teipio taflen", "Agor y daflen", "Rhif y daflen"],
        ["Paper sheets", "Type up a sheet", "Open the sheet", "Sheet number"],
    ),
    (
        "organiser",
        P + "/paper/returns/",
        [
            "Cofnodi taflenni a ddychwelwyd",
            "Cywiro cyfrif",
            "Darllen y rhif o lun",
            "Wedi'u cofnodi'n ddiweddar",
        ],
        [
            "Log returned sheets",
            "Correct a tally",
            "Read the number from a photo",
            "Recently logged",
        ],
    ),
    (
        "volunteer",
        P + "/paper/returns/",
        ["Cofnodi'r dychwelyd", "Rhesi wedi'u llofnodi (cyfrif)"],
        ["Log the return", "Signed rows (tally)"],
    ),
    (
        "organiser",
        P + "/paper/sheets/{serial}/",
        [
            "Teipio taflen S1500-000001",
            "Bysellfwrdd:",
            "Marcio'r trawsgrifio'n gyflawn",
            "Enw llawn",
        ],
        ["Type up sheet", "Keyboard:", "Mark transcription complete", "Full name", "Not typed"],
    ),
    (
        "volunteer",
        P + "/paper/sheets/{serial}/",
        ["Teipio taflen S1500-000001", "Wedi gorffen?", "Cadw"],
        ["Type up sheet", "Finished?", "Save"],
    ),
    (
        "organiser",
        P + "/paper/sheets/1-3/",
        ["3 taflen wedi'u rhifo i'w hargraffu", "Llwytho'r PDF i lawr"],
        ["numbered sheets to print", "Download the PDF"],
    ),
    (
        "organiser",
        P + "/paper/scans/",
        ["Sganiau o daflenni a ddychwelwyd", "Llwytho i fyny a ffeilio", "Dim sganiau eto."],
        ["Scans of returned sheets", "Upload and file", "No scans yet."],
    ),
    (
        "organiser",
        P + "/invalidate",
        ["Annilysu llofnodion", "Cyfateb llofnodion yn ôl", "Rhagolwg"],
        ["Invalidate signatures", "Match signatures by", "Preview", "Window starts"],
    ),
    (
        "organiser",
        P + "/review",
        ["Llofnodion a ddaliwyd i'w hadolygu", "Dim wedi'u dal."],
        ["Signatures held for review", "None held."],
    ),
    (
        "organiser",
        P + "/trending",
        ["O ble mae llofnodion yn dod gyflymaf", "Rhwydweithiau", "Parthau e-bost"],
        ["Where signatures come from fastest", "Networks", "Email domains"],
    ),
    (
        "organiser",
        "/organise/requests/",
        [
            "Ceisiadau hawliau llofnodwyr",
            "Cofnodi cais a anfonwyd drwy lythyr",
            "Yn aros i drefnydd wirio pwy ydyw",
            "Eu henw llawn",
        ],
        [
            "rights requests",
            "Record a request sent by letter",
            "Waiting for an organiser",
            "Their full name",
        ],
    ),
    (
        "organiser",
        "/organise/requests/{request}/",
        ["Gwirio cais hawliau", "Llofnodion sy'n cyfateb", "Beth a wnaethoch", "Ei gofnodi"],
        ["Check rights request", "Signatures that match", "What you did", "Record it"],
    ),
    (
        "organiser",
        "/organise/audit/",
        ["Log archwilio", "Allforio data personol", "Pwy"],
        ["Audit log", "Exported personal data", "Who viewed"],
    ),
    (
        "organiser",
        "/accounts/two-factor/",
        ["Mewngofnodi dau gam", "Gosod ap dilysu"],
        ["Two-factor sign-in", "Set up an authenticator app"],
    ),
    (
        None,
        "/accounts/login/",
        ["Mewngofnodi", "Cyfrinair", "E-bost neu enw defnyddiwr"],
        ["Sign in", "Password", "Email or username"],
    ),
    (
        None,
        "/dev/outbox/",
        ["Blwch anfon demo", "Dim negeseuon e-bost eto."],
        ["Demo outbox", "No emails yet"],
    ),
]


@pytest.mark.parametrize("who, url, welsh, english", PAGES)
def test_each_staff_page_is_in_welsh_when_asked(
    client, staff_world, organiser, volunteer, who, url, welsh, english
):
    if who:
        client.force_login(organiser if who == "organiser" else volunteer)
    page = client.get(url.format(**staff_world), **WELSH)
    assert page.status_code == 200
    assert html_lang(page) == "cy"
    words = text(page)
    assert [w for w in welsh if w not in words] == []
    assert [w for w in english if w in words] == []


def test_the_staff_panels_of_the_organisers_petition_page_are_in_welsh(
    client, staff_world, organiser
):
    client.force_login(organiser)
    words = text(client.get(P + "/?lang=cy"))
    for welsh in ("Taflenni a ddosbarthwyd", "Gwirio llofnodion", "Data llofnodwyr"):
        assert welsh in words
    for english in ("Sheets issued", "Checking signatures", "Signers' data"):
        assert english not in words


def test_a_refused_return_says_why_in_welsh_and_stores_nothing(
    client, staff_world, volunteer, petition
):
    client.force_login(volunteer)
    unreturned = Sheet.objects.get(petition=petition, sequence=2)
    page = client.post(
        P + "/paper/returns/?lang=cy", {"serial": unreturned.serial, "tally": "x"}, **WELSH
    )
    assert page.status_code == 400
    words = text(page)
    assert "Mae problem wedi codi" in words
    assert "Rhowch nifer y rhesi wedi'u llofnodi, fel 7" in words
    assert "Enter the number of signed rows" not in words
    refused = client.post(P + "/paper/returns/", {"serial": "S77-000001", "tally": "2"}, **WELSH)
    assert "Mae taflen S77-000001 yn perthyn i ddeiseb arall (77)" in text(refused)
    unreturned.refresh_from_db()
    assert (unreturned.tally, unreturned.returned_at) == (None, None)
    # And the same page in English is unchanged.
    english = text(
        client.post(P + "/paper/returns/?lang=en", {"serial": unreturned.serial, "tally": ""})
    )
    assert "Enter how many rows are signed" in english and "Rhowch" not in english


def test_welsh_chosen_on_a_staff_page_stays_for_the_next_staff_pages_only(
    client, staff_world, volunteer
):
    client.force_login(volunteer)
    assert html_lang(client.get(P + "/paper/")) == "en-GB"
    assert html_lang(client.get(P + "/paper/?lang=cy")) == "cy"
    # The next page, and a form posted without ?lang, stay in Welsh...
    assert html_lang(client.get(P + "/paper/returns/")) == "cy"
    refused = client.post(P + "/paper/returns/", {"serial": "", "tally": ""})
    assert "Rhowch faint o resi sydd wedi'u llofnodi" in text(refused)
    # ...public pages, shared by caches, still follow only the address and
    # Accept-Language...
    assert html_lang(client.get("/petitions/1500/")) == "en-GB"
    # ...and English chosen again is kept the same way.
    assert html_lang(client.get(P + "/paper/?lang=en", **WELSH)) == "en-GB"
    assert html_lang(client.get(P + "/paper/returns/", **WELSH)) == "en-GB"
