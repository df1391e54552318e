"""Who may be emailed: the consent rule per person and channel, the suppression list."""

from datetime import timedelta

import pytest
from django.utils import timezone

from signme.lib.phones import normalise_phone
from signme.people.contact import current_consents, email_recipients, may_contact
from signme.people.models import Suppression
from signme.people.suppression import is_suppressed, suppress
from signme.petitions.models import Consent, Signature


def _consent(signature, given, mechanism, **kw):
    return Consent.objects.create(
        signature=signature,
        organisation=signature.petition.organisation,
        channel="email",
        given=given,
        wording="w",
        mechanism=mechanism,
        **{"created_at": timezone.now(), **kw},
    )


def test_a_later_withdrawal_wins_over_an_earlier_consent(signer):
    s = signer()
    org = s.petition.organisation
    assert current_consents(org, s.email_canonical)["email"].given
    _consent(s, False, "unsubscribe")
    assert not current_consents(org, s.email_canonical)["email"].given
    assert not may_contact(org, s.email_canonical, "email")


def _agreed(signature) -> bool:
    """The three readers of the rule, which must never disagree."""
    org = signature.petition.organisation
    canonical = signature.email_canonical
    deciding = current_consents(org, canonical)["email"]
    answers = {
        bool(deciding and deciding.given),
        may_contact(org, canonical, "email"),
        any(r.signature_id == signature.pk for r in email_recipients(signature.petition)),
    }
    assert len(answers) == 1, "current_consents, may_contact and email_recipients disagree"
    return answers.pop()


@pytest.mark.parametrize(
    "given, mechanism, contact",
    [
        (False, "web", True),  # an unticked box on a later form
        (False, "paper", True),  # an unticked paper column
        (False, "import", True),  # an import with the column empty
        (False, "unsubscribe", False),
        (False, "request", False),
        (False, "staff", False),  # a signed withdrawal staff recorded
        (True, "staff", True),
    ],
)
def test_only_an_explicit_act_takes_consent_back(signer, given, mechanism, contact):
    s = signer()
    _consent(s, given, mechanism)
    assert _agreed(s) is contact


@pytest.mark.parametrize("mechanism", ["web", "paper", "import", "staff"])
def test_a_tick_after_a_withdrawal_grants_again(signer, mechanism):
    s = signer()
    _consent(s, False, "request")
    assert _agreed(s) is False
    _consent(s, True, mechanism, created_at=timezone.now() + timedelta(seconds=1))
    assert _agreed(s) is True


def test_someone_who_never_ticked_is_not_contacted(signer):
    s = signer(consent=False)
    assert current_consents(s.petition.organisation, s.email_canonical)["email"] is None
    assert _agreed(s) is False


def test_a_paper_tick_typed_by_a_volunteer_counts_as_consent(signer, volunteer):
    s = signer(consent=False)
    assert list(email_recipients(s.petition)) == []
    _consent(s, True, "paper", recorded_by=volunteer)
    [r] = email_recipients(s.petition)
    assert r.signature_id == s.pk


def test_recipients_are_verified_consenting_people_once_each(signer, sign, petition):
    a = signer("a@example.org")
    signer("b@example.org", consent=False)
    sign(email="pending@example.org", consent_email="on")  # never confirmed
    erased = signer("c@example.org")
    Signature.objects.filter(pk=erased.pk).update(erased_at=timezone.now())
    suppressed = signer("d@example.org")
    suppress(petition.organisation, "objected", email="d@example.org")
    got = [r.email for r in email_recipients(petition, chunk=2)]
    assert got == [a.email]
    assert suppressed.email not in got


def test_recipients_can_resume_after_a_signature_id(signer, petition):
    a, b = signer("a@example.org"), signer("b@example.org")
    assert [r.signature_id for r in email_recipients(petition, after=a.pk)] == [b.pk]


def test_a_suppressed_person_in_an_import_is_never_emailed(signer, petition):
    s = signer("e.f@gmail.com", consent=False)
    suppress(petition.organisation, "erased", email="ef@googlemail.com")
    _consent(s, True, "import")  # a later list brings them back with a tick
    assert list(email_recipients(petition)) == []
    assert not may_contact(petition.organisation, s.email_canonical, "email")


def test_the_suppression_list_holds_no_addresses(petition):
    suppress(petition.organisation, "objected", email="Sian@Example.org", phone="07700 900123")
    rows = list(Suppression.objects.values_list("digest", flat=True))
    assert len(rows) == 2
    assert all("sian" not in d.lower() and "7700" not in d for d in rows)
    assert is_suppressed(petition.organisation, phone="+44 7700 900123")
    assert is_suppressed(petition.organisation, email="sian@example.org", channel="sms")


def test_phone_numbers_are_normalised():
    assert normalise_phone("07700 900123") == normalise_phone(
        "+44 (0)7700900123".replace("(0)", "")
    )
    assert normalise_phone("0044 7700 900123") == "+447700900123"
    assert normalise_phone("") == ""
