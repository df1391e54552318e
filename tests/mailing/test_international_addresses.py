"""Mail to an address with an internationalised domain goes where its
canonical form says."""

import pytest

from signme.mailing.outbox import deliver_all


@pytest.mark.parametrize(
    "typed, delivered",
    [
        ("y@straße.de", "y@xn--strae-oqa.de"),  # not strasse.de, another registrant's
        ("y@bücher.de", "y@xn--bcher-kva.de"),
        ("x@ｇｍａｉｌ.com", "x@gmail.com"),
    ],
)
def test_the_confirmation_goes_to_the_domain_the_canonical_form_names(
    sign, smtp, typed, delivered
):
    sign(email=typed)
    assert deliver_all() == 1
    [msg] = smtp.mailbox.wait_for(1)
    assert msg["To"] == delivered
