"""Erasure for a person who signed petitions of two organisations: each
organisation's log and the request's outcome speak only of its own."""

import re

import pytest

from signme.audit.models import AuditEvent
from signme.mailing.outbox import deliver_all
from signme.people.models import RightsRequest
from signme.petitions.models import Organisation, Petition, PrivacyNotice, Signature


@pytest.fixture
def other_petition(outsider):
    """Petition 77 of Other Campaign, open for signatures."""
    petition = Petition.objects.get(number=77)
    petition.status = Petition.Status.OPEN
    petition.save()
    PrivacyNotice.publish(petition, "Other Campaign keeps your details until the petition ends.")
    return petition


@pytest.fixture
def third_petition(petition):
    """A second petition of the demo organisation, so it holds two signatures."""
    third = Petition.objects.create(
        number=1501,
        organisation=petition.organisation,
        target=petition.target,
        title="Keep the library open",
        statement="keep the library open",
        status=Petition.Status.OPEN,
    )
    PrivacyNotice.publish(third, "We keep your details until the petition ends.")
    return third


def test_each_organisation_is_told_only_of_its_own_erased_signatures(
    client, signer, smtp, petition, other_petition, third_petition, organiser, outsider
):
    signer()
    signer(number=1501)
    signer(number=77)
    client.post("/your-data/", {"email": "sian.evans@example.org"})
    deliver_all()
    text = smtp.mailbox.wait_for(1)[0].get_body(("plain",)).get_content()
    link = re.search(r"https?://[^/\s]+(/your-data/\S+)", text).group(1)

    assert client.post(link + "/erase", {"confirm": "on"}).status_code == 303

    assert Signature.objects.filter(erased_at=None).count() == 0
    demo, other = petition.organisation, Organisation.objects.get(name="Other Campaign")
    erased = {
        e.organisation_id: (e.count, e.subject) for e in AuditEvent.objects.filter(action="erase")
    }
    assert erased[demo.pk][0] == 2 and "2 signature(s)" in erased[demo.pk][1]
    assert erased[other.pk][0] == 1 and "1 signature(s)" in erased[other.pk][1]
    outcome = RightsRequest.objects.get().outcome
    assert "erasure" in outcome and "3" not in outcome.split("erasure", 1)[1]

    client.force_login(outsider)
    page = client.get("/organise/requests/").content.decode()
    assert "erasure: personal data erased" in page
    assert "3 signature" not in page and "2 signature" not in page
