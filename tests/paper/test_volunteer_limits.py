"""What a volunteer typing up sheets may do: act on their own rows only."""

import pytest
from django.contrib.auth import get_user_model

from signme.paper.models import RowMark
from signme.petitions.models import Consent, Membership, Signature

from .test_transcribe import row, url


@pytest.fixture
def other_volunteer(petition):
    """A second volunteer on the same petition."""
    user = get_user_model().objects.create_user("volunteer2@example.org", password="vol-pass-2")
    membership = Membership.objects.create(
        user=user, organisation=petition.organisation, role=Membership.Role.VOLUNTEER
    )
    membership.petitions.add(petition)
    return user


@pytest.fixture
def typed_by_volunteer(client, volunteer, returned):
    """Row 1 signed and row 2 marked blank, by the first volunteer."""
    client.force_login(volunteer)
    assert client.post(url(returned, "rows/1"), row(1, name="Mary Brown")).status_code == 303
    assert client.post(url(returned, "rows/2"), {"r2-mark": "b"}).status_code == 303
    client.logout()
    return returned


def rows_on_record():
    return (
        list(Signature.objects.order_by("pk").values()),
        list(Consent.objects.order_by("pk").values()),
        list(RowMark.objects.order_by("pk").values()),
    )


# --- Undo ---------------------------------------------------------------------


def test_volunteer_cannot_undo_a_row_another_volunteer_typed(
    client, other_volunteer, typed_by_volunteer
):
    sheet = typed_by_volunteer
    before = rows_on_record()
    client.force_login(other_volunteer)
    assert client.post(url(sheet, "rows/1/undo")).status_code == 404
    assert client.post(url(sheet, "rows/2/undo")).status_code == 404
    assert client.post(url(sheet, "rows/3/undo")).status_code == 404  # nothing typed there
    assert rows_on_record() == before
    html = client.get(url(sheet)).content.decode()
    assert "Saved by another person" in html and "Mary Brown" not in html
    assert "/rows/1/undo" not in html and "/rows/2/undo" not in html


def test_volunteer_undoes_their_own_rows(client, volunteer, typed_by_volunteer):
    sheet = typed_by_volunteer
    client.force_login(volunteer)
    html = client.get(url(sheet)).content.decode()
    assert "/rows/1/undo" in html and "/rows/2/undo" in html
    assert client.post(url(sheet, "rows/1/undo")).status_code == 303
    assert client.post(url(sheet, "rows/2/undo")).status_code == 303
    assert not Signature.objects.exists() and not RowMark.objects.exists()


def test_organiser_undoes_a_row_any_volunteer_typed(client, organiser, typed_by_volunteer):
    sheet = typed_by_volunteer
    client.force_login(organiser)
    html = client.get(url(sheet)).content.decode()
    assert "Mary Brown" in html and "/rows/1/undo" in html and "/rows/2/undo" in html
    assert client.post(url(sheet, "rows/1/undo")).status_code == 303
    assert client.post(url(sheet, "rows/2/undo")).status_code == 303
    assert not Signature.objects.exists() and not RowMark.objects.exists()


def test_outsider_cannot_undo_any_row(client, outsider, typed_by_volunteer):
    before = rows_on_record()
    client.force_login(outsider)
    assert client.post(url(typed_by_volunteer, "rows/1/undo")).status_code == 404
    assert rows_on_record() == before
