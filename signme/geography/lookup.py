"""The areas of a postcode, as a signature stores them."""

import re

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
    row = Postcode.objects.filter(pk=postcode).values_list(*_VALUES).first()
    if row is None:
        return {"postcode_found": UNKNOWN}
    terminated, *codes = row
    found = {f"area_{t}": code for t, code in zip(AREA_TYPES, codes, strict=True)}
    found["postcode_found"] = TERMINATED if terminated else FOUND
    return found


GSS_CODE = re.compile(r"^[A-Z][0-9]{8}$")


def split_codes(value: str) -> list[str]:
    """'e10000020, E07000148' -> ['E10000020', 'E07000148']"""
    return [c.strip().upper() for c in re.split(r"[,\s]+", value or "") if c.strip()]
