"""UK postcodes: normalise what people type, reject what cannot be one."""

import re

# Outward code (area, district, optional sub-district letter) then inward code
# (sector digit and unit letters). Letters that Royal Mail never uses in the
# inward unit (C I K M O V) are excluded; GIR 0AA is the one historic oddity.
_POSTCODE = re.compile(
    r"^(?:GIR0AA|"
    r"(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|"
    r"[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
    r"[0-9][ABD-HJLNP-UW-Z]{2})$"
)


class InvalidPostcode(ValueError):
    pass


def normalise_postcode(value: str) -> str:
    """'nr12dh', ' NR1  2DH ' -> 'NR1 2DH'. Raises InvalidPostcode."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if not _POSTCODE.match(compact):
        raise InvalidPostcode(value)
    return f"{compact[:-3]} {compact[-3:]}"


def postcode_area(postcode: str) -> str:
    """'NR1 2DH' -> 'NR' (the letters before the first digit)."""
    m = re.match(r"[A-Z]+", postcode or "")
    return m.group(0) if m else ""
