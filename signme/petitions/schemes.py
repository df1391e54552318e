"""A target's petition scheme, as fields: what each signature must carry,
and which of the target's fields make up the scheme. Written once here for
the signing form, the sheet, the compliance check, presets and the scheme
form."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class SignerField:
    name: str  # the form field and sheet column
    flag: str  # the Target flag that makes the scheme require it
    words: str | Promise  # as a sentence needs it: "needs an address"
    short: str | Promise  # as a list needs it: "name, address"


SIGNER_FIELDS = [
    SignerField("name", "requires_name", _("a name"), _("name")),
    SignerField("address", "requires_address", _("an address"), _("address")),
    SignerField("postcode", "requires_postcode", _("a postcode"), _("postcode")),
    SignerField("email", "requires_email", _("an email address"), _("email (online)")),
]

# The Target fields a scheme consists of: what a preset sets and the scheme
# form edits.
SCHEME_FIELDS = [
    "address",
    *(f.flag for f in SIGNER_FIELDS),
    "eligibility_question",
    "refuse_ineligible",
    "eligible_postcode_areas",
    "minimum_signatures",
    "how_to_submit",
    "submit_by_email",
    "scheme_url",
]


def required_fields(target) -> list[SignerField]:
    return [f for f in SIGNER_FIELDS if getattr(target, f.flag)]
