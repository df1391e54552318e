"""The OpenAPI 3.1 document of every public JSON address (docs/api.md says
the same in words). A plain dict: the views are plain Django views, and no
schema library describes those without rewriting them."""

import json
from functools import cache

from django.http import HttpResponse
from django.views.decorators.http import require_safe

from signme.geography.models import AREA_TYPES
from signme.lib.http import public_cache

# The document changes only with a release.
OPENAPI_MAX_AGE = 3600


def _nullable(schema: dict) -> dict:
    return {"oneOf": [schema, {"type": "null"}]}


def _object(properties: dict, optional: tuple = ()) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": [k for k in properties if k not in optional],
    }


INT = {"type": "integer", "minimum": 0}
STR = {"type": "string"}
TIME = {"type": "string", "format": "date-time"}
DATE = {"type": "string", "format": "date"}
NULL = {"type": "null"}
# Parliament's site: UTC with milliseconds and a Z.
PARLIAMENT_TIME = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"}

PETITION = _object(
    {
        "number": INT,
        "url": {"type": "string", "format": "uri"},
        "short_url": {"type": "string", "format": "uri"},
        "title": STR,
        "statement": STR,
        "body_html": STR,
        "status": {"enum": ["draft", "open", "closed"]},
        "opens_at": _nullable(TIME),
        "closes_at": _nullable(TIME),
        "goal": _nullable(INT),
        "organisation": STR,
        "target": _object({"name": STR, "minimum": _nullable(INT)}),
        "signature_count": INT,
        "counts": _object(
            {"online": INT, "paper": INT, "paper_transcribed": INT, "paper_tallied": INT}
        ),
        "thresholds": {
            "type": "array",
            "items": _object({"count": INT, "triggers": STR, "reached_at": _nullable(TIME)}),
        },
        "outcome": _nullable(
            _object(
                {
                    "submitted_on": _nullable(DATE),
                    "acknowledged_on": _nullable(DATE),
                    "acknowledgement": STR,
                    "response_on": _nullable(DATE),
                    "response": STR,
                    "debate_on": _nullable(DATE),
                    "debate": STR,
                }
            )
        ),
        "signatures_by_area": {
            "type": "array",
            "items": _object(
                {
                    "type": {"enum": list(AREA_TYPES)},
                    "code": STR,
                    "name": STR,
                    "count": {"oneOf": [INT, {"const": "fewer than 10"}]},
                }
            ),
        },
        "updated_at": TIME,
    }
)

COUNT = _object(
    {
        "number": INT,
        "signature_count": INT,
        "online": INT,
        "paper": INT,
        "progress": _object(
            {
                "next": _nullable(INT),
                "remaining": _nullable(INT),
                "percent": {"type": "integer", "minimum": 0, "maximum": 100},
            }
        ),
        "updated_at": TIME,
    }
)

_ALWAYS_NULL = [
    "committee_note",
    "rejected_at",
    "moderation_threshold_reached_at",
    "response_threshold_reached_at",
    "government_response_at",
    "debate_threshold_reached_at",
    "debate_scheduled_on",
    "scheduled_debate_date",
    "debate_outcome_at",
    "creator_name",
    "rejection",
    "government_response",
    "debate",
]
_ALWAYS_EMPTY = ["departments", "topics", "other_parliamentary_business"]

E_PETITIONS = _object(
    {
        "links": _object({"self": STR}),
        "data": _object(
            {
                "type": {"const": "petition"},
                "id": INT,
                "links": _object({"self": STR}),
                "attributes": _object(
                    {
                        "action": STR,
                        "background": STR,
                        "additional_details": STR,
                        "state": {"enum": ["pending", "open", "closed"]},
                        "signature_count": INT,
                        "closing_date": _nullable(DATE),
                        "created_at": PARLIAMENT_TIME,
                        "updated_at": PARLIAMENT_TIME,
                        "opened_at": _nullable(PARLIAMENT_TIME),
                        "closed_at": _nullable(PARLIAMENT_TIME),
                        **dict.fromkeys(_ALWAYS_NULL, NULL),
                        **dict.fromkeys(_ALWAYS_EMPTY, {"type": "array", "maxItems": 0}),
                        "signatures_by_country": {
                            "type": "array",
                            "items": _object({"name": STR, "code": STR, "signature_count": INT}),
                        },
                        "signatures_by_constituency": {
                            "type": "array",
                            "items": _object(
                                {
                                    "name": STR,
                                    "ons_code": STR,
                                    "mp": _nullable(STR),
                                    "signature_count": INT,
                                }
                            ),
                        },
                        "signatures_by_region": {
                            "type": "array",
                            "items": _object(
                                {"name": STR, "ons_code": STR, "signature_count": INT}
                            ),
                        },
                    },
                    optional=("closing_date",),
                ),
            }
        ),
    }
)

_NUMBER = {
    "name": "number",
    "in": "path",
    "required": True,
    "description": "The petition's public number.",
    "example": 1500,
    "schema": {"type": "integer", "minimum": 1},
}
_NOT_FOUND = {
    "description": "No such petition, or a draft.",
    "content": {"text/html": {"schema": STR}},
}
_CACHED = {
    "Cache-Control": {
        "description": "Public, short max-age, stale-while-revalidate.",
        "required": True,
        "schema": {"type": "string", "pattern": "^public, max-age=\\d+"},
    }
}


def _operation(operation_id: str, summary: str, schema_name: str) -> dict:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "parameters": [_NUMBER],
            "responses": {
                "200": {
                    "description": summary,
                    "headers": _CACHED,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": f"#/components/schemas/{schema_name}"}
                        }
                    },
                },
                "404": _NOT_FOUND,
            },
        }
    }


@cache
def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "SignMe public JSON",
            "version": "1",
            "description": "Petitions, their counts and where signers live. Public, "
            "cached, no sign-in. Fields may be added, never removed. The paths are "
            "relative to the address this document was read from.",
        },
        "paths": {
            "/petitions/{number}.json": _operation(
                "petition", "The petition, its counts and thresholds", "Petition"
            ),
            "/petitions/{number}/count.json": _operation(
                "count", "The count alone, for a page that polls", "Count"
            ),
            "/petitions/{number}/e-petitions.json": _operation(
                "e_petitions",
                "The petition in the UK Parliament petitions site's shape",
                "EPetitions",
            ),
        },
        "components": {
            "schemas": {"Petition": PETITION, "Count": COUNT, "EPetitions": E_PETITIONS}
        },
    }


@require_safe
def openapi_json(request):
    body = json.dumps(openapi_document(), indent=1)
    response = HttpResponse(body, content_type="application/json")
    return public_cache(response, max_age=OPENAPI_MAX_AGE)
