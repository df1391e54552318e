"""e-petitions.json against the field list of the UK Parliament petitions
site's petition JSON (docs/api.md): every field there is here, with a value
of the JSON type that site writes, so a tracker built for it reads ours."""

import re

import pytest
from django.utils import timezone

from signme.petitions.models import Signature

from .test_breakdowns import HOLT, add

STR, INT, NULL, LIST, DICT = str, int, type(None), list, dict
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
DATE = re.compile(r"^\d{4}-\d\d-\d\d$")

# The petition's attributes there, and the JSON types each may take.
ATTRIBUTES = {
    "action": (STR,),
    "background": (STR,),
    "additional_details": (STR, NULL),
    "committee_note": (STR, NULL),
    "state": (STR,),
    "signature_count": (INT,),
    "created_at": (STR,),
    "updated_at": (STR,),
    "rejected_at": (STR, NULL),
    "opened_at": (STR, NULL),
    "closed_at": (STR, NULL),
    "moderation_threshold_reached_at": (STR, NULL),
    "response_threshold_reached_at": (STR, NULL),
    "government_response_at": (STR, NULL),
    "debate_threshold_reached_at": (STR, NULL),
    "debate_scheduled_on": (STR, NULL),
    "scheduled_debate_date": (STR, NULL),
    "debate_outcome_at": (STR, NULL),
    "creator_name": (STR, NULL),
    "rejection": (DICT, NULL),
    "government_response": (DICT, NULL),
    "debate": (DICT, NULL),
    "departments": (LIST,),
    "topics": (LIST,),
    "signatures_by_country": (LIST,),
    "signatures_by_constituency": (LIST,),
    "signatures_by_region": (LIST,),
    "other_parliamentary_business": (LIST,),
}
TIMES = [k for k in ATTRIBUTES if k.endswith("_at")]
COUNTRY = {"name": (STR,), "code": (STR,), "signature_count": (INT,)}
CONSTITUENCY = {"name": (STR,), "ons_code": (STR,), "mp": (STR, NULL), "signature_count": (INT,)}
REGION = {"name": (STR,), "ons_code": (STR,), "signature_count": (INT,)}
STATES = {"pending", "validated", "sponsored", "flagged", "open", "closed", "rejected", "hidden"}


def wrong_types(found: dict, expected: dict) -> list[str]:
    """Each field missing or of another type, as words for the failure."""
    return [
        f"{key}: {type(found[key]).__name__ if key in found else 'missing'}"
        for key, types in expected.items()
        if key not in found or type(found[key]) not in types  # bool is not an int here
    ]


@pytest.fixture
def placed(directory, petition):
    add(petition, 12, HOLT)
    add(petition, 11, {**HOLT, "area_region": "E12999992"}, validity=Signature.Validity.COUNTED)
    return petition


def test_every_field_of_the_parliament_sites_petition_is_there_with_its_type(client, placed):
    body = client.get("/petitions/1500/e-petitions.json").json()
    assert set(body) == {"links", "data"} and isinstance(body["links"]["self"], str)
    data = body["data"]
    assert (data["type"], type(data["id"])) == ("petition", int)
    attributes = data["attributes"]
    assert wrong_types(attributes, ATTRIBUTES) == []
    assert attributes["state"] in STATES
    for key in TIMES:
        assert attributes[key] is None or TIME.match(attributes[key]), key
    for row in attributes["signatures_by_country"]:
        assert wrong_types(row, COUNTRY) == []
    for row in attributes["signatures_by_constituency"]:
        assert wrong_types(row, CONSTITUENCY) == []
    assert [wrong_types(r, REGION) for r in attributes["signatures_by_region"]] == [[], []]


def test_an_open_petition_has_a_closing_date_and_a_closed_one_none(client, placed):
    from_open = client.get("/petitions/1500/e-petitions.json").json()["data"]["attributes"]
    assert "closing_date" in from_open
    closing = from_open["closing_date"]
    assert closing is None or DATE.match(closing)
    placed.status, placed.closes_at = "closed", timezone.now()
    placed.save()
    from_closed = client.get("/petitions/1500/e-petitions.json").json()["data"]["attributes"]
    assert "closing_date" not in from_closed
    assert TIME.match(from_closed["closed_at"])


def test_the_check_names_a_missing_field_and_a_wrong_type():
    assert wrong_types({"action": 1}, {"action": (STR,), "state": (STR,)}) == [
        "action: int",
        "state: missing",
    ]
