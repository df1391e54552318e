"""Counted signatures by area: the organiser page, petition.json, the CSV,
the bar chart and the UK Parliament petitions shape."""

import csv
import io

import pytest

from signme.petitions.areas import breakdown
from signme.petitions.models import Signature

HOLT = dict(
    postcode="NR25 6BW",
    postcode_found="found",
    area_country="E92999991",
    area_region="E12999991",
    area_county="E10999991",
    area_district="E07999991",
    area_constituency="E14999991",
)
OTHERHAM = dict(
    postcode="ZY99 3AE",
    postcode_found="found",
    area_country="E92999991",
    area_region="E12999991",
    area_district="E07999993",
    area_constituency="E14999992",
)


def add(petition, n, areas, validity="counted", **kw):
    Signature.objects.bulk_create(
        Signature(
            petition=petition,
            name="Signer",
            status="verified",
            validity=validity,
            notice=petition.current_notice,
            **areas,
            **kw,
        )
        for _ in range(n)
    )


@pytest.fixture
def signed(directory, petition):
    """12 counted in Holt, 3 in Otherham, 5 not counted in Holt, 2 unplaced."""
    add(petition, 12, HOLT)
    add(petition, 3, OTHERHAM)
    add(petition, 5, HOLT, validity="not_eligible")
    add(petition, 2, {"postcode": "NR1 2DH", "postcode_found": "unknown"})
    return petition


def test_the_breakdown_counts_only_counted_signatures_by_each_type(signed):
    found = breakdown(signed)
    assert (found.placed, found.not_placed) == (15, 2)
    assert [(a.name, a.count) for a in found.of_type("district")] == [
        ("North Testshire", 12),
        ("Otherham", 3),
    ]
    assert [(a.code, a.count) for a in found.of_type("country")] == [("E92999991", 15)]
    assert found.of_type("ward") == []


def test_petition_json_shows_small_areas_as_fewer_than_ten(client, signed):
    data = client.get("/petitions/1500.json").json()["signatures_by_area"]
    constituencies = [a for a in data if a["type"] == "constituency"]
    assert constituencies == [
        {"type": "constituency", "code": "E14999991", "name": "Testshire North", "count": 12},
        {"type": "constituency", "code": "E14999992", "name": "Otherham and Coast",
         "count": "fewer than 10"},
    ]  # fmt: skip


def test_the_organiser_page_lists_every_area_with_its_exact_count(client, organiser, signed):
    client.force_login(organiser)
    text = client.get("/organise/petitions/1500/").content.decode()
    assert "Where signers live" in text
    assert "15 counted signatures placed by postcode; 2 without" in text
    assert '<td>Otherham</td><td>E07999993</td><td class="num">3</td>' in text
    assert "/organise/petitions/1500/areas.csv" in text


def test_the_csv_gives_organisers_every_area_and_the_unplaced(client, organiser, signed):
    client.force_login(organiser)
    response = client.get("/organise/petitions/1500/areas.csv")
    assert response["Content-Disposition"] == 'attachment; filename="petition-1500-areas.csv"'
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["type", "gss_code", "name", "signatures"]
    assert ["district", "E07999993", "Otherham", "3"] in rows
    assert rows[-1][0] == "not_placed" and rows[-1][-1] == "2"


def test_a_volunteer_gets_no_csv(client, volunteer, signed):
    client.force_login(volunteer)
    assert client.get("/organise/petitions/1500/areas.csv").status_code == 404


def test_the_chart_draws_the_top_areas_and_leaves_small_ones_out(client, signed):
    response = client.get("/petitions/1500/areas.svg?type=constituency")
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert '<title id="chart-title">Petition 1500: signatures by westminster' in svg
    assert "Testshire North: 12 signatures." in svg
    assert "Otherham and Coast" not in svg


def test_the_chart_refuses_an_unknown_area_type(client, signed):
    assert client.get("/petitions/1500/areas.svg?type=planet").status_code == 404


def test_e_petitions_json_has_the_parliament_sites_fields(client, signed):
    body = client.get("/petitions/1500/e-petitions.json").json()
    data = body["data"]
    assert body["links"]["self"].endswith("/petitions/1500/e-petitions.json")
    assert (data["type"], data["id"]) == ("petition", 1500)
    attributes = data["attributes"]
    for key in [
        "action", "background", "additional_details", "state", "signature_count",
        "created_at", "updated_at", "opened_at", "closed_at", "rejection",
        "government_response", "debate", "departments", "topics",
    ]:  # fmt: skip
        assert key in attributes
    assert attributes["state"] == "open"
    assert attributes["action"] == signed.title
    assert attributes["signatures_by_constituency"] == [
        {"name": "Testshire North", "ons_code": "E14999991", "mp": None, "signature_count": 12}
    ]
    assert attributes["signatures_by_country"] == [
        {"name": "E92999991", "code": "E92999991", "signature_count": 15}
    ]
