"""The organiser's petition form: start, preview, edit, open and close."""

import pytest

from signme.audit.models import AuditEvent
from signme.petitions.models import Petition, PrivacyNotice, Target
from tests.permission_world import snapshot

NEW = "/organise/petitions/new"
EDIT = "/organise/petitions/1500/edit"


def new_petition(**changes) -> dict:
    data = {
        "organisation": "",
        "number": "1501",
        "title": "Keep Holt library open",
        "statement": "keep Holt library open on Saturdays",
        "body": "The library is **the only one** for [miles](https://example.org).",
        "target_choice": "preset:north-norfolk-district-council",
        "goal": "500",
        "notice_text": "We give your name and address to North Norfolk District Council.",
        "retention_days": "365",
    }
    return data | changes


@pytest.fixture
def org_client(client, organiser, petition):
    client.force_login(organiser)
    return client


def test_organiser_starts_a_draft_petition_from_a_preset_scheme(org_client, petition):
    data = new_petition(organisation=petition.organisation_id)
    response = org_client.post(NEW, data)
    assert response.status_code == 303, response.content.decode()[:3000]
    new = Petition.objects.get(number=1501)
    assert new.status == Petition.Status.DRAFT and new.goal == 500
    assert new.target.preset == "north-norfolk-district-council"
    assert new.target.thresholds.exists()
    assert "<strong>the only one</strong>" in new.body_html
    assert new.current_notice.code == "PN-1501-v1"
    event = AuditEvent.objects.get(action="create_petition")
    assert event.petition == new and event.actor_label == "organiser@example.org"
    # A draft is not public yet.
    org_client.logout()
    assert org_client.get("/petitions/1501/").status_code == 404


def test_preview_shows_the_text_rendered_and_saves_nothing(org_client, petition):
    before = snapshot()
    data = new_petition(organisation=petition.organisation_id, title="", preview="1")
    response = org_client.post(NEW, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<div class="preview-body" id="preview-body"><p>The library is <strong>' in html
    assert "There is a problem" not in html  # a preview is not a submission
    assert 'value="keep Holt library open on Saturdays"' not in html  # a textarea
    assert "keep Holt library open on Saturdays</textarea>" in html
    assert snapshot() == before


def test_a_petition_without_title_or_with_a_taken_number_is_refused_with_clear_errors(
    org_client, petition
):
    before = snapshot()
    data = new_petition(organisation=petition.organisation_id, title="", number="1500")
    response = org_client.post(NEW, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter the petition&#x27;s title" in html
    assert "That number is taken by another petition: choose another" in html
    assert '<a href="#id_title">' in html
    assert snapshot() == before


def test_a_target_of_another_organisation_cannot_be_picked(org_client, petition, outsider):
    other = Target.objects.get(name="Another Council")
    before = snapshot()
    data = new_petition(organisation=petition.organisation_id, target_choice=f"target:{other.pk}")
    response = org_client.post(NEW, data)
    assert response.status_code == 400
    assert "Choose one of the bodies listed" in response.content.decode()
    assert snapshot() == before


def test_editing_the_notice_publishes_a_new_version_and_is_audited(org_client, petition):
    form = org_client.get(EDIT).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data |= {"title": "Save Norfolk's children's centres", "notice_text": "New words."}
    response = org_client.post(EDIT, data)
    assert response.status_code == 303
    petition.refresh_from_db()
    assert petition.title == "Save Norfolk's children's centres"
    assert petition.current_notice.code == "PN-1500-v2"
    assert PrivacyNotice.objects.get(petition=petition, version=1).text != "New words."
    event = AuditEvent.objects.get(action="change_petition")
    assert "title" in event.subject and "PN-1500-v2" in event.subject


def test_volunteers_and_other_organisations_get_404_and_nothing_changes(
    client, petition, volunteer, outsider
):
    for user in (volunteer, outsider):
        client.force_login(user)
        before = snapshot()
        assert client.get(EDIT).status_code == 404
        assert client.post(EDIT, {"title": "Hijacked"}).status_code == 404
        assert client.get("/organise/petitions/1500/open").status_code == 404
        assert client.post("/organise/petitions/1500/close").status_code == 404
        assert snapshot() == before
    client.force_login(volunteer)
    assert client.get(NEW).status_code == 404


def test_each_warning_shows_once_beside_what_puts_it_right(org_client, petition):
    html = org_client.get(EDIT).content.decode()
    # The demo petition has no printer, and its sheet has no address column.
    printer = html.index('data-code="no_printer"')
    assert html.index('for="id_printer_name"') < printer < html.index('id="id_printer_name"')
    assert html.count('data-code="no_printer"') == 1
    assert '/organise/petitions/1500/paper-columns#id_address">Record the sheet' in html
    # The petition and paper pages say how many and link here, without the words.
    for page in ("/organise/petitions/1500/", "/organise/petitions/1500/paper/"):
        other = org_client.get(page).content.decode()
        assert "printer&#x27;s name and address" not in other
        assert 'href="/organise/petitions/1500/edit">See them where they are put right' in other


def test_opening_runs_the_checks_and_links_each_warning_to_its_fix(org_client, petition):
    Petition.objects.filter(pk=petition.pk).update(status=Petition.Status.DRAFT)
    html = org_client.get("/organise/petitions/1500/open").content.decode()
    assert '<a href="/organise/petitions/1500/edit#id_printer_name">' in html
    assert org_client.post("/organise/petitions/1500/open").status_code == 303
    petition.refresh_from_db()
    assert petition.status == Petition.Status.OPEN and petition.is_accepting()
    opened = AuditEvent.objects.get(action="open_petition")
    assert opened.count >= 1  # the warnings it was opened with
    assert org_client.post("/organise/petitions/1500/close").status_code == 303
    petition.refresh_from_db()
    assert petition.status == Petition.Status.CLOSED and not petition.is_accepting()
    assert AuditEvent.objects.filter(action="close_petition").count() == 1


def test_the_goal_shows_on_the_public_page(org_client, petition):
    data = new_petition(organisation=petition.organisation_id, goal="750")
    data["target_choice"] = f"target:{Target.objects.create(name='Holt Town Council').pk}"
    assert org_client.post(NEW, data).status_code == 303
    assert org_client.post("/organise/petitions/1501/open").status_code == 303
    html = org_client.get("/petitions/1501/").content.decode()
    assert "750" in html and "the organisers&#x27; goal" in html
