"""The signing form's limit per client address, through the view."""

from signme.mailing.models import OutboundEmail
from signme.petitions.models import Signature
from signme.petitions.signing import take_in
from tests.conftest import signer_data


def test_the_31st_signature_in_a_minute_gets_429_and_nothing_is_stored(sign, settings):
    assert settings.SIGN_RATE_LIMIT == 30
    for i in range(30):
        assert sign(email=f"p{i}@example.org").status_code == 303
    emails = OutboundEmail.objects.count()

    response = sign(email="one.too.many@example.org")

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Too many signatures from your network" in response.content.decode()
    assert Signature.objects.count() == 30
    assert not Signature.objects.filter(email="one.too.many@example.org").exists()
    assert OutboundEmail.objects.count() == emails


def test_another_address_can_still_sign_meanwhile(client, petition, settings):
    settings.SIGN_RATE_LIMIT = 2
    settings.TRUSTED_PROXY_COUNT = 1

    def sign_from(address, email):
        data = signer_data(petition, email=email)
        response = client.post("/petitions/1500/sign", data, HTTP_X_FORWARDED_FOR=address)
        take_in()
        return response

    codes = [sign_from("203.0.113.9", f"p{i}@example.org").status_code for i in range(3)]
    assert codes == [303, 303, 429]
    assert sign_from("203.0.113.10", "neighbour@example.org").status_code == 303
    assert Signature.objects.count() == 3


def test_wrong_forms_count_against_the_limit_too(sign, settings):
    settings.SIGN_RATE_LIMIT = 3
    wrong = [sign(email="not an address").status_code for _ in range(3)]
    assert wrong == [400, 400, 400]

    response = sign(email="right@example.org")

    assert response.status_code == 429
    assert "Nothing was saved" in response.content.decode()
    assert Signature.objects.count() == 0
