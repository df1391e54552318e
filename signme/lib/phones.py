"""Phone numbers as people write them: checked loosely, compared strictly."""

import re

_PHONE = re.compile(r"^\+?[0-9 ()-]{9,20}$")


def looks_like_phone(value: str) -> bool:
    """Digits with the spaces, brackets, dashes and leading + people type."""
    return bool(_PHONE.match(value))


def normalise_phone(phone: str) -> str:
    """+44 form for UK numbers, digits only otherwise, so 07700 900123 and
    +44 7700 900123 are one person."""
    phone = (phone or "").strip()
    digits = re.sub(r"\D", "", phone)
    if not digits:
        return ""
    if phone.startswith("+"):
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    if digits.startswith("0"):
        return "+44" + digits[1:]
    if digits.startswith("44"):
        return "+" + digits
    return digits
