"""The areas of a postcode, as a signature stores them."""

import re
from functools import cache

from django.db import connection

from .models import AREA_TYPES, Postcode

# What Signature.postcode_found says about its areas.
FOUND = "found"
TERMINATED = "terminated"
UNKNOWN = "unknown"

_VALUES = ["terminated", *AREA_TYPES]


def areas_of(postcode: str) -> dict:
    """{"area_county": "E10000020", …, "postcode_found": "found"} for a
    normalised postcode: one lookup by primary key. A terminated postcode
    still gives its last areas; one the directory does not hold gives empty
    codes and "unknown", and no postcode at all gives nothing to store."""
    if not postcode:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_lookup_sql(), [postcode])
        row = cursor.fetchone()
    if row is None:
        return {"postcode_found": UNKNOWN}
    terminated, *codes = row
    return _areas(terminated, codes)


def areas_of_many(postcodes) -> dict[str, dict]:
    """areas_of for each of these postcodes, in one query: the worker's way,
    for a batch of signatures."""
    wanted = {p for p in postcodes if p}
    found = dict.fromkeys(wanted, {"postcode_found": UNKNOWN})
    if wanted:
        rows = Postcode.objects.filter(pk__in=wanted).values_list("postcode", *_VALUES)
        for postcode, terminated, *codes in rows:
            found[postcode] = _areas(terminated, codes)
    return found


def _areas(terminated, codes) -> dict:
    found = {f"area_{t}": code for t, code in zip(AREA_TYPES, codes, strict=True)}
    found["postcode_found"] = TERMINATED if terminated else FOUND
    return found


@cache
def _lookup_sql() -> str:
    """Written once: every signature looks its postcode up, and building the
    same one-row SELECT through the ORM cost four times the query itself."""
    table = connection.ops.quote_name(Postcode._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(Postcode._meta.get_field(f).column) for f in _VALUES
    )
    key = connection.ops.quote_name(Postcode._meta.pk.column)
    return f"SELECT {columns} FROM {table} WHERE {key} = %s"


GSS_CODE = re.compile(r"^[A-Z][0-9]{8}$")


def split_codes(value: str) -> list[str]:
    """'e10000020, E07000148' -> ['E10000020', 'E07000148']"""
    return [c.strip().upper() for c in re.split(r"[,\s]+", value or "") if c.strip()]
