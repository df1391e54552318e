"""People's names, compared the way a person reading two sheets would."""

import unicodedata


def name_key(name: str) -> str:
    """'  Siân  EVANS' and 'sian evans' -> 'sianevans'."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return "".join(ch for ch in text.casefold() if ch.isalnum())
