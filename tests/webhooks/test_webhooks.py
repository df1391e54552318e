"""Signed webhooks, sent to a real HTTP server on loopback: the signature
checks out and refuses a replay, a 500 is tried again later, and a signer's
details go only where they agreed to be contacted."""

import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from signme.audit.models import AuditEvent
from signme.people.preferences import stop_contact
from signme.people.webhooks import webhook_body
from signme.petitions.models import Consent, Threshold
from signme.web.events import check_thresholds
from signme.webhooks.delivery import (
    MAX_ATTEMPTS,
    SIGNATURE_HEADER,
    deliver_due,
    sign,
    verify,
    wait_after,
)
from signme.webhooks.models import Delivery, Webhook

SECRET = "a-shared-secret-for-the-tests"


class Receiver(ThreadingHTTPServer):
    """Answers each POST with the next status of `answers` (then 200) and
    keeps what it was sent."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[tuple] = []
        self.answers: list[int] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((self.headers, body))  # names in any case
        status = self.server.answers.pop(0) if self.server.answers else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(autouse=True)
def _receivers_on_this_machine(settings):
    # The test receiver listens on loopback; production refuses such
    # addresses (test_an_address_inside_the_network_is_refused_…).
    settings.WEBHOOKS_ALLOW_PRIVATE = True


@pytest.fixture
def receiver():
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def hook(petition, receiver):
    return Webhook.objects.create(
        organisation=petition.organisation, url=receiver.url, secret=SECRET
    )


def send():
    return deliver_due("test-worker", webhook_body)


def test_a_counted_signature_is_sent_signed_and_the_signature_verifies(hook, receiver, signer):
    signature = signer()
    assert send() == 1
    [(headers, body)] = receiver.received
    assert verify(SECRET, body, headers[SIGNATURE_HEADER])
    assert headers["X-SignMe-Event"] == "signature.counted"
    data = json.loads(body)
    assert data["event"] == "signature.counted"
    assert data["petition"]["number"] == 1500
    assert data["signature"]["id"] == signature.pk and data["signature"]["counted"]
    assert Delivery.objects.get().delivered_at is not None
    assert send() == 0  # sent once


def test_a_wrong_secret_a_changed_body_or_an_old_timestamp_does_not_verify():
    body = b'{"event":"signature.counted"}'
    now = int(time.time())
    header = sign(SECRET, body, now)
    assert verify(SECRET, body, header)
    assert not verify("another-secret", body, header)
    assert not verify(SECRET, body.replace(b"counted", b"opted_out"), header)
    replayed = sign(SECRET, body, now - 301)
    assert not verify(SECRET, body, replayed)
    assert not verify(SECRET, body, "sha256=nothing")


def test_a_500_is_tried_again_later_and_then_delivered(hook, receiver, signer):
    signer()
    receiver.answers = [500]
    assert send() == 0
    delivery = Delivery.objects.get()
    assert (delivery.attempts, delivery.last_status, delivery.delivered_at) == (1, 500, None)
    assert delivery.send_after > timezone.now() + timedelta(seconds=20)
    assert send() == 0 and len(receiver.received) == 1  # not due yet
    Delivery.objects.update(send_after=timezone.now())
    assert send() == 1
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status) == (2, 200)
    assert delivery.delivered_at is not None
    first, second = (json.loads(body) for _, body in receiver.received)
    assert first["id"] == second["id"]  # the same event, so a receiver can drop a repeat


def test_an_unreachable_receiver_is_recorded_and_tried_again(petition, signer):
    Webhook.objects.create(
        organisation=petition.organisation, url="http://127.0.0.1:9/", secret=SECRET
    )
    signer()
    assert send() == 0
    delivery = Delivery.objects.get()
    assert delivery.attempts == 1 and delivery.last_error and delivery.failed_at is None


def test_no_personal_data_without_consent_to_contact(hook, receiver, signer):
    signer(consent=False)
    send()
    [(_, body)] = receiver.received
    assert json.loads(body)["signature"]["person"] is None
    assert b"Evans" not in body and b"example.org" not in body and b"NR25" not in body


def test_a_signer_who_agreed_to_email_is_sent_with_name_email_and_postcode(hook, receiver, signer):
    signer(consent=True)
    send()
    person = json.loads(receiver.received[0][1])["signature"]["person"]
    assert person == {
        "name": "Siân Evans",
        "postcode": "NR25 6BW",
        "email": "sian.evans@example.org",
    }


def test_an_opt_out_is_sent_with_ids_only_and_stops_details_in_events_still_waiting(
    hook, receiver, signer
):
    signature = signer(consent=True)
    stop_contact(signature, ["email"], mechanism=Consent.Mechanism.UNSUBSCRIBE)
    assert send() == 2
    counted, opted_out = (json.loads(body) for _, body in receiver.received)
    assert opted_out["event"] == "signer.opted_out"
    assert opted_out["signature"] == {
        "id": signature.pk, "source": "web", "counted": True, "person": None
    }  # fmt: skip
    assert counted["signature"]["person"] is None  # built when sent, after the opt-out


def test_a_threshold_reached_is_sent(hook, receiver, petition, signer):
    threshold = Threshold.objects.create(target=petition.target, count=1, triggers="A reply")
    signer()
    Delivery.objects.all().delete()
    check_thresholds(petition)
    send()
    data = json.loads(receiver.received[0][1])
    assert data["event"] == "threshold.reached"
    assert data["threshold"]["count"] == threshold.count


def test_nothing_is_queued_for_an_organisation_without_webhooks(signer):
    signer()
    assert not Delivery.objects.exists()


def test_an_organiser_adds_and_removes_a_webhook_and_both_are_audited(client, organiser, petition):
    client.force_login(organiser)
    org = petition.organisation
    page = f"/organise/team/{org.pk}/webhooks"
    response = client.post(page, {"url": "https://crm.example.org/hook"})
    assert response.status_code == 303
    hook = Webhook.objects.get(organisation=org)
    assert len(hook.secret) >= 32
    assert hook.secret in client.get(page).content.decode()
    assert client.post(f"{page}/{hook.pk}/remove").status_code == 303
    assert not Webhook.objects.exists()
    assert list(
        AuditEvent.objects.filter(action="webhook")
        .order_by("pk")
        .values_list("subject", flat=True)
    ) == [
        f"webhook {hook.pk} added",
        f"webhook {hook.pk} removed",
    ]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"url": ""}, "Enter the address to send events to"),
        ({"url": "ftp://crm.example.org/"}, "Enter a web address starting https://"),
        ({"url": "https://crm.example.org/", "secret": "short"}, "at least 16 characters"),
    ],
)
def test_a_bad_webhook_is_refused_with_a_clear_message_and_nothing_stored(
    client, organiser, petition, data, message
):
    client.force_login(organiser)
    before = AuditEvent.objects.count()
    response = client.post(f"/organise/team/{petition.organisation.pk}/webhooks", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Webhook.objects.exists() and AuditEvent.objects.count() == before


def test_the_waits_double_up_to_six_hours_and_last_about_a_day_and_a_half():
    assert [wait_after(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert wait_after(30) == timedelta(hours=6)
    total = sum((wait_after(n) for n in range(1, MAX_ATTEMPTS)), timedelta())
    assert timedelta(hours=30) < total < timedelta(hours=42)


def test_after_the_last_try_it_is_given_up_and_not_sent_again(hook, receiver, signer):
    signer()
    Delivery.objects.update(attempts=MAX_ATTEMPTS - 1)
    receiver.answers = [503]
    assert send() == 0
    delivery = Delivery.objects.get()
    assert delivery.failed_at is not None and delivery.last_error == "HTTP 503"
    Delivery.objects.update(send_after=timezone.now() - timedelta(days=1))
    assert send() == 0 and len(receiver.received) == 1


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8000/hook", "https://10.1.2.3/hook", "http://[::1]/", "http://localhost/"],
)
def test_an_address_inside_the_network_is_refused_at_once_and_at_each_try(
    client, organiser, petition, receiver, signer, settings, url
):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    client.force_login(organiser)
    before = AuditEvent.objects.count()
    response = client.post(f"/organise/team/{petition.organisation.pk}/webhooks", {"url": url})
    assert response.status_code == 400
    assert "Enter an address on the public internet" in response.content.decode()
    assert not Webhook.objects.exists() and AuditEvent.objects.count() == before
    # One stored before the rule (or whose name now points inside) is not sent to.
    Webhook.objects.create(organisation=petition.organisation, url=receiver.url, secret=SECRET)
    signer()
    assert send() == 0
    assert receiver.received == []
    delivery = Delivery.objects.get()
    assert delivery.delivered_at is None and "private network" in delivery.last_error
