"""The language an organiser reads SignMe in follows them off the page: what
SignMe sends them on its own (a threshold reached, queued by whatever request
or worker reached it) is in the language they signed in or last chose on a
staff page, each organiser in their own."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from signme.mailing.kinds import render
from signme.mailing.models import OutboundEmail
from signme.petitions.models import Invitation, Membership, ThresholdReached
from signme.petitions.team import invitation_token
from signme.submissions.emails import tell_organisers_threshold_reached
from tests.conftest import ORGANISER

WELSH_SUBJECT = "Mae deiseb 1500 wedi cyrraedd 20 llofnod"
ENGLISH_SUBJECT = "Petition 1500 reached 20 signatures"


@pytest.fixture
def second_organiser(petition):
    user = get_user_model().objects.create_user("second@example.org", password="second-pass-1")
    Membership.objects.create(user=user, organisation=petition.organisation, role="organiser")
    return user


def language_of(user) -> str:
    return Membership.objects.get(user=user).language


def threshold_emails(petition) -> dict[str, OutboundEmail]:
    """The threshold emails queued now, by address; the English request
    reaching it must not decide their language."""
    OutboundEmail.objects.filter(kind="threshold_reached").delete()
    ThresholdReached.objects.filter(petition=petition).delete()
    threshold = petition.target.thresholds.order_by("count").first()
    reached = ThresholdReached.objects.create(petition=petition, threshold=threshold, count=20)
    with translation.override("en-gb"):
        tell_organisers_threshold_reached(reached)
    return {e.to: e for e in OutboundEmail.objects.filter(kind="threshold_reached")}


def test_each_organiser_gets_the_threshold_email_in_the_language_they_chose(
    client, organiser, second_organiser, petition
):
    client.force_login(organiser)
    assert client.get("/organise/?lang=cy").status_code == 200
    assert language_of(organiser) == "cy" and language_of(second_organiser) == ""

    emails = threshold_emails(petition)
    welsh, english = emails["organiser@example.org"], emails["second@example.org"]
    assert welsh.subject == WELSH_SUBJECT
    assert "O dan gynllun deisebau Norfolk County Council" in welsh.text
    assert "/organise/petitions/1500/?lang=cy" in welsh.text
    assert '<html lang="cy">' in render(welsh).html
    assert english.subject == ENGLISH_SUBJECT
    assert "Under Norfolk County Council's petition scheme" in english.text
    assert "?lang=" not in english.text

    # Back to English on any staff page: the next email follows.
    client.get("/organise/team/?lang=en")
    assert language_of(organiser) == "en"
    assert threshold_emails(petition)["organiser@example.org"].subject == ENGLISH_SUBJECT


def test_signing_in_on_the_welsh_page_remembers_welsh(client, organiser):
    response = client.post("/accounts/login/?lang=cy", ORGANISER)
    assert response.status_code == 302
    assert language_of(organiser) == "cy"
    client.logout()
    client.post("/accounts/login/", ORGANISER, HTTP_ACCEPT_LANGUAGE="en-GB")
    assert language_of(organiser) == "en"


def test_a_wrong_password_on_the_welsh_page_changes_nothing(client, organiser):
    wrong = client.post("/accounts/login/?lang=cy", {**ORGANISER, "password": "not-it-at-all"})
    assert wrong.status_code == 200
    assert language_of(organiser) == ""


def test_someone_joining_from_a_welsh_invitation_reads_welsh(client, organiser, petition):
    client.force_login(organiser)
    invite = {"email": "gwen@example.org", "role": "organiser"}
    url = f"/organise/team/{petition.organisation_id}/invite?lang=cy"
    assert client.post(url, invite).status_code == 303
    client.logout()
    path = f"/team/join/{invitation_token(Invitation.objects.get().pk)}?lang=cy"
    password = {"new_password1": "cwm-rhondda-2026", "new_password2": "cwm-rhondda-2026"}
    assert client.post(path, password).status_code == 303
    gwen = get_user_model().objects.get(username="gwen@example.org")
    assert language_of(gwen) == "cy"
    assert threshold_emails(petition)["gwen@example.org"].subject == WELSH_SUBJECT


def test_a_language_chosen_signed_out_or_on_a_public_page_is_not_kept(client, organiser):
    assert client.get("/organise/?lang=cy").status_code == 302  # to the sign-in page
    assert language_of(organiser) == ""
    client.force_login(organiser)
    assert client.get("/petitions/1500/?lang=cy").status_code == 200
    assert language_of(organiser) == ""
    assert client.get("/organise/?lang=xx").status_code == 200  # not a language of ours
    assert language_of(organiser) == ""
