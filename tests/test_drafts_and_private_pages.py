"""A draft petition is not public, and a signed-in organiser's copy of a public
page is never stored by a proxy or by our page cache: it carries their
sign-out form and its CSRF token."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from signme.petitions.models import Petition

PUBLIC = {
    "short link": "/1500",
    "page": "/petitions/1500/",
    "signed": "/petitions/1500/signed",
    "petition.json": "/petitions/1500.json",
    "count.json": "/petitions/1500/count.json",
    "qr.svg": "/petitions/1500/qr.svg",
    "sheet.pdf": "/petitions/1500/sheet.pdf",
    "share.png": "/petitions/1500/share.png",
    "widget": "/petitions/1500/widget",
    "badge.svg": "/petitions/1500/badge.svg",
    "e-petitions.json": "/petitions/1500/e-petitions.json",
    "areas.svg": "/petitions/1500/areas.svg",
}
PRIVATE = "private, no-store"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def draft(petition):
    petition.status = Petition.Status.DRAFT
    petition.save()
    return petition


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root@example.org", password="root-pass-1")


# sheet.pdf is left out: the same bytes for everyone, session or not.
PAGES = {name: url for name, url in PUBLIC.items() if name != "sheet.pdf"} | {"home": "/"}


@pytest.mark.parametrize("url", PAGES.values(), ids=PAGES.keys())
def test_a_public_page_is_public_without_a_session_and_private_with_one(client, organiser, url):
    assert client.get(url)["Cache-Control"].startswith("public, max-age=")
    assert signed_in(organiser).get(url)["Cache-Control"] == PRIVATE
    # Any session cookie, even one that signs nobody in: the page may hold a
    # CSRF token or a message meant for that browser.
    client.cookies["sessionid"] = "not-a-real-session"
    assert client.get(url)["Cache-Control"] == PRIVATE


def test_an_organisers_copy_of_the_page_is_never_served_to_anyone_else(client, organiser):
    staff_page = signed_in(organiser).get("/petitions/1500/").content.decode()
    assert "Sign out" in staff_page and "csrfmiddlewaretoken" in staff_page
    public_page = client.get("/petitions/1500/").content.decode()
    assert "Sign out" not in public_page and "csrfmiddlewaretoken" not in public_page
    # And the other way round: the copy cached for the public is not what staff get.
    assert "Sign out" in signed_in(organiser).get("/petitions/1500/").content.decode()


@pytest.mark.parametrize("url", PUBLIC.values(), ids=PUBLIC.keys())
def test_a_drafts_public_urls_are_not_found_for_the_public_and_other_organisations(
    client, draft, outsider, url
):
    assert client.get(url).status_code == 404
    assert signed_in(outsider).get(url).status_code == 404


def test_a_volunteer_of_another_organisation_cannot_preview_a_draft_even_if_given_it(
    draft, outsider
):
    # A stray grant across organisations counts for nothing (access.py).
    volunteer = get_user_model().objects.create_user("stray@example.org", password="x-pass-1")
    other = outsider.membership_set.get().organisation
    membership = other.membership_set.create(user=volunteer, role="volunteer")
    membership.petitions.add(draft)
    for url in PUBLIC.values():
        assert signed_in(volunteer).get(url).status_code == 404, url


@pytest.mark.parametrize("actor", ["organiser", "volunteer", "superuser"])
def test_a_drafts_staff_preview_it_privately_under_a_draft_banner(request, draft, actor):
    client = signed_in(request.getfixturevalue(actor))
    for name, url in PUBLIC.items():
        response = client.get(url)
        assert response.status_code == (302 if name == "short link" else 200), name
        assert response["Cache-Control"] == PRIVATE, name
    page = client.get("/petitions/1500/").content.decode()
    assert "Draft: not public yet." in page
    assert 'action="/petitions/1500/sign"' not in page  # nobody signs a draft


def test_a_previewed_draft_is_not_left_in_the_page_cache(client, draft, organiser):
    assert signed_in(organiser).get("/petitions/1500/").status_code == 200
    assert client.get("/petitions/1500/").status_code == 404


def test_nobody_can_sign_a_draft_and_the_public_is_not_told_it_exists(
    client, sign, draft, organiser
):
    assert sign().status_code == 404
    staff = signed_in(organiser)
    response = staff.post(
        "/petitions/1500/sign", {"name": "Someone"}, HTTP_SEC_FETCH_SITE="same-origin"
    )
    assert response.status_code == 403
    assert draft.signatures.count() == 0


def test_the_home_page_lists_no_draft(client, draft, organiser):
    assert "Stop the Closure" not in client.get("/").content.decode()
    assert "Stop the Closure" not in signed_in(organiser).get("/").content.decode()


def test_an_open_petition_has_no_draft_banner(client, organiser):
    assert (
        "Draft: not public yet."
        not in signed_in(organiser).get("/petitions/1500/").content.decode()
    )
