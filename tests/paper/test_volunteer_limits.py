"""What a volunteer typing up sheets may do and learn: their own rows only, and
never who else signed."""

import pytest
from django.contrib.auth import get_user_model

from signme.paper.models import RowMark
from signme.petitions.counting import get_counts
from signme.petitions.models import Consent, Membership, Signature
from signme.petitions.validity import settle

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


# --- Possible duplicates --------------------------------------------------------

OTHER = {"name": "Pat Green", "email": "Mary.Brown@gmail.com", "postcode": "NR1 1AA"}


@pytest.fixture
def online_signer(sign):
    """Someone who signed online, with details the volunteer must not learn."""

    def _online_signer(status="verified"):
        assert sign(**OTHER, address="2 Elm Road, Norwich").status_code == 303
        signature = Signature.objects.get(email_canonical="marybrown@gmail.com")
        Signature.objects.filter(pk=signature.pk).update(status=status)
        settle(Signature.objects.filter(pk=signature.pk))
        return signature

    return _online_signer


def same_email_row():
    # The email as the volunteer reads it off the sheet: the same person by
    # canonical email, but written differently from the online signer's.
    return row(1, name="Mary Brown", email="marybrown@googlemail.com")


def assert_nothing_of_the_other_signer(html):
    for detail in ("Pat Green", "NR1 1AA", "Mary.Brown@gmail.com", "marybrown@gmail.com"):
        assert detail not in html, detail
    assert "This may be someone who has already signed" not in html


def test_volunteer_is_told_only_that_a_row_looks_like_someone_already_counted(
    client, volunteer, returned, online_signer
):
    online = online_signer()
    client.force_login(volunteer)
    response = client.post(url(returned, "rows/1"), same_email_row())
    assert response.status_code == 303
    assert_nothing_of_the_other_signer(response.content.decode())
    html = client.get(response["Location"]).content.decode()
    assert (
        "Row 1: this looks like someone already counted. The row is kept, counted once, "
        "for an organiser to review." in html
    )
    assert_nothing_of_the_other_signer(html)
    paper = Signature.objects.get(source="paper")
    assert paper.status == "duplicate" and paper.duplicate_of == online
    client.post(url(returned, "complete"))
    assert get_counts(returned.petition_id).total == 1


def test_volunteer_cannot_declare_a_match_different_people(
    client, volunteer, returned, online_signer
):
    online_signer()
    client.force_login(volunteer)
    response = client.post(url(returned, "rows/1"), {**same_email_row(), "decision": "different"})
    assert response.status_code == 303
    assert Signature.objects.get(source="paper").status == "duplicate"


def test_volunteer_learns_nothing_from_a_name_and_postcode_match(
    client, organiser, volunteer, returned
):
    client.force_login(organiser)
    client.post(url(returned, "rows/1"), row(1, name="Siân Evans", email="sian@example.org"))
    client.force_login(volunteer)
    response = client.post(url(returned, "rows/2"), row(2, name="SIAN EVANS", email=""))
    html = client.get(response["Location"]).content.decode()
    assert "this looks like someone already counted" in html
    assert "Siân Evans" not in html and "sian@example.org" not in html
    assert "on paper, sheet" not in html


def test_volunteer_row_replacing_an_unconfirmed_online_signature_names_no_one(
    client, volunteer, returned, online_signer
):
    online = online_signer(status="pending")
    client.force_login(volunteer)
    response = client.post(url(returned, "rows/1"), same_email_row())
    html = client.get(response["Location"]).content.decode()
    assert "this looks like someone already counted" in html
    assert_nothing_of_the_other_signer(html)
    online.refresh_from_db()
    paper = Signature.objects.get(source="paper")
    assert paper.status == "verified" and online.duplicate_of == paper


def test_organiser_still_sees_the_match_and_decides(client, organiser, returned, online_signer):
    online_signer()
    client.force_login(organiser)
    response = client.post(url(returned, "rows/1"), same_email_row())
    assert response.status_code == 409
    html = response.content.decode()
    assert "This may be someone who has already signed" in html
    assert "Pat Green, NR1 1AA: online" in html and "(same email)" in html
    assert not Signature.objects.filter(source="paper").exists()
    response = client.post(url(returned, "rows/1"), {**same_email_row(), "decision": "different"})
    assert response.status_code == 303
    assert Signature.objects.get(source="paper").status == "verified"


def test_organiser_reviews_what_a_volunteer_kept(
    client, organiser, volunteer, returned, online_signer
):
    online_signer()
    client.force_login(volunteer)
    client.post(url(returned, "rows/1"), same_email_row())
    assert_nothing_of_the_other_signer(client.get(url(returned)).content.decode())

    client.force_login(organiser)
    html = client.get(url(returned)).content.decode()
    assert "duplicate, counted once</strong>, of Pat Green, NR1 1AA: online" in html
    # Not the same person after all: undo, and type it again as different people.
    assert client.post(url(returned, "rows/1/undo")).status_code == 303
    client.post(url(returned, "rows/1"), {**same_email_row(), "decision": "different"})
    client.post(url(returned, "complete"))
    assert get_counts(returned.petition_id).total == 2


def test_organiser_sees_which_unconfirmed_signature_a_volunteer_row_replaced(
    client, organiser, volunteer, returned, online_signer
):
    online_signer(status="pending")
    client.force_login(volunteer)
    client.post(url(returned, "rows/1"), same_email_row())
    client.force_login(organiser)
    html = client.get(url(returned)).content.decode()
    assert "replaces the unconfirmed online signature of Pat Green, NR1 1AA: online" in html
