"""The sheet's "Yes" column, printed when the scheme asks who may sign, is
typed up too: a tick there counts as the online form's answer would, and an
empty box is no answer, as on a sheet without the column."""

import pytest

from signme.paper.transcription import RowForm
from signme.petitions.models import Signature
from tests.geography.conftest import load_directory

from .test_transcribe import row, url

OUTSIDE = "ZY99 3AE"  # in the synthetic directory, outside Testshire


@pytest.fixture
def testshire(db, petition):
    """Only the people of Testshire count (no question of the scheme's own)."""
    load_directory()
    petition.target.eligible_areas = "E10999991"
    petition.target.eligibility_question = ""
    petition.target.save()
    return petition


@pytest.fixture
def typist(client, organiser):
    client.force_login(organiser)
    return organiser


def _typed(client, sheet, n, **fields) -> Signature:
    assert client.post(url(sheet, f"rows/{n}"), row(n, **fields)).status_code == 303
    return Signature.objects.get(sheet=sheet, sheet_row=n)


def test_a_tick_from_someone_living_outside_says_they_work_or_study_there(
    client, typist, testshire, returned
):
    ticked = _typed(client, returned, 1, postcode=OUTSIDE, eligible="on")
    assert (ticked.eligible, ticked.works_or_studies_in_area) == (True, True)
    assert ticked.validity == "counted"
    # No tick: their address is all there is to go on, as before the column.
    empty = _typed(client, returned, 2, name="Ann Other", postcode=OUTSIDE)
    assert (empty.eligible, empty.works_or_studies_in_area) == (None, False)
    assert (empty.validity, empty.validity_reason) == ("not_eligible", "outside_area")


def test_a_tick_answers_the_schemes_own_question_and_an_empty_box_is_no_answer(
    client, typist, returned, petition
):
    petition.target.eligibility_question = "Are you 16 or over?"
    petition.target.save()
    ticked = _typed(client, returned, 1, eligible="on", tick_sms="on")
    empty = _typed(client, returned, 2, name="Ann Other")
    assert (ticked.eligible, ticked.works_or_studies_in_area) == (True, False)
    assert empty.eligible is None
    assert ticked.validity == empty.validity == "counted"
    page = client.get(url(returned)).content.decode()
    assert "ticked: yes, eligible, text" in page
    welsh = client.get(url(returned), HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert "wedi ticio: ydy, yn gymwys, testun" in welsh


def test_the_column_is_offered_only_when_the_scheme_asks(petition):
    petition.target.eligibility_question = ""
    petition.target.eligible_areas = ""
    assert "eligible" not in RowForm(petition=petition, row=1).fields
    petition.target.eligibility_question = "Are you 16 or over?"
    form = RowForm(petition=petition, row=1)
    assert [f.name for f in form.tick_fields()][:2] == ["eligible", "tick_email"]


def test_the_typing_page_shows_the_yes_column_in_the_sheets_order(
    client, typist, returned, petition
):
    petition.target.eligibility_question = "Are you 16 or over?"
    petition.target.save()
    html = client.get(url(returned)).content.decode()
    assert 'name="r1-eligible"' in html
    assert html.index('name="r1-eligible"') < html.index('name="r1-tick_email"')
