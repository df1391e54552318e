"""Every signature gets the areas of its postcode when it is signed, online
or typed up from paper; a terminated postcode still places it, an unknown one
is kept and flagged."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from signme.geography.models import Postcode
from signme.paper.sheets import issue_sheets, log_return
from signme.petitions.models import Signature
from signme.petitions.signing import take_in
from tests.paper.test_transcribe import row, url

from .conftest import DIRECTORY, load_directory

HOLT = {
    "area_country": "E92999991",
    "area_region": "E12999991",
    "area_county": "E10999991",
    "area_district": "E07999991",
    "area_division": "E58999991",
    "area_ward": "E05999991",
    "area_constituency": "E14999991",
}


def areas(signature) -> dict:
    return {k: getattr(signature, k) for k in HOLT}


def test_an_online_signature_stores_the_areas_of_its_postcode(directory, signer):
    signature = signer(postcode="nr25 6bw")
    assert signature.postcode_found == "found"
    assert areas(signature) == HOLT
    assert signature.validity == "counted"


def test_the_areas_are_those_at_signing_time_whatever_a_later_edition_says(
    directory, signer, tmp_path
):
    signature = signer()
    path = tmp_path / "newer.csv"
    from_file = DIRECTORY.read_text().splitlines()
    path.write_text("\n".join([from_file[0], from_file[1].replace("E05999991", "E05999995")]))
    load_directory(path, names=[])
    signature.refresh_from_db()
    assert signature.area_ward == "E05999991"


def test_a_terminated_postcode_still_places_the_signature(directory, signer):
    signature = signer(postcode="ZY99 2AD")
    assert signature.postcode_found == "terminated"
    assert signature.area_district == "E07999992"
    assert signature.validity == "counted"


def test_an_unknown_postcode_is_kept_flagged_and_counted(directory, signer):
    signature = signer(postcode="NR1 2DH")
    assert signature.postcode == "NR1 2DH"
    assert signature.postcode_found == "unknown"
    assert set(areas(signature).values()) == {""}
    assert signature.validity == "counted"


def test_without_a_directory_every_postcode_is_unknown_and_counted(petition, signer):
    assert not Postcode.objects.exists()
    signature = signer()
    assert (signature.postcode_found, signature.validity) == ("unknown", "counted")


def test_a_typed_up_paper_row_gets_its_areas(directory, client, volunteer, returned):
    client.force_login(volunteer)
    response = client.post(url(returned, "rows/1"), row(1, postcode="zy99 1ab"))
    assert response.status_code == 303
    signature = Signature.objects.get(source="paper")
    assert signature.postcode_found == "found"
    assert (signature.area_division, signature.area_ward) == ("E58999992", "E05999992")


@pytest.fixture
def returned(petition, organiser):
    sheets = issue_sheets(petition, 1, "Holt market stall", organiser)
    return log_return(petition, sheets[0].serial, 3)


def test_signing_looks_no_postcode_up_and_the_worker_places_a_batch_at_once(
    directory, sign, client
):
    """Where the scheme does not ask where signers live, the signing request
    itself makes no lookup; the worker places a whole batch in one query,
    each signature with its own postcode's areas."""
    with CaptureQueriesContext(connection) as request:
        assert sign(worker=False, postcode="NR25 6BW").status_code == 303
    assert not [q for q in request.captured_queries if "geography_postcode" in q["sql"]]
    sign(worker=False, email="two@example.org", postcode="ZY99 2AD")
    sign(worker=False, email="three@example.org", postcode="NR1 2DH")
    with CaptureQueriesContext(connection) as worker:
        assert take_in() == 3
    assert len([q for q in worker.captured_queries if "geography_postcode" in q["sql"]]) == 1
    found = dict(Signature.objects.values_list("postcode", "postcode_found"))
    assert found == {"NR25 6BW": "found", "ZY99 2AD": "terminated", "NR1 2DH": "unknown"}
    assert areas(Signature.objects.get(postcode="NR25 6BW")) == HOLT
