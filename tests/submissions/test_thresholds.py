from signme.mailing.models import OutboundEmail
from signme.mailing.outbox import deliver_all
from signme.petitions.counting import record_thresholds
from signme.petitions.models import ThresholdReached
from signme.web.events import refresh_counts

from .conftest import add_signature


def test_crossing_a_threshold_emails_the_organisers_once(petition, organiser, smtp):
    for i in range(20):
        add_signature(petition, i)
    refresh_counts()
    refresh_counts()
    assert ThresholdReached.objects.filter(petition=petition).count() == 1
    rows = OutboundEmail.objects.filter(kind="threshold_reached")
    assert [r.to for r in rows] == ["organiser@example.org"]
    deliver_all()
    (message,) = smtp.mailbox.wait_for(1)
    assert message["Subject"] == "Petition 1500 reached 20 signatures"
    body = message.get_body(("plain",)).get_content()
    assert "the council must accept and respond to it" in body
    assert "/organise/petitions/1500/" in body


def test_below_a_threshold_nobody_is_emailed(petition, organiser):
    for i in range(19):
        add_signature(petition, i)
    assert record_thresholds(petition) == []
    assert not OutboundEmail.objects.filter(kind="threshold_reached").exists()


def test_public_page_says_what_happens_next_once_a_threshold_is_reached(client, petition):
    for i in range(20):
        add_signature(petition, i)
    refresh_counts()
    html = client.get("/petitions/1500/").content.decode()
    assert "What happens next" in html
    assert "This petition reached 20 signatures on" in html
    assert "the council must accept and respond to it" in html
    assert "The organisers hand the petition to Norfolk County Council." in html
