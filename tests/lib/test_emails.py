import idna
import pytest

from signme.lib.emails import (
    UndeliverableEmail,
    canonical_email,
    check_deliverable,
    delivery_address,
)


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


@pytest.mark.parametrize(
    "one, other",
    [
        ("x@gmail.com", "x@ｇｍａｉｌ.com"),  # fullwidth letters
        ("x@gmail.com", "X@ＧＭＡＩＬ．ＣＯＭ"),  # and a fullwidth full stop
        ("y@bücher.de", "y@xn--bcher-kva.de"),  # Unicode and its A-label
        ("y@bücher.de", "Y@BÜCHER.DE."),
        ("y@bücher.de", "y@bu\u0308cher.de"),  # ü as u and a combining mark
        ("jo@example.org", "jo@example.org."),  # the root's trailing dot
        ("jobloggs@gmail.com", "Jo.Bloggs+x@ｇｏｏｇｌｅｍａｉｌ.com"),
        ("fiona@example.org", "ﬁona@example.org"),  # a ligature in the local part
    ],
)
def test_spellings_that_reach_one_mailbox_give_one_canonical_form(one, other):
    assert canonical_email(one) == canonical_email(other)


def test_the_domain_is_stored_as_dns_sees_it():
    assert canonical_email("y@Bücher.de") == "y@xn--bcher-kva.de"
    assert canonical_email("x@ｇｍａｉｌ.com") == "x@gmail.com"


def test_sharp_s_is_its_own_domain_as_registries_now_treat_it():
    assert canonical_email("y@straße.de") == "y@xn--strae-oqa.de"
    assert canonical_email("y@straße.de") != canonical_email("y@strasse.de")


@pytest.mark.parametrize(
    "typed, canonical",
    [
        ("a@-bad-.ｃｏｍ", "a@-bad-.com"),
        ("A@xn--zz.com", "a@xn--zz.com"),
        ("a@", "a@"),
        ("no-at-sign", "no-at-sign"),
        ("", ""),
        ("a@ü" + "ü" * 70 + ".de", "a@ü" + "ü" * 70 + ".de"),  # a label too long for DNS
    ],
)
def test_a_domain_idna_refuses_gives_the_folded_address_and_no_error(typed, canonical):
    assert canonical_email(typed) == canonical


def test_an_address_too_long_once_encoded_is_left_unencoded():
    label = "".join(chr(0x4E00 + 37 * i) for i in range(12))  # twelve CJK characters
    local, domain = "someone.with.a.longer.name", ".".join([label] * 8) + ".de"
    address = f"{local}@{domain}"
    assert len(address) <= 254 < len(local) + 1 + len(idna.encode(domain, uts46=True))
    assert canonical_email(address) == address
    with pytest.raises(UndeliverableEmail):
        check_deliverable(address)


@pytest.mark.parametrize(
    "typed",
    [
        "Jo.Bloggs+petition@Gmail.com",
        "y@Bücher.de.",
        "X@ＧＭＡＩＬ．ＣＯＭ",
        "ﬁ@İstanbul.example",
        "a@-bad-.ｃｏｍ",
        "x@ax .",
    ],
)
def test_the_canonical_form_is_its_own_canonical_form(typed):
    # Suppression digests hash canonical_email of what may already be canonical.
    once = canonical_email(typed)
    assert canonical_email(once) == once


@pytest.mark.parametrize(
    "address", ["a@localhost", "a@xn--zz.com", "a@[127.0.0.1]", "a@-bad.com", "a@", "nobody"]
)
def test_addresses_no_mail_can_reach_are_undeliverable(address):
    with pytest.raises(UndeliverableEmail):
        check_deliverable(address)


@pytest.mark.parametrize("address", ["jo@example.org", "y@bücher.de", "x@ｇｍａｉｌ.com"])
def test_ordinary_and_international_addresses_are_deliverable(address):
    check_deliverable(address)


def test_mail_is_addressed_to_the_domain_the_canonical_form_names():
    assert delivery_address("Y@straße.de") == "Y@xn--strae-oqa.de"
    assert delivery_address("x@ｇｍａｉｌ.com") == "x@gmail.com"
    assert delivery_address("Jo@Example.org") == "Jo@Example.org"
    assert delivery_address("a@-bad-.ｃｏｍ") == "a@-bad-.ｃｏｍ"
