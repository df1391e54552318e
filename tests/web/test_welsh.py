"""SignMe in Welsh: the language a reader chose (or their browser asks for)
on every public page, in the confirmation email and on the sheet, and never
a cached page in the other language."""

import re

from django.conf import settings


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def test_english_by_default_and_welsh_when_the_browser_asks(client, petition):
    english = client.get("/petitions/1500/")
    assert html_lang(english) == "en-GB"
    assert english["Content-Language"] == "en-gb"
    welsh = client.get("/petitions/1500/", HTTP_ACCEPT_LANGUAGE="cy-GB,cy;q=0.9,en;q=0.5")
    assert html_lang(welsh) == "cy"
    assert welsh["Content-Language"] == "cy"


def test_a_browser_asking_for_any_english_gets_english(client, petition):
    response = client.get("/petitions/1500/", HTTP_ACCEPT_LANGUAGE="en-US,fr;q=0.5")
    assert html_lang(response) == "en-GB"


def test_a_cached_page_is_never_served_in_the_other_language(client, petition):
    assert html_lang(client.get("/petitions/1500/", HTTP_ACCEPT_LANGUAGE="cy")) == "cy"
    # The Welsh page is now in the page cache; an English reader gets English.
    english = client.get("/petitions/1500/", HTTP_ACCEPT_LANGUAGE="en")
    assert html_lang(english) == "en-GB"
    assert html_lang(client.get("/petitions/1500/", HTTP_ACCEPT_LANGUAGE="cy")) == "cy"
    assert html_lang(client.get("/petitions/1500/")) == "en-GB"


def test_pages_tell_a_shared_cache_what_chose_their_language(client, petition):
    for url in ("/petitions/1500/", "/petitions/1500/signed", "/"):
        response = client.get(url)
        vary = {v.strip() for v in response["Vary"].split(",")}
        assert {"Accept-Language", "Cookie"} <= vary, url
    # The same in any language, so a CDN keeps one copy.
    assert "Cookie" not in client.get("/petitions/1500/count.json").get("Vary", "")


def test_the_switch_sets_welsh_for_the_next_pages_without_javascript(client, petition):
    page = client.get("/petitions/1500/").content.decode()
    assert 'name="language" value="cy" lang="cy"' in page
    response = client.post(
        "/language",
        {"language": "cy", "next": "/petitions/1500/"},
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 302
    assert response["Location"] == "/petitions/1500/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"
    # The cookie wins over the browser's own language.
    welsh = client.get("/petitions/1500/", HTTP_ACCEPT_LANGUAGE="en")
    assert html_lang(welsh) == "cy"
    assert 'name="language" value="en-gb" lang="en-GB">English<' in welsh.content.decode()
    client.post("/language", {"language": "en-gb", "next": "/"}, HTTP_SEC_FETCH_SITE="same-origin")
    assert html_lang(client.get("/petitions/1500/", HTTP_ACCEPT_LANGUAGE="cy")) == "en-GB"


def test_another_website_cannot_switch_a_readers_language(client, petition):
    response = client.post(
        "/language", {"language": "cy", "next": "/"}, HTTP_SEC_FETCH_SITE="cross-site"
    )
    assert response.status_code == 403
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_a_language_switch_to_another_site_goes_home_instead(client, petition):
    response = client.post(
        "/language",
        {"language": "cy", "next": "https://evil.example/"},
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response["Location"] == "/"
