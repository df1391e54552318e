import pytest

from signme.lib.emails import canonical_email


@pytest.mark.parametrize(
    "typed, canonical",
    [
        ("Jo.Bloggs+petition@Gmail.com", "jobloggs@gmail.com"),
        ("jobloggs@googlemail.com", "jobloggs@gmail.com"),
        ("Jo.Bloggs+x@outlook.com", "jo.bloggs@outlook.com"),
        ("Jo.Bloggs+x@example.org", "jo.bloggs+x@example.org"),
        ("  JO@EXAMPLE.ORG ", "jo@example.org"),
    ],
)
def test_same_mailbox_gives_same_canonical_form(typed, canonical):
    assert canonical_email(typed) == canonical


def test_dots_matter_at_providers_that_honour_them():
    assert canonical_email("a.b@example.org") != canonical_email("ab@example.org")
