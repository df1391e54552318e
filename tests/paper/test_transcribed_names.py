"""Names typed up from a sheet pass the same check as names signed online."""

import pytest

from signme.petitions.models import Consent, Signature
from tests.paper.test_transcribe import row, url


@pytest.fixture
def typist(client, volunteer):
    client.force_login(volunteer)
    return volunteer


def test_a_volunteer_typing_an_emoji_name_from_a_sheet_keeps_it(client, typist, returned):
    name = "Ana \U0001f469\U0001f3fd\u200d\U0001f9b0 Lee"
    response = client.post(url(returned, "rows/1"), row(1, name=name))
    assert response.status_code == 303
    assert Signature.objects.get().name == name


@pytest.mark.parametrize(
    "name, message",
    [
        ("\u3164", "The name has no letters or numbers that can be read"),
        ("Ana\u200bLee", "The name contains characters that cannot be printed"),
    ],
)
def test_a_volunteer_typing_an_invisible_name_is_refused_and_nothing_is_stored(
    client, typist, returned, name, message
):
    response = client.post(url(returned, "rows/1"), row(1, name=name))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Signature.objects.exists() and not Consent.objects.exists()
