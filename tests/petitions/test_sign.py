"""POST /petitions/<number>/sign: what is stored, and what is refused."""

import re
import time

import pytest
from django.utils import timezone

from signme.lib.tokens import make_token
from signme.mailing.models import OutboundEmail
from signme.mailing.outbox import deliver_all
from signme.petitions.models import Consent, Petition, Sheet, Signature, SignatureIntake
from signme.petitions.signing import take_in
from tests.conftest import settle_verified, signer_data


def stored():
    """Everything a signature touches, to show that a refusal changed nothing."""
    return (
        list(Signature.objects.values_list("id", "name", "status")),
        Consent.objects.count(),
        OutboundEmail.objects.count(),
    )


def test_a_valid_signature_is_stored_pending_with_consents_and_a_confirmation_email(sign):
    response = sign(consent_email="on", consent_post="on")
    assert response.status_code == 303
    assert response["Location"] == "/petitions/1500/signed"

    signature = Signature.objects.get()
    assert signature.status == Signature.Status.PENDING
    assert signature.name == "Siân Evans"
    assert signature.postcode == "NR25 6BW"
    assert signature.email_canonical == "sian.evans@example.org"
    assert signature.source == Signature.Source.WEB
    assert signature.eligible is True
    assert signature.notice == signature.petition.current_notice

    consents = {c.channel: c for c in signature.consents.all()}
    assert set(consents) == {"email", "sms", "phone", "post"}
    assert consents["email"].given and consents["post"].given
    assert not consents["sms"].given and not consents["phone"].given
    assert "may email me" in consents["email"].wording
    assert signature.petition.organisation.name in consents["email"].wording
    assert consents["email"].mechanism == Consent.Mechanism.WEB
    assert consents["email"].notice == signature.notice

    email = OutboundEmail.objects.get()
    assert email.kind == "confirm_signature" and email.signature == signature
    assert email.to == "sian.evans@example.org"


def test_consent_boxes_start_unticked_and_each_input_is_labelled(client, petition):
    html = client.get("/petitions/1500/").content.decode()
    for channel in ["email", "sms", "phone", "post"]:
        assert f'name="consent_{channel}"' in html
        assert f'<label for="id_consent_{channel}">' in html
    assert "checked" not in html
    for name, autocomplete in [
        ("name", "name"),
        ("email", "email"),
        ("address", "street-address"),
        ("postcode", "postal-code"),
    ]:
        assert f'<label for="id_{name}">' in html
        assert f'autocomplete="{autocomplete}"' in html
    assert "Do you live, work or study in Norfolk?" in html


def test_page_shows_statement_count_threshold_notice_and_imprint(client, petition):
    response = client.get("/petitions/1500/")
    html = response.content.decode()
    assert "We, the undersigned, petition Norfolk County Council to stop their proposals" in html
    assert "Published and promoted by Steffan Aquarone" in html
    assert petition.current_notice.code in html
    assert "20 more needed to reach 20" in re.sub(r"<[^>]+>", "", html)
    assert "/petitions/1500/qr.svg" in html
    assert response["Cache-Control"].startswith("public, max-age=")
    assert "stale-while-revalidate" in response["Cache-Control"]


def test_short_link_redirects_to_the_petition_and_keeps_the_sheet(client, petition):
    response = client.get("/1500?sheet=S1500-0001")
    assert response.status_code == 302
    assert response["Location"] == "/petitions/1500/?sheet=S1500-0001"


def test_a_sheet_s_qr_link_fills_in_its_sheet_and_made_up_sheets_get_the_usual_page(
    client, petition
):
    Sheet.objects.create(petition=petition, serial="S1500-000001")
    from_sheet = client.get("/petitions/1500/?sheet=s1500-1").content.decode()
    assert 'value="S1500-000001"' in from_sheet
    usual = client.get("/petitions/1500/").content
    for made_up in ["S1500-999999", "S77-000001", "junk\x00", "x" * 500, "S1500-000001&a=1"]:
        # The page everyone gets, from the cache: no page rendered per value.
        assert client.get("/petitions/1500/", {"sheet": made_up}).content == usual


@pytest.mark.parametrize(
    "name", ["Siân Evans", "Zoë Brontë", "Nguyễn Văn An", "李小龍", "Seán O'Brien"]
)
def test_names_in_any_script_are_stored_exactly(sign, name):
    assert sign(name=name).status_code == 303
    assert Signature.objects.get().name == name


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("name", "", "Enter your full name"),
        ("name", "x" * 201, "Your name must be 200 characters or fewer"),
        ("email", "", "Enter your email address"),
        ("email", "not-an-email", "Enter an email address in the correct format"),
        ("email", "a@b", "Enter an email address in the correct format"),
        ("address", "", "Enter your address"),
        ("address", "y" * 301, "Your address must be 300 characters or fewer"),
        ("postcode", "", "Enter your postcode"),
        ("postcode", "NR1", "Enter a real UK postcode"),
        ("postcode", "ZZ99 9ZZ!", "Enter a real UK postcode"),
        (
            "eligible",
            None,
            "Select yes if you live, work or study in Norfolk, or no if you do not",
        ),
        ("eligible", "maybe", "Select yes or no"),
        ("name", "<script>alert(1)</script>", "Your name cannot contain &lt; or &gt;"),
        ("name", "Bad\x07Name", "cannot be printed"),
        ("name", "Bad\x00Name", "Null characters are not allowed"),
    ],
)
def test_bad_input_gets_a_clear_message_and_stores_nothing(sign, field, value, message):
    sign(email="first@example.org")  # something already stored, which must not change
    before = stored()
    response = sign(**{"email": "second@example.org", field: value})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert f'href="#id_{field}"' in html  # the summary links to the field
    assert stored() == before


def test_html_in_fields_is_shown_escaped_never_run(sign):
    response = sign(name="<script>alert(1)</script>", address="<b>bold</b>")
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html
    assert Signature.objects.count() == 0


def test_postcode_is_normalised(sign):
    sign(postcode=" nr12dh ")
    assert Signature.objects.get().postcode == "NR1 2DH"


def test_sms_consent_without_a_phone_number_is_refused(sign):
    response = sign(consent_sms="on")
    assert response.status_code == 400
    assert "Enter a phone number, or untick text messages" in response.content.decode()
    assert Signature.objects.count() == 0


def test_same_person_signing_again_is_never_a_second_signature(sign):
    first = sign(email="Jo.Bloggs@gmail.com")
    again = sign(email="jobloggs+petition@googlemail.com", name="Jo B")
    assert first.status_code == again.status_code == 303
    assert first["Location"] == again["Location"]  # the page does not reveal it
    assert Signature.objects.count() == 1
    assert Signature.objects.get().name == "Siân Evans"


def test_double_submission_stores_one_signature_and_sends_one_email(sign, smtp):
    sign()
    sign()
    assert Signature.objects.count() == 1
    deliver_all()
    assert len(smtp.mailbox.received()) == 1


def test_signing_again_after_confirming_sends_nothing(sign, smtp):
    sign()
    settle_verified(Signature.objects.all())
    OutboundEmail.objects.all().delete()
    sign()
    deliver_all()
    assert smtp.mailbox.received() == []


def test_unknown_petition_is_404(client, petition):
    assert client.get("/petitions/9999/").status_code == 404
    response = client.post("/petitions/9999/sign", signer_data(petition))
    assert response.status_code == 404


def test_missing_form_token_is_refused_and_stores_nothing(sign):
    response = sign(form_token=None)
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
    assert Signature.objects.count() == 0


def test_forged_form_token_is_refused(sign):
    response = sign(form_token="1500:forged:signature")
    assert response.status_code == 403
    assert Signature.objects.count() == 0


def test_a_post_from_another_website_is_refused(client, petition):
    data = signer_data(petition)
    response = client.post("/petitions/1500/sign", data, HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 403
    response = client.post("/petitions/1500/sign", data, HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert "another website" in response.content.decode()
    assert Signature.objects.count() == 0 and SignatureIntake.objects.count() == 0


def test_closed_petition_accepts_nothing_and_says_so(client, sign, petition):
    petition.status = Petition.Status.CLOSED
    petition.save()
    page = client.get("/petitions/1500/").content.decode()
    assert 'action="/petitions/1500/sign"' not in page
    assert "is closed" in page
    response = sign()
    assert response.status_code == 403
    assert Signature.objects.count() == 0


def test_draft_petition_is_not_found_and_accepts_nothing(client, sign, petition):
    # tests/test_drafts_and_private_pages.py covers what its staff see.
    petition.status = Petition.Status.DRAFT
    petition.save()
    assert client.get("/petitions/1500/").status_code == 404
    assert sign().status_code == 404
    assert Signature.objects.count() == 0


def test_petition_past_its_closing_date_accepts_nothing(sign, petition):
    petition.closes_at = timezone.now() - timezone.timedelta(minutes=1)
    petition.save()
    assert sign().status_code == 403
    assert Signature.objects.count() == 0


def test_one_address_hammering_the_form_is_slowed(sign, settings):
    settings.SIGN_RATE_LIMIT = 3
    codes = [sign(email=f"p{i}@example.org").status_code for i in range(5)]
    assert codes == [303, 303, 303, 429, 429]
    assert Signature.objects.count() == 3


def test_a_surge_from_many_addresses_passes_the_rate_limit(client, petition, settings):
    settings.SIGN_RATE_LIMIT = 3
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(10):
        response = client.post(
            "/petitions/1500/sign",
            signer_data(petition, email=f"p{i}@example.org"),
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
        )
        assert response.status_code == 303
    assert take_in() == 10
    assert Signature.objects.count() == 10


def test_signature_through_a_sheet_qr_code_is_attributed_to_the_sheet(sign, petition):
    sheet = Sheet.objects.create(petition=petition, serial="S1500-0001")
    sign(sheet="s1500-0001")
    signature = Signature.objects.get()
    assert signature.sheet == sheet
    assert signature.source == Signature.Source.WEB


def test_no_personal_data_in_the_redirect_or_logs(sign, caplog):
    caplog.set_level("DEBUG")
    response = sign(email="private.person@example.org", name="Private Person")
    assert "private" not in response["Location"].lower()
    assert "private.person" not in caplog.text
    assert "Private Person" not in caplog.text


def test_link_checkers_may_ask_for_the_printed_short_link_with_head(client, petition):
    response = client.head("/1500")
    assert response.status_code == 302
    assert client.head("/petitions/1500/").status_code == 200
    assert client.head("/petitions/1500/sheet.pdf").status_code == 200


def _token(petition, seconds_ago: float) -> str:
    return make_token("signform", [petition.number, int((time.time() - seconds_ago) * 1000)])


def test_a_form_sent_within_a_second_is_held_for_review_not_refused(client, petition):
    data = signer_data(petition, form_token=_token(petition, 0.1))
    assert (
        client.post("/petitions/1500/sign", data, HTTP_SEC_FETCH_SITE="same-origin").status_code
        == 303
    )
    take_in()
    signature = Signature.objects.get()
    assert signature.flagged == "too_fast"
    settle_verified(Signature.objects.all())
    signature.refresh_from_db()
    assert signature.validity == Signature.Validity.REVIEW


def test_a_form_filled_in_at_a_person_s_pace_is_not_flagged(client, petition):
    data = signer_data(petition, form_token=_token(petition, 20))
    assert (
        client.post("/petitions/1500/sign", data, HTTP_SEC_FETCH_SITE="same-origin").status_code
        == 303
    )
    take_in()
    settle_verified(Signature.objects.all())
    signature = Signature.objects.get()
    assert signature.flagged == "" and signature.validity == Signature.Validity.COUNTED


def test_the_hidden_field_filled_in_holds_the_signature_for_review(client, petition):
    data = signer_data(petition, website="http://cheap-pills.example")
    assert (
        client.post("/petitions/1500/sign", data, HTTP_SEC_FETCH_SITE="same-origin").status_code
        == 303
    )
    take_in()
    assert Signature.objects.get().flagged == "honeypot"


def test_a_form_token_from_another_petition_is_refused_and_nothing_is_stored(client, petition):
    data = signer_data(petition)
    data["form_token"] = make_token("signform", [9999, int(time.time() * 1000) - 20000])
    response = client.post("/petitions/1500/sign", data, HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 403
    assert not Signature.objects.exists() and not SignatureIntake.objects.exists()
