import pytest

from signme.lib.postcodes import InvalidPostcode, normalise_postcode, postcode_area


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("nr12dh", "NR1 2DH"),
        ("NR1 2DH", "NR1 2DH"),
        ("  nr1   2dh ", "NR1 2DH"),
        ("nr25 6bw", "NR25 6BW"),
        ("sw1a1aa", "SW1A 1AA"),
        ("w1a 0ax", "W1A 0AX"),
        ("m1 1ae", "M1 1AE"),
        ("ec1a 1bb", "EC1A 1BB"),
        ("cr2 6xh", "CR2 6XH"),
        ("GIR 0AA", "GIR 0AA"),
    ],
)
def test_postcodes_in_any_case_and_spacing_are_normalised(typed, expected):
    assert normalise_postcode(typed) == expected


@pytest.mark.parametrize(
    "typed",
    ["", "   ", "NR1", "12345", "NR1 2D", "NR1 2DHX", "QQ1 1AA", "NR1 2CI", "N R 1 2 D H !"],
)
def test_things_that_are_not_postcodes_are_rejected(typed):
    with pytest.raises(InvalidPostcode):
        normalise_postcode(typed)


def test_area_is_the_leading_letters():
    assert postcode_area("NR1 2DH") == "NR"
    assert postcode_area("E1 6AN") == "E"
