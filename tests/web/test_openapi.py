"""The OpenAPI document, and schemathesis against the app through WSGI (no
server, no network): every public JSON answer matches its schema, and no
generated request gets a 5xx."""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import unsupported_method

from signme.web.openapi import openapi_document

from ..geography.conftest import load_directory
from ..geography.test_breakdowns import HOLT, add

schema = schemathesis.openapi.from_dict(openapi_document())
schema.app = get_wsgi_application()


@pytest.fixture
def wsgi_in_test_transaction():
    """As Django's test client does: the handler must not close the test's
    database connection at the start or end of each request."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def placed(petition, wsgi_in_test_transaction):
    """Petition 1500 with areas, so the lists in the answers are not empty."""
    load_directory()
    add(petition, 12, HOLT)
    add(petition, 3, {**HOLT, "area_constituency": "E14999992"})
    return petition


def test_the_document_is_served_cached_and_describes_every_public_json_address(client):
    response = client.get("/api/openapi.json")
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"].startswith("public, max-age=3600")
    document = json.loads(response.content)
    assert document["openapi"] == "3.1.0"
    assert sorted(document["paths"]) == [
        "/petitions/{number}.json",
        "/petitions/{number}/count.json",
        "/petitions/{number}/e-petitions.json",
    ]


def test_the_document_is_a_valid_openapi_3_1_schema():
    schema.validate()


@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_answer_matches_the_document_and_none_is_a_server_error(case, placed):
    # An undeclared unsafe method (POST, QUERY…) meets Django's CSRF check
    # before any view and gets 403, not the 405 this check wants: refused
    # either way, and the views themselves answer 405.
    case.call_and_validate(excluded_checks=[unsupported_method])
