"""/organise/requests/ and /organise/audit/: organisers of the organisation only."""

import pytest

from signme.audit import log as audit
from signme.audit.models import AuditEvent
from signme.mailing.outbox import deliver_all
from signme.people.models import RightsRequest


def _request_for(client, signer):
    signer()
    client.post("/your-data/", {"email": "sian.evans@example.org"})
    deliver_all()  # the worker decides which organisations it concerns
    return RightsRequest.objects.get()


def test_organisers_see_requests_with_due_date_status_and_outcome(client, signer, organiser, smtp):
    request = _request_for(client, signer)
    client.force_login(organiser)
    page = client.get("/organise/requests/")
    assert page.status_code == 200
    assert request.due_at.strftime("%-d %b %Y").encode() in page.content
    assert b"Waiting for the person to open the link" in page.content
    assert b"sian.evans@example.org" not in page.content  # masked
    assert (request.due_at - request.created_at).days == 30


def test_other_organisations_see_no_requests_and_volunteers_get_404(
    client, signer, outsider, volunteer, smtp
):
    _request_for(client, signer)
    client.force_login(outsider)
    page = client.get("/organise/requests/")
    assert page.status_code == 200 and b"No requests yet." in page.content
    client.force_login(volunteer)
    assert client.get("/organise/requests/").status_code == 404


def test_signed_out_visitors_are_sent_to_log_in(client, db):
    assert client.get("/organise/requests/").status_code == 302
    assert client.get("/organise/audit/").status_code == 302


def test_the_audit_log_shows_only_the_organisations_events(client, petition, organiser, outsider):
    from signme.petitions.models import Petition

    audit.record(
        organiser, audit.Action.EXPORT, "signatures of petition 1500", petition=petition, count=3
    )
    audit.record(
        outsider, audit.Action.ERASE, "signature 9", petition=Petition.objects.get(number=77)
    )
    client.force_login(organiser)
    page = client.get("/organise/audit/")
    assert b"signatures of petition 1500" in page.content
    assert b"signature 9" not in page.content


def test_the_audit_admin_is_read_only(client, petition, organiser):
    from django.contrib.auth import get_user_model

    event = audit.record(
        organiser, audit.Action.EXPORT, "signatures of petition 1500", petition=petition
    )
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw-123456")
    client.force_login(admin)
    assert client.get("/admin/audit/auditevent/").status_code == 200
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    response = client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    event.refresh_from_db()


def test_an_audit_action_outside_the_list_is_refused_and_nothing_is_logged(organiser, petition):
    with pytest.raises(TypeError, match="AuditEvent.Action"):
        audit.record(organiser, "exported", "signatures of petition 1500", petition=petition)
    assert not AuditEvent.objects.exists()
