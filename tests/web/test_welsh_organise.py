"""The organiser and volunteer pages in Welsh, chosen as on public pages (the
browser's language or the switch), with their forms' errors, messages and
the team invitation in Welsh too, while the same pages in English are
unchanged."""

import re

import pytest
from django.utils import translation

from signme.mailing.kinds import render
from signme.mailing.models import Campaign, OutboundEmail
from signme.petitions.models import Invitation, Membership, ThresholdReached
from signme.submissions.emails import tell_organisers_threshold_reached
from signme.submissions.models import Outcome
from tests.people.test_welsh_pages import WELSH, html_lang, text


@pytest.fixture
def staff_client(client, organiser, volunteer, petition):
    """Signs in as whoever a case names; fills in the ids its address needs."""
    campaign = Campaign.objects.create(
        petition=petition, created_by=organiser, subject="Newyddion", body="Diolch"
    )
    ids = {
        "org": petition.organisation_id,
        "target": petition.target_id,
        "member": Membership.objects.get(user=volunteer).pk,
        "campaign": campaign.pk,
    }

    def sign_in(who: str, url: str) -> str:
        client.force_login(organiser if who == "organiser" else volunteer)
        return url.format(**ids)

    return client, sign_in


# Who, the address, Welsh that must be on the page, and the English of the
# page's own headings and buttons, which must be gone. The petition page also
# shows the paper, moderation and people sections, which are Welsh elsewhere.
PAGES = [
    (
        "organiser",
        "/organise/",
        ["Eich deisebau", "Dechrau deiseb", "Log archwilio", "Ar agor"],
        ["Your petitions", "Start a petition", "For all your petitions", "Audit log", "Open"],
    ),
    (
        "organiser",
        "/organise/petitions/1500/",
        ["Golygu'r ddeiseb", "Cynllun deisebau Norfolk County Council", "Pecyn cyflwyno"],
        [
            "Edit the petition",
            "petition scheme",
            "Submission pack",
            "Where the sheets are",
            "Where signers live",
            "Record the outcome",
            "Online, confirmed and counted",
        ],
    ),  # fmt: skip
    (
        "organiser",
        "/organise/petitions/new",
        ["Dechrau deiseb", "Pwy a ddeisebir", "Argraffnod a phapur", "gwiriwyd y ffeithiau"],
        ["Start a petition", "Who is petitioned", "Imprint and paper", "facts checked", "Save"],
    ),
    (
        "organiser",
        "/organise/petitions/1500/edit",
        ["Golygu'r ddeiseb", "Rhybudd:", "Agor neu gau", "I ble mae taflenni papur yn mynd"],
        [
            "Edit the petition",
            "Warning:",
            "Open or close",
            "compliance check",
            "Where paper sheets go back to",
            "Days after closing",
        ],
    ),  # fmt: skip
    (
        "organiser",
        "/organise/petitions/1500/open",
        ["Agor y ddeiseb i'w llofnodi", "4 peth i'w gwirio yn gyntaf"],
        ["Open the petition for signatures", "things to check first", "needs an address"],
    ),
    (
        "organiser",
        "/organise/team/{org}/",
        ["Gwahodd rhywun", "Gwirfoddolwyr", "Anfon y gwahoddiad", "Gwirfoddolwr"],
        ["Invite someone", "Volunteers", "Send the invitation", "They join as", "Organiser"],
    ),
    (
        "organiser",
        "/organise/team/{org}/members/{member}/",
        ["Deisebau volunteer@example.org", "Deisebau y maent yn gweithio arnynt", "Cadw"],
        ["Petitions of", "Petitions they work on", "Save"],
    ),
    (
        "organiser",
        "/organise/team/{org}/webhooks",
        ["Bachau gwe", "Ychwanegu cyfeiriad", "mae trothwy wedi'i gyrraedd"],
        ["Webhooks of", "Add an address", "Add the webhook", "a threshold is reached"],
    ),
    (
        "organiser",
        "/organise/targets/",
        ["Targedau a'u cynlluniau deisebau", "Cynllun wedi'i wirio"],
        ["Targets and their petition schemes", "Scheme checked", "Minimum"],
    ),
    (
        "organiser",
        "/organise/targets/{target}/",
        ["Norfolk County Council: cynllun deisebau", "Cadw'r cynllun", "Trothwyon:"],
        ["petition scheme", "Save the scheme", "Start from a preset", "Every signatory gives"],
    ),
    (
        "organiser",
        "/organise/petitions/1500/paper-columns",
        ["Pa golofnau sydd ar y daflen bapur?", "Enw llawn", "Cyfeiriad e-bost"],
        ["Which columns", "Columns on the sheet", "Full name", "Email address", "Save"],
    ),
    (
        "organiser",
        "/organise/petitions/1500/outcome",
        ["Beth ddigwyddodd i'r ddeiseb", "Dyddiad cyflwyno", "Diwrnod", "Blwyddyn"],
        ["What happened to the petition", "Date handed in", "Day", "Year", "Save the outcome"],
    ),
    (
        "organiser",
        "/organise/petitions/1500/emails/",
        ["Diweddariadau at lofnodwyr", "Ysgrifennu diweddariad"],
        ["Updates to signers", "Write an update", "Subject", "Written"],
    ),
    (
        "organiser",
        "/organise/petitions/1500/emails/new",
        ["Ysgrifennu diweddariad at lofnodwyr", "Neges", "Cadw a gweld rhagolwg"],
        ["Write an update to signers", "Message", "Save and preview"],
    ),
    (
        "organiser",
        "/organise/petitions/1500/emails/{campaign}/",
        ["Anfon at bawb", "Fel testun plaen", "Anfon prawf at organiser@example.org"],
        ["Send to everyone", "As formatted email", "Send a test", "It cannot be recalled"],
    ),
    (
        "volunteer",
        "/organise/",
        ["Eich deisebau", "Llofnodion"],
        ["Your petitions", "Signatures", "Status"],
    ),
    (
        "volunteer",
        "/organise/petitions/1500/",
        ["Tudalen gyhoeddus", "Ar-lein, yn aros am gadarnhad"],
        ["Public page", "Online, waiting for confirmation", "Does the petition meet the scheme?"],
    ),
]


@pytest.mark.parametrize("who, url, welsh, english", PAGES, ids=[f"{p[0]} {p[1]}" for p in PAGES])
def test_each_staff_page_is_in_welsh_when_asked_and_english_otherwise(
    staff_client, who, url, welsh, english
):
    client, sign_in = staff_client
    url = sign_in(who, url)
    in_welsh = client.get(url, **WELSH)
    assert in_welsh.status_code == 200 and html_lang(in_welsh) == "cy"
    words = text(in_welsh)
    assert [w for w in welsh if w not in words] == []
    assert [e for e in english if re.search(rf"\b{re.escape(e)}\b", words)] == []
    in_english = client.get(url)
    assert html_lang(in_english) == "en-GB" and english[0] in text(in_english)


def test_a_welsh_organiser_gets_the_invitation_form_errors_in_welsh(client, organiser, petition):
    client.force_login(organiser)
    url = f"/organise/team/{petition.organisation_id}/invite"
    response = client.post(url, {"email": "", "role": "gofalwr"}, **WELSH)
    assert response.status_code == 400
    words = text(response)
    assert "Gwall: Tîm Norfolk County Council" in words  # the page title
    assert "Mae problem wedi codi" in words
    assert "Rhowch y cyfeiriad e-bost i anfon y gwahoddiad ato" in words
    assert "Dewiswch a ydynt yn ymuno fel gwirfoddolwr neu drefnydd" in words
    assert "Enter the email address" not in words
    assert not Invitation.objects.exists()


def test_a_date_error_on_the_outcome_form_comes_back_in_welsh(client, organiser, petition):
    client.force_login(organiser)
    url = "/organise/petitions/1500/outcome"
    response = client.post(url, {"submitted_on_0": "27"}, **WELSH)
    assert response.status_code == 400
    assert "Dyddiad cyflwyno: rhaid cynnwys mis a blwyddyn" in text(response)
    assert not Outcome.objects.filter(petition=petition).exists()


def test_an_organiser_inviting_in_welsh_sends_a_welsh_invitation_that_opens_in_welsh(
    client, organiser, petition
):
    client.force_login(organiser)
    url = f"/organise/team/{petition.organisation_id}/invite"
    data = {"email": "gwen@example.org", "role": "volunteer"}
    response = client.post(url, data, follow=True, **WELSH)
    assert "Mae'r gwahoddiad wedi'i anfon at gwen@example.org." in text(response)
    email = render(OutboundEmail.objects.get(kind="team_invitation"))
    assert email.subject == "Ymunwch â Norfolk County Council Liberal Democrat Group ar SignMe"
    assert '<html lang="cy">' in email.html
    assert "fel gwirfoddolwr" in email.text
    link = next(word for word in email.text.split() if "/team/join/" in word)
    assert link.endswith("?lang=cy")
    client.post("/accounts/logout/")
    join = client.get("/" + link.split("://", 1)[-1].split("/", 1)[1])
    assert html_lang(join) == "cy" and "Dewiswch gyfrinair ar gyfer eich cyfrif" in text(join)
    assert "Rhowch yr un cyfrinair ag o'r blaen, i'w wirio." in text(join)
    assert "Enter the same password" not in text(join)


def test_the_threshold_email_to_organisers_is_in_english_whoever_reached_it(petition):
    threshold = petition.target.thresholds.order_by("count").first()
    reached = ThresholdReached.objects.create(petition=petition, threshold=threshold, count=20)
    with translation.override("cy"):
        tell_organisers_threshold_reached(reached)
    email = OutboundEmail.objects.get(kind="threshold_reached")
    assert email.subject == "Petition 1500 reached 20 signatures"
    assert "Under Norfolk County Council's petition scheme" in email.text
