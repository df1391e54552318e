"""/your-data/: the same answer for everyone; the emailed link gives access,
objection, the stop notice and erasure."""

import json
import re

from django.utils import timezone

from signme.audit.models import AuditEvent
from signme.mailing.models import OutboundEmail
from signme.mailing.outbox import deliver_all
from signme.people.contact import email_recipients
from signme.people.links import rights_token
from signme.people.models import RightsRequest, Suppression
from signme.people.suppression import is_suppressed
from signme.petitions.counting import compute_counts
from signme.petitions.models import Signature


def _ask(client, email):
    return client.post("/your-data/", {"email": email})


def _link(smtp, n=1):
    msg = smtp.mailbox.wait_for(n)[n - 1]
    text = msg.get_body(("plain",)).get_content()
    return re.search(r"https?://[^/\s]+(/your-data/\S+)", text).group(1)


def test_a_signer_and_a_stranger_get_the_same_answer_and_only_the_signer_an_email(
    client, signer, smtp
):
    signer()
    signed = _ask(client, "sian.evans@example.org")
    stranger = _ask(client, "nobody@example.org")
    assert signed.status_code == stranger.status_code == 303
    assert signed["Location"] == stranger["Location"]
    page = client.get(signed["Location"])
    assert b"If we hold data for that address, we have emailed a link" in page.content
    assert OutboundEmail.objects.filter(kind="rights_link").count() == 2  # same work either way
    deliver_all()
    messages = smtp.mailbox.received()
    assert [m["To"] for m in messages] == ["sian.evans@example.org"]
    stranger_request = RightsRequest.objects.get(status="no_data")
    assert stranger_request.email == ""  # not kept


def test_the_link_shows_and_downloads_everything_held(client, signer, smtp, petition):
    signer(phone="07700 900123", consent_sms="on")
    _ask(client, "sian.evans@example.org")
    deliver_all()
    link = _link(smtp)
    page = client.get(link)
    assert page.status_code == 200
    assert "Siân Evans".encode() in page.content and b"NR25 6BW" in page.content
    download = client.get(link + "/data.json")
    assert download["Content-Disposition"].startswith("attachment")
    data = json.loads(download.content)
    [org] = data["organisations"]
    assert org["signatures"][0]["address"] == "12 Market Place, Holt"
    assert org["contact_now"]["email"] is True
    assert {c["channel"] for c in org["consent_records"]} == {"email", "sms", "phone", "post"}
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"request", "view", "export"} <= actions
    assert RightsRequest.objects.get().status == "open"


def test_erasure_removes_personal_data_keeps_the_count_and_the_suppression(
    client, signer, smtp, petition
):
    s = signer(phone="07700 900123", consent_sms="on")
    before = compute_counts(petition.pk).total
    _ask(client, "sian.evans@example.org")
    deliver_all()
    link = _link(smtp)
    response = client.post(link + "/erase", {"confirm": "on"})
    assert response.status_code == 303
    s.refresh_from_db()
    assert (s.name, s.email, s.email_canonical, s.address, s.postcode, s.phone) == ("",) * 6
    assert s.erased_at is not None and s.status == "verified"
    assert compute_counts(petition.pk).total == before
    assert is_suppressed(petition.organisation, email="sian.evans@example.org")
    assert is_suppressed(petition.organisation, phone="+447700900123")
    assert not OutboundEmail.objects.filter(signature=s).exists()
    assert not OutboundEmail.objects.filter(to__iexact="sian.evans@example.org").exists()
    request = RightsRequest.objects.get()
    assert request.status == "done" and request.email == "" and "erasure" in request.outcome
    assert AuditEvent.objects.filter(action="erase", count=1).exists()
    # Reusing the link afterwards: refused, nothing changes.
    assert client.get(link).status_code == 404
    assert client.post(link + "/erase", {"confirm": "on"}).status_code == 404


def test_signing_again_after_erasure_is_counted_but_never_emailed(client, signer, smtp, petition):
    signer()
    _ask(client, "sian.evans@example.org")
    deliver_all()
    client.post(_link(smtp) + "/erase", {"confirm": "on"})
    signer()  # signs again, ticking the box
    assert list(email_recipients(petition)) == []


def test_erasure_without_ticking_the_box_is_refused_and_nothing_changes(client, signer, smtp):
    s = signer()
    _ask(client, "sian.evans@example.org")
    deliver_all()
    link = _link(smtp)
    response = client.post(link + "/erase", {})
    assert response.status_code == 400
    assert b"Tick the box to confirm" in response.content
    s.refresh_from_db()
    assert s.name == "Siân Evans" and s.erased_at is None


def test_objection_per_channel_and_the_stop_notice_are_honoured(client, signer, smtp, petition):
    s = signer(phone="07700 900123", consent_sms="on")
    _ask(client, "sian.evans@example.org")
    deliver_all()
    link = _link(smtp)
    assert client.post(link + "/stop", {"channels": ["sms"]}).status_code == 303
    assert not is_suppressed(petition.organisation, email=s.email, channel="email")
    assert is_suppressed(petition.organisation, email=s.email, channel="sms")
    assert [r.signature_id for r in email_recipients(petition)] == [s.pk]
    assert client.post(link + "/stop-processing").status_code == 303
    assert Suppression.objects.filter(reason="stop").exists()
    assert list(email_recipients(petition)) == []
    outcome = RightsRequest.objects.get().outcome
    assert "objection" in outcome and "stop notice" in outcome


def test_an_empty_stop_form_is_refused_and_nothing_changes(client, signer, smtp, petition):
    signer()
    _ask(client, "sian.evans@example.org")
    deliver_all()
    response = client.post(_link(smtp) + "/stop", {})
    assert response.status_code == 400
    assert b"Choose at least one way" in response.content
    assert not Suppression.objects.exists()


def test_a_bad_email_address_is_refused_and_nothing_is_stored(client, db):
    response = _ask(client, "not-an-address")
    assert response.status_code == 400
    assert b"Enter an email address in the right format" in response.content
    assert not RightsRequest.objects.exists() and not OutboundEmail.objects.exists()


def test_tampered_and_expired_links_are_refused(client, signer, smtp, settings):
    s = signer()
    _ask(client, "sian.evans@example.org")
    request = RightsRequest.objects.get()
    token = rights_token(request.pk)
    assert client.get(f"/your-data/{token[:-3]}abc").status_code == 404
    assert client.post(f"/your-data/{token[:-3]}abc/erase", {"confirm": "on"}).status_code == 404
    settings.RIGHTS_TOKEN_MAX_AGE = -1
    assert client.post(f"/your-data/{token}/erase", {"confirm": "on"}).status_code == 410
    s.refresh_from_db()
    assert s.erased_at is None


def test_too_many_requests_for_one_address_send_no_more_links(client, signer):
    signer()
    for _ in range(5):
        assert _ask(client, "sian.evans@example.org").status_code == 303
    assert RightsRequest.objects.count() == 3


def test_requests_expire_and_forget_the_address(client, signer, settings):
    from signme.people.rights import expire_requests

    signer()
    _ask(client, "sian.evans@example.org")
    settings.RIGHTS_TOKEN_MAX_AGE = -1
    assert expire_requests() == 1
    request = RightsRequest.objects.get()
    assert request.status == "expired" and request.email == ""
    assert Signature.objects.get().name == "Siân Evans"


def test_the_link_shows_when_they_signed_as_a_date_people_read(client, signer, smtp):
    signer()
    _ask(client, "sian.evans@example.org")
    deliver_all()
    page = client.get(_link(smtp)).content.decode()
    signed_at = Signature.objects.get().created_at
    assert f"{timezone.localtime(signed_at):%-d %B %Y, %H:%M}" in page
    assert "T" + f"{timezone.localtime(signed_at):%H:%M}" not in page  # no ISO timestamps
