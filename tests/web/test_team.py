"""The team page, invitations by email and the page their link opens."""

import logging

import pytest
from django.contrib.auth import get_user_model

from signme.audit.models import AuditEvent
from signme.mailing.kinds import render
from signme.mailing.models import OutboundEmail
from signme.petitions.models import Invitation, Membership, Petition
from signme.petitions.team import invitation_token
from tests.permission_world import snapshot


@pytest.fixture
def team_url(petition):
    return f"/organise/team/{petition.organisation_id}/"


@pytest.fixture
def org_client(client, organiser):
    client.force_login(organiser)
    return client


def link_in(email: OutboundEmail) -> str:
    text = render(email).text
    return next(word for word in text.split() if "/team/join/" in word)


def test_the_team_page_shows_organisers_volunteers_and_their_petitions(
    org_client, team_url, volunteer
):
    html = org_client.get(team_url).content.decode()
    assert "organiser@example.org</strong> (you)" in html
    assert "volunteer@example.org</strong><br>\n    Petitions: 1500" in html


def test_an_invitation_is_emailed_and_its_link_makes_an_account_once(
    org_client, team_url, client, petition
):
    data = {"email": "new.helper@example.org", "role": "volunteer"}
    assert org_client.post(team_url + "invite", data).status_code == 303
    email = OutboundEmail.objects.get(kind="team_invitation")
    assert email.to == "new.helper@example.org"
    assert email.text == "" and list(email.headers) == ["invitation"]  # no token stored
    link = link_in(email)
    path = link.split("://", 1)[-1].split("/", 1)[1]
    org_client.logout()
    page = client.get("/" + path)
    assert page.status_code == 200 and "Choose a password" in page.content.decode()
    short = client.post("/" + path, {"new_password1": "abc", "new_password2": "abc"})
    assert short.status_code == 400 and "This password is too short" in short.content.decode()
    assert not get_user_model().objects.filter(username="new.helper@example.org").exists()
    good = {"new_password1": "holt-library-2026", "new_password2": "holt-library-2026"}
    response = client.post("/" + path, good)
    assert response.status_code == 303 and response["Location"] == "/organise/"
    user = get_user_model().objects.get(username="new.helper@example.org")
    membership = Membership.objects.get(user=user)
    assert membership.role == "volunteer" and membership.organisation == petition.organisation
    assert client.get("/organise/").status_code == 200  # signed in
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        "invite",
        "join",
    ]
    client.logout()
    again = client.post("/" + path, good)
    assert again.status_code == 404 and "used already" in again.content.decode()
    assert render(email) is None  # a used invitation is not sent


def test_someone_with_an_account_signs_in_and_then_joins(
    org_client, team_url, client, outsider, petition
):
    data = {"email": "outsider@example.org", "role": "organiser"}
    assert org_client.post(team_url + "invite", data).status_code == 303
    path = "/team/join/" + invitation_token(Invitation.objects.get().pk)
    client.logout()
    html = client.get(path).content.decode()
    assert f'href="/accounts/login/?next={path}"' in html
    assert client.post(path).status_code == 200  # not signed in: nothing happens
    assert not Membership.objects.filter(user=outsider, organisation=petition.organisation)
    client.force_login(outsider)
    assert client.post(path).status_code == 303
    assert Membership.objects.get(user=outsider, organisation=petition.organisation).role == (
        "organiser"
    )


def test_a_wrong_or_expired_link_says_so_and_its_token_is_not_logged(
    org_client, team_url, client, settings, caplog
):
    org_client.post(team_url + "invite", {"email": "x@example.org", "role": "volunteer"})
    token = invitation_token(Invitation.objects.get().pk)
    client.logout()
    wrong = client.get("/team/join/" + token[:-2] + "xx")
    assert wrong.status_code == 404 and "not complete or not right" in wrong.content.decode()
    settings.INVITATION_MAX_AGE = -1
    with caplog.at_level(logging.WARNING):
        expired = client.get("/team/join/" + token)
    assert expired.status_code == 404 and "has expired" in expired.content.decode()
    # The log handlers SignMe configures blank the token out of the line.
    handler = next(h for h in logging.getLogger().handlers if h.filters)
    lines = [handler.format(r) for r in caplog.records if handler.filter(r)]
    assert any("/team/join/[token]" in line for line in lines)
    assert not any(token in line for line in lines)


def test_a_bad_address_or_someone_in_the_team_already_is_refused(org_client, team_url, volunteer):
    before = snapshot()
    bad = org_client.post(team_url + "invite", {"email": "not an address", "role": "volunteer"})
    assert bad.status_code == 400
    assert "Enter an email address in the right format" in bad.content.decode()
    member = {"email": "Volunteer@example.org", "role": "volunteer"}
    again = org_client.post(team_url + "invite", member)
    assert again.status_code == 400 and "is in the team already" in again.content.decode()
    assert snapshot() == before


def test_invitations_are_rate_limited(org_client, team_url, settings):
    settings.INVITATIONS_PER_HOUR = 1
    first = {"email": "one@example.org", "role": "volunteer"}
    assert org_client.post(team_url + "invite", first).status_code == 303
    second = org_client.post(
        team_url + "invite", {"email": "two@example.org", "role": "volunteer"}
    )
    assert second.status_code == 429 and second["Retry-After"]
    assert "You have sent 1 invitations in the last hour" in second.content.decode()
    assert list(Invitation.objects.values_list("email", flat=True)) == ["one@example.org"]


def test_an_organiser_gives_a_volunteer_only_their_own_organisations_petitions(
    org_client, team_url, volunteer, outsider, petition
):
    membership = Membership.objects.get(user=volunteer)
    other = Petition.objects.get(number=77)
    url = f"{team_url}members/{membership.pk}/"
    before = snapshot()
    response = org_client.post(url, {"petitions": [petition.pk, other.pk]})
    assert response.status_code == 400
    assert "Choose only petitions of this organisation" in response.content.decode()
    assert snapshot() == before
    assert org_client.post(url, {"petitions": []}).status_code == 303
    assert not membership.petitions.exists()
    assert AuditEvent.objects.get(action="change_member").subject.endswith("petitions: none")


def test_removing_members_keeps_one_organiser_and_stays_in_the_organisation(
    org_client, team_url, organiser, volunteer, outsider
):
    own = Membership.objects.get(user=organiser)
    assert org_client.post(f"{team_url}members/{own.pk}/remove").status_code == 303
    assert Membership.objects.filter(pk=own.pk).exists()  # the only organiser
    theirs = Membership.objects.get(user=outsider)
    before = snapshot()
    assert org_client.post(f"{team_url}members/{theirs.pk}/remove").status_code == 404
    assert org_client.get(f"/organise/team/{theirs.organisation_id}/").status_code == 404
    assert snapshot() == before
    vol = Membership.objects.get(user=volunteer)
    assert org_client.post(f"{team_url}members/{vol.pk}/remove").status_code == 303
    assert not Membership.objects.filter(pk=vol.pk).exists()
    assert AuditEvent.objects.filter(action="remove_member").count() == 1
