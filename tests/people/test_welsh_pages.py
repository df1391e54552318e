"""A signer's data in Welsh: /your-data/, the unsubscribe page and every email
a signer receives are in the language they read or signed in, while the same
pages in English are unchanged."""

import re

import pytest

from signme.mailing.models import Campaign, OutboundEmail
from signme.mailing.outbox import deliver_all
from signme.people.links import rights_token, unsubscribe_token
from signme.people.models import RightsRequest
from signme.petitions.models import Consent, Signature
from signme.submissions.models import Outcome
from signme.updates.campaigns import fan_out

WELSH = {"HTTP_ACCEPT_LANGUAGE": "cy"}


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def text(response) -> str:
    """The page's words, with tags gone and the typographic apostrophe plain."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("’", "'")


def _welsh(signature: Signature) -> Signature:
    Signature.objects.filter(pk=signature.pk).update(language="cy")
    signature.refresh_from_db()
    return signature


def _rights_request(signature) -> RightsRequest:
    request = RightsRequest.objects.create(
        email=signature.email, email_digest="x", status=RightsRequest.Status.OPEN
    )
    request.organisations.set([signature.petition.organisation])
    return request


# --- Pages ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, welsh, english",
    [
        ("/your-data/", "Anfonwch ddolen ataf", "Email me a link"),
        ("/your-data/sent", "Gwiriwch eich e-bost", "If we hold data for that address"),
        ("/your-data/paper-sent", "Cais wedi dod i law", "Request received"),
        ("/your-data/erased", "Mae eich data wedi'i ddileu", "Your data has been erased"),
        ("/your-data/not-a-token", "Nid yw'r ddolen hon yn gweithio", "This link does not work"),
    ],
)
def test_each_page_about_your_data_is_in_welsh_when_asked_and_english_otherwise(
    client, db, url, welsh, english
):
    in_welsh = client.get(url, **WELSH)
    assert html_lang(in_welsh) == "cy"
    assert welsh in text(in_welsh) and english not in text(in_welsh)
    in_english = client.get(url)
    assert html_lang(in_english) == "en-GB"
    assert english in text(in_english) and welsh not in text(in_english)


def test_the_your_data_form_in_welsh_has_welsh_labels_and_hints(client, db):
    page = text(client.get("/your-data/?lang=cy"))
    for words in (
        "Eich cyfeiriad e-bost",
        "Wedi llofnodi ar bapur, neu heb gyfeiriad e-bost?",
        "Beth rydych yn gofyn amdano",
        "Copi o'r data",
        "Eich cyfeiriad (dewisol)",
    ):
        assert words in page, words
    assert 'action="/your-data/?lang=cy"' in client.get("/your-data/?lang=cy").content.decode()


def test_an_expired_link_says_so_in_welsh_and_offers_a_welsh_form(client, signer, settings):
    request = _rights_request(signer())
    token = rights_token(request.pk)
    settings.RIGHTS_TOKEN_MAX_AGE = -1
    response = client.get(f"/your-data/{token}?lang=cy")
    assert response.status_code == 410 and html_lang(response) == "cy"
    assert "Mae'r ddolen hon wedi dod i ben" in text(response)
    assert 'href="/your-data/?lang=cy">Gofynnwch am ddolen newydd</a>' in (
        response.content.decode().replace("’", "'")
    )


def test_a_welsh_error_on_the_email_form_is_in_welsh_and_nothing_is_stored(client, db):
    response = client.post("/your-data/?lang=cy", {"email": "not an address"})
    assert response.status_code == 400 and html_lang(response) == "cy"
    page = text(response)
    assert "Mae problem wedi codi" in page
    assert "Rhowch gyfeiriad e-bost yn y fformat cywir, fel enw@example.org." in page
    assert "Enter an email address" not in page
    assert not RightsRequest.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_welsh_errors_on_the_paper_request_form_and_nothing_is_stored(client, db):
    response = client.post("/your-data/paper", {"postcode": "nonsense"}, **WELSH)
    assert response.status_code == 400
    page = text(response)
    assert "Rhowch eich enw llawn fel y gwnaethoch ei ysgrifennu ar y daflen." in page
    assert "Rhowch god post yn y DU, fel NR25 6BW." in page
    assert "Dewiswch beth rydych yn gofyn amdano." in page
    assert "Rhowch gyfeiriad e-bost neu gyfeiriad post ar gyfer yr ateb." in page
    assert not RightsRequest.objects.exists()


def test_the_data_page_reads_in_welsh_and_its_forms_stay_in_welsh(client, signer):
    signature = signer()
    request = _rights_request(signature)
    token = rights_token(request.pk)
    response = client.get(f"/your-data/{token}?lang=cy", HTTP_ACCEPT_LANGUAGE="en")
    assert html_lang(response) == "cy"
    page = text(response)
    for words in (
        f"Yn cael ei gadw gan {signature.petition.organisation.name}",
        "Sut y gwnaethoch lofnodi Ar-lein",
        "Statws Wedi'i wirio",
        "E-bost: ie",
        "Blwch ar y ffurflen ar-lein, deiseb 1500",
        "Atal pob cyswllt",
        "Dileu fy data",
        "Neges destun (SMS)",
    ):
        assert words in page, words
    html = response.content.decode()
    assert f'action="/your-data/{token}/erase?lang=cy#erase"' in html
    english = text(client.get(f"/your-data/{token}"))
    assert "How you signed Online" in english and "Status Verified" in english
    assert "Email: yes" in english


def test_a_welsh_erase_without_the_tick_is_refused_in_welsh_and_nothing_changes(client, signer):
    signature = signer()
    token = rights_token(_rights_request(signature).pk)
    response = client.post(f"/your-data/{token}/erase?lang=cy", {})
    assert response.status_code == 400 and html_lang(response) == "cy"
    assert "Ticiwch y blwch i gadarnhau eich bod am i'ch data gael ei ddileu." in text(response)
    signature.refresh_from_db()
    assert signature.erased_at is None and signature.email == "sian.evans@example.org"


def test_stopping_contact_in_welsh_comes_back_to_the_welsh_page(client, signer):
    signature = signer()
    token = rights_token(_rights_request(signature).pk)
    response = client.post(f"/your-data/{token}/stop?lang=cy", {"channels": ["email"]})
    assert response["Location"] == f"/your-data/{token}?done=stopped&lang=cy#main"
    done = client.get(response["Location"].split("#")[0])
    assert "Wedi'i wneud: mae'r cyswllt hwnnw wedi dod i ben." in text(done)


def test_the_unsubscribe_page_is_in_welsh_and_its_answer_too(client, signer):
    signature = signer()
    org = signature.petition.organisation.name
    url = f"/unsubscribe/{unsubscribe_token(signature.pk)}"
    page = client.get(url + "?lang=cy")
    assert html_lang(page) == "cy"
    assert f"Peidio â chlywed gan {org}" in text(page)
    assert "Atal e-bost" in text(page)
    assert f'action="{url}?lang=cy"' in page.content.decode()
    english = client.get(url)
    assert f"Stop hearing from {org}" in text(english) and "Stop email" in text(english)

    consents = list(Consent.objects.filter(signature=signature).values_list("pk", flat=True))
    refused = client.post(url + "?lang=cy", {"channel": "carrier-pigeon"})
    assert refused.status_code == 400 and "Dewiswch beth i'w atal." in text(refused)
    assert list(Consent.objects.filter(signature=signature).values_list("pk", flat=True)) == (
        consents
    )

    stopped = client.post(url + "?lang=cy", {"channel": "email"})
    assert stopped["Location"] == f"{url}?stopped=email&lang=cy"
    done = client.get(stopped["Location"])
    assert f"Ni fydd {org} yn cysylltu â chi mwyach fel hyn: e-bost." in text(done)


# --- Emails --------------------------------------------------------------------


def test_the_rights_link_goes_out_in_the_language_the_person_asked_in(client, signer, smtp):
    org = signer().petition.organisation.name
    signer("tomos@example.org")
    client.post("/your-data/?lang=cy", {"email": "sian.evans@example.org"})
    client.post("/your-data/", {"email": "tomos@example.org"})
    assert list(RightsRequest.objects.order_by("pk").values_list("language", flat=True)) == [
        "cy",
        "en",
    ]
    deliver_all()
    messages = {m["To"]: m for m in smtp.mailbox.wait_for(2)}
    welsh = messages["sian.evans@example.org"]
    body = welsh.get_body(("plain",)).get_content()
    assert welsh["Subject"].strip() == f"Eich data sy’n cael ei gadw gan {org}"
    assert "Helo," in body and "Agorwch y ddolen hon" in body
    assert re.search(r"/your-data/\S+\?lang=cy", body)
    html = welsh.get_body(("html",)).get_content()
    assert '<html lang="cy">' in html and "Gweld eich data a’ch dewisiadau" in html
    english = messages["tomos@example.org"]
    assert english["Subject"].strip() == f"Your data held by {org}"
    assert "Hello," in english.get_body(("plain",)).get_content()
    assert "?lang=" not in english.get_body(("plain",)).get_content()


def test_the_outcome_reaches_each_signer_in_the_language_they_signed_in(
    client, organiser, signer, smtp, petition
):
    _welsh(signer())
    signer("tomos@example.org")
    petition.title_cy = "Achub Canolfannau Plant Norfolk"
    petition.statement_cy = "gadw pob canolfan blant ar agor"
    petition.save()
    Outcome.objects.create(petition=petition, submitted_on="2026-11-02")
    client.force_login(organiser)
    assert client.post("/organise/petitions/1500/outcome/tell").status_code == 303
    deliver_all()
    messages = {m["To"]: m for m in smtp.mailbox.wait_for(2)}
    welsh = messages["sian.evans@example.org"]
    body = welsh.get_body(("plain",)).get_content()
    assert welsh["Subject"] == (
        "Newyddion am y ddeiseb a lofnodwyd gennych: Achub Canolfannau Plant Norfolk"
    )
    assert "Annwyl Siân Evans," in body and "Cyflwynwyd ar 2 Tachwedd 2026." in body
    assert re.search(r"/unsubscribe/\S+\?lang=cy", body)
    assert '<html lang="cy">' in welsh.get_body(("html",)).get_content()
    # The header a mail program uses carries the plain link.
    assert "lang=" not in welsh["List-Unsubscribe"]
    english = messages["tomos@example.org"].get_body(("plain",)).get_content()
    assert "Dear " in english and "Handed in on 2 November 2026." in english


def test_an_update_keeps_the_organisers_words_and_gives_its_footer_in_welsh(
    client, organiser, signer, smtp, petition
):
    _welsh(signer())
    signer("tomos@example.org")
    client.force_login(organiser)
    client.post(
        "/organise/petitions/1500/emails/new",
        {"subject": "News from County Hall", "body": "We **handed in** the petition."},
    )
    campaign = Campaign.objects.get()
    client.post(f"/organise/petitions/1500/emails/{campaign.pk}/send", {"confirm": "yes"})
    fan_out("w")
    assert deliver_all() == 2
    messages = {m["To"]: m for m in smtp.mailbox.wait_for(2)}
    org = petition.organisation.name
    welsh = messages["sian.evans@example.org"]
    assert welsh["Subject"] == "News from County Hall"
    body = welsh.get_body(("plain",)).get_content()
    assert "We **handed in** the petition." in body
    assert f"Oddi wrth {org}" in body and "Atal y negeseuon e-bost hyn:" in body
    assert re.search(r"Atal y negeseuon e-bost hyn: \S+/unsubscribe/\S+\?lang=cy", body)
    assert "Eich data a’ch hawliau: http://" in body and "/your-data/?lang=cy" in body
    html = welsh.get_body(("html",)).get_content()
    assert '<div lang="cy">' in html and "<strong>handed in</strong>" in html
    english = messages["tomos@example.org"].get_body(("plain",)).get_content()
    assert f"From {org}" in english and "Stop these emails:" in english
    assert "lang=" not in english
