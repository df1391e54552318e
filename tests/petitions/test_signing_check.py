"""SigningCheck, the signing form's rules without the form, gives the form's
verdict: on the same POST, the same fields in error with the same messages,
and the same cleaned data."""

import pytest
from django.http import QueryDict
from django.utils import translation

from signme.petitions.forms import SignForm, SigningCheck
from signme.petitions.models import Organisation, Petition, Target
from tests.geography.conftest import load_directory

QUESTION = "Do you live, work or study in Norfolk?"


def scheme(**target) -> Petition:
    """A petition in memory (neither check reads the database unless the
    scheme names areas)."""
    fields = {
        "name": "Norfolk County Council",
        "eligibility_question": QUESTION,
        "requires_address": True,
        "requires_postcode": True,
        **target,
    }
    organisation = Organisation(name="Norfolk Children's Centres Campaign")
    return Petition(number=1500, organisation=organisation, target=Target(**fields))


SCHEMES = {
    "address and question": {},
    "nothing required": {
        "requires_address": False,
        "requires_postcode": False,
        "eligibility_question": "",
    },
    "no means no": {"refuse_ineligible": True},
}

VALID = {
    "name": "Siân Evans",
    "email": "sian.evans@example.org",
    "address": "12 Market Place, Holt",
    "postcode": "nr25 6bw",
    "eligible": "yes",
    "form_token": "anything: the view checks it",
}

# (what is sent instead of VALID's values; None leaves a field out)
CASES = {
    "valid": {},
    "valid with every consent and a phone": {
        "consent_email": "on",
        "consent_sms": "on",
        "consent_phone": "on",
        "consent_post": "on",
        "phone": "01603 222222",
    },
    "consent boxes sent as false": {"consent_email": "false", "consent_sms": "0"},
    "valid, spaces trimmed": {"name": "  Siân   Evans ", "email": " sian@example.org "},
    "no answer, signing anyway": {"eligible": "no", "not_counted_ok": "on"},
    "honeypot filled in": {"website": "http://spam.example"},
    "honeypot too long": {"website": "x" * 201},
    "sheet serial": {"sheet": "SM-1500-0007"},
    "sheet serial too long": {"sheet": "S" * 21},
    "token missing": {"form_token": None},
    "name missing": {"name": None},
    "name blank": {"name": "   "},
    "name of invisible letters": {"name": "\u3164\u3164"},
    "name with markup": {"name": "<b>Siân</b>"},
    "name with a control character": {"name": "Siân\x07 Evans"},
    "name with a null character": {"name": "Siân\x00 Evans"},
    "name too long": {"name": "S" * 201},
    "email missing": {"email": None},
    "email malformed": {"email": "sian.evans"},
    "email undeliverable": {"email": "sian@localhost"},
    "email too long": {"email": "s" * 250 + "@example.org"},
    "address missing": {"address": ""},
    "address with markup": {"address": "<script>12 Market Place"},
    "postcode missing": {"postcode": None},
    "postcode not one": {"postcode": "NR99"},
    "postcode too long": {"postcode": "NR25 6BW 1234"},
    "no eligibility answer": {"eligible": None},
    "eligibility answer not yes or no": {"eligible": "maybe"},
    "no answer, not signing anyway": {"eligible": "no"},
    "phone not one": {"phone": "call me"},
    "texts without a phone": {"consent_sms": "on"},
    "post without an address": {"consent_post": "on", "address": ""},
    "everything wrong at once": {
        "name": "",
        "email": "nope",
        "postcode": "??",
        "eligible": "no",
        "phone": "x" * 21,
        "consent_phone": "on",
    },
}


def post(overrides: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in {**VALID, **overrides}.items():
        if value is not None:
            data[key] = value
    return data


def assert_same_verdict(petition: Petition, data: QueryDict) -> bool:
    form = SignForm(data, petition=petition)
    check = SigningCheck(data, petition=petition)
    assert check.is_valid() == form.is_valid()
    form_errors = {
        f: [m for e in errs for m in e.messages] for f, errs in form.errors.as_data().items()
    }
    assert check.errors == form_errors
    assert check.cleaned_data == form.cleaned_data
    return check.is_valid()


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("scheme_name", SCHEMES)
@pytest.mark.parametrize("case", CASES)
def test_the_check_and_the_form_agree(case, scheme_name, language):
    petition = scheme(**SCHEMES[scheme_name])
    with translation.override(language):
        valid = assert_same_verdict(petition, post(CASES[case]))
    if case.startswith("valid") and scheme_name != "no means no":
        assert valid  # the cases are what their names say
    if "missing" in case and case != "token missing" and scheme_name == "address and question":
        assert not valid


AREA_CASES = {
    "inside": {"postcode": "ZY99 1AB"},
    "outside": {"postcode": "ZY99 3AE"},
    "outside, works there": {"postcode": "ZY99 3AE", "works_or_studies_in_area": "on"},
    "outside, signing anyway": {"postcode": "ZY99 3AE", "outside_area_ok": "on"},
    "not in the directory": {"postcode": "NR25 6BW"},
    "not a postcode": {"postcode": "ZZ"},
}


@pytest.fixture
def testshire(db):
    """A scheme that counts only people of Testshire, in the synthetic
    postcode directory."""
    load_directory()
    return scheme(eligible_areas="E10999991")


@pytest.mark.parametrize("case", AREA_CASES)
def test_the_check_and_the_form_agree_where_the_scheme_names_areas(testshire, case):
    valid = assert_same_verdict(testshire, post(AREA_CASES[case]))
    assert valid == (case not in ("outside", "not a postcode"))
