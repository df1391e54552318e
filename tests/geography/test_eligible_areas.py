"""A scheme may name the areas whose people count. A signer whose postcode
lies outside them is told before signing, and is recorded as not eligible
unless they say they work or study there."""

import pytest

from signme.petitions.models import Signature
from signme.petitions.validity import settle
from tests.conftest import settle_verified


@pytest.fixture
def testshire(directory, petition):
    petition.target.eligible_areas = "e10999991"  # Testshire, the county
    petition.target.save()
    return petition


def test_the_scheme_keeps_its_codes_tidy_and_refuses_what_is_not_one(petition):
    target = petition.target
    target.eligible_areas = " e10999991,E07999993 "
    target.save()
    assert target.eligible_areas == "E10999991, E07999993"
    target.eligible_areas = "E10999991, Norfolk"
    with pytest.raises(Exception, match="Norfolk: a GSS code is a letter and eight digits"):
        target.full_clean()


def test_a_signer_inside_the_area_counts(testshire, signer):
    assert signer(postcode="ZY99 1AB").validity == "counted"


def test_a_signer_outside_is_warned_and_nothing_is_stored(testshire, sign):
    response = sign(postcode="ZY99 3AE")
    assert response.status_code == 400
    text = response.content.decode()
    assert "ZY99 3AE is not in Testshire" in text
    assert "I do not live in Testshire but I work or study there" in text
    assert "Sign anyway, knowing my signature is recorded but not counted" in text
    assert not Signature.objects.exists()


def test_a_signer_outside_who_signs_anyway_is_recorded_not_eligible(testshire, signer):
    signature = signer(postcode="ZY99 3AE", outside_area_ok="on")
    assert (signature.validity, signature.validity_reason) == ("not_eligible", "outside_area")


def test_a_signer_outside_who_works_or_studies_there_counts(testshire, signer):
    signature = signer(postcode="ZY99 3AE", works_or_studies_in_area="on")
    assert signature.works_or_studies_in_area
    assert signature.validity == "counted"


def test_an_unknown_postcode_is_no_evidence_of_living_outside(testshire, signer):
    assert signer(postcode="NR1 2DH").validity == "counted"


def test_a_terminated_postcode_is_judged_by_its_last_areas(testshire, signer):
    assert signer(postcode="ZY99 2AD").validity == "counted"  # still Testshire


def test_any_area_type_can_be_the_eligible_one(directory, petition, signer):
    petition.target.eligible_areas = "E14999992"  # a constituency
    petition.target.save()
    assert signer(postcode="ZY99 3AE", email="a@example.org").validity == "counted"
    holt = signer(postcode="NR25 6BW", email="b@example.org", outside_area_ok="on")
    assert holt.validity == "not_eligible"


def test_changing_the_areas_and_settling_again_moves_the_signature(testshire, signer):
    signature = signer(postcode="ZY99 3AE", outside_area_ok="on")
    testshire.target.eligible_areas = "E10999991, E07999993"  # and Otherham
    testshire.target.save()
    settle(Signature.objects.filter(pk=signature.pk))
    signature.refresh_from_db()
    assert signature.validity == "counted"


def test_without_eligible_areas_nobody_is_outside(directory, petition, signer):
    assert signer(postcode="ZY99 4AF").validity == "counted"


def test_a_typed_paper_row_outside_the_area_is_not_eligible(testshire, petition):
    signature = Signature.objects.create(
        petition=petition,
        name="Row",
        source="paper",
        postcode="ZY99 3AE",
        postcode_found="found",
        area_district="E07999993",
        notice=petition.current_notice,
    )
    settle_verified(Signature.objects.filter(pk=signature.pk))
    signature.refresh_from_db()
    assert signature.validity_reason == "outside_area"
