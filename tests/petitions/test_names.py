"""Names as people write them, emoji and joiners included, and names that
only look like names: nothing anyone can see, or text hidden inside."""

import pytest
from django import forms

from signme.mailing.models import OutboundEmail
from signme.petitions.forms import clean_text
from signme.petitions.models import Consent, Signature

INVISIBLE = [
    "\u3164",  # Hangul filler
    "\u3164 \u3164",
    "\u115f\u1160",  # Hangul choseong and jungseong fillers
    "\uffa0",  # halfwidth Hangul filler
    "\u200b",  # zero-width space
    "\u200b\u200c\u200d\u2060\ufeff",  # zero-width characters
    "\u2800\u2800",  # blank braille cells
    "\u0301",  # a combining accent on nothing
    "\U0001f469\U0001f3fd\u200d\U0001f9b0",  # an emoji but no name
]

HIDDEN = [
    "Ana\u200bLee",  # zero-width space between words
    "Ana \u200d Lee",  # a joiner with nothing to join
    "Ana\u200d\u200dLee",
    "\u200dAna Lee",
    "Ana\u3164Lee",  # a filler posing as a space
    "Ana Lee\U000e0041\U000e0042",  # tag characters: hidden text
    "Ana \u202eeeL",  # right-to-left override
    "Ana\x07Lee",  # a control character
    "Ana\u00adLee",  # a soft hyphen
]


def stored():
    return (
        list(Signature.objects.values_list("id", "name", "status")),
        Consent.objects.count(),
        OutboundEmail.objects.count(),
    )


@pytest.mark.parametrize(
    "name",
    [
        "Ana \U0001f469\U0001f3fd\u200d\U0001f9b0 Lee",  # ZWJ sequence with a skin tone
        "Jo \U0001f44d\U0001f3ff Bloggs",  # a skin-tone modifier
        "Sam \u2764\ufe0f\u200d\U0001f525 Smith",  # a variation selector before a ZWJ
        "Morag \U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f Campbell",
        "\u0639\u0644\u06cc\u200c\u0631\u0636\u0627",  # Alireza, with a ZWNJ
        "\u0915\u094d\u200d\u0937\u093e Rao",  # Devanagari with a ZWJ
    ],
)
def test_names_with_emoji_and_joiners_are_stored_exactly(sign, name):
    response = sign(name=name)
    assert response.status_code == 303, response.content.decode()
    assert Signature.objects.get().name == name


@pytest.mark.parametrize("name", INVISIBLE)
def test_a_name_nobody_can_see_is_refused_and_stores_nothing(sign, name):
    sign(email="first@example.org")
    before = stored()
    response = sign(email="second@example.org", name=name)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "Enter your full name" in html
    assert 'href="#id_name"' in html
    assert stored() == before


@pytest.mark.parametrize("name", HIDDEN)
def test_a_name_with_invisible_characters_inside_is_refused_and_stores_nothing(sign, name):
    sign(email="first@example.org")
    before = stored()
    response = sign(email="second@example.org", name=name)
    assert response.status_code == 400
    assert "Your name contains characters that cannot be printed" in response.content.decode()
    assert stored() == before


def test_angle_brackets_are_still_refused_beside_emoji(sign):
    response = sign(name="Ana \U0001f469\U0001f3fd\u200d\U0001f9b0 <Lee>")
    assert response.status_code == 400
    assert "Your name cannot contain &lt; or &gt;" in response.content.decode()
    assert not Signature.objects.exists()


def test_an_invisible_address_asks_for_the_address(sign):
    response = sign(address="\u200b\u3164")
    assert response.status_code == 400
    assert "Enter your address" in response.content.decode()
    assert not Signature.objects.exists()


def test_blank_text_stays_blank_for_optional_fields():
    assert clean_text("   ", "Your phone number") == ""
    with pytest.raises(forms.ValidationError, match="Enter a phone number"):
        clean_text("\u200b", "Your phone number")
