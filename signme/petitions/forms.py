import re
import unicodedata

from django import forms
from django.core.validators import validate_email

from signme.lib.emails import UndeliverableEmail, canonical_email, check_deliverable
from signme.lib.phones import looks_like_phone
from signme.lib.postcodes import InvalidPostcode, normalise_postcode

from .consent import CHANNELS, consent_wording
from .models import Channel

_ANGLE = re.compile(r"[<>]")


def clean_text(value: str, label: str) -> str:
    """Trim, normalise Unicode and refuse what no name or address contains."""
    value = unicodedata.normalize("NFC", value or "").strip()
    value = re.sub(r"\s+", " ", value)
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Co", "Cs"} for ch in value):
        raise forms.ValidationError(f"{label} contains characters that cannot be printed.")
    if _ANGLE.search(value):
        raise forms.ValidationError(f"{label} cannot contain < or >.")
    return value


class SignForm(forms.Form):
    """The online signing form. Which fields it asks for follows the target's
    scheme; the consent boxes are always there and always start unticked."""

    name = forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={
            "required": "Enter your full name",
            "max_length": "Your name must be 200 characters or fewer",
        },
    )
    email = forms.CharField(
        label="Email address",
        max_length=254,
        help_text="We email you a link to confirm your signature.",
        error_messages={
            "required": "Enter your email address",
            "max_length": "Your email address must be 254 characters or fewer",
        },
    )
    address = forms.CharField(
        label="Address",
        max_length=300,
        help_text="House number and street, town.",
        error_messages={
            "required": "Enter your address",
            "max_length": "Your address must be 300 characters or fewer",
        },
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        error_messages={
            "required": "Enter your postcode",
            "max_length": "Enter a real postcode, like NR1 2DH",
        },
    )
    eligible = forms.ChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Answer the question", "invalid_choice": "Choose yes or no"},
    )
    phone = forms.CharField(
        label="Phone number (optional)",
        max_length=20,
        required=False,
        help_text="Only needed if you ticked text messages or phone calls above.",
        error_messages={"max_length": "Enter a phone number of 20 characters or fewer"},
    )
    not_counted_ok = forms.BooleanField(required=False)
    sheet = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    form_token = forms.CharField(required=False, widget=forms.HiddenInput)
    # Hidden from people by the page's CSS and from screen readers; bots fill
    # in every field. Filled in, the signature is held for review, not refused.
    website = forms.CharField(required=False, max_length=200)

    def __init__(self, *args, petition, **kwargs):
        super().__init__(*args, **kwargs)
        self.petition = petition
        target = petition.target
        self.fields["address"].required = target.requires_address
        self.fields["postcode"].required = target.requires_postcode
        if not (target.requires_address or target.requires_postcode):
            # Asked anyway, optionally: posting to someone needs an address.
            self.fields["address"].label = "Address (optional)"
            self.fields["postcode"].label = "Postcode (optional)"
        if target.eligibility_question:
            self.fields["eligible"].label = target.eligibility_question
            self.fields[
                "not_counted_ok"
            ].label = (
                f"Sign anyway, knowing my signature is recorded but not counted for {target.name}"
            )
        else:
            del self.fields["eligible"]
            del self.fields["not_counted_ok"]
        self.fields["website"].widget.attrs.update(tabindex="-1", autocomplete="off")
        org = petition.organisation.name
        for channel in CHANNELS:
            self.fields[f"consent_{channel}"] = forms.BooleanField(
                label=consent_wording(channel, org), required=False, initial=False
            )
        autocomplete = {
            "name": "name",
            "email": "email",
            "address": "street-address",
            "postcode": "postal-code",
            "phone": "tel",
        }
        for name, value in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value
        self.fields["email"].widget.input_type = "email"
        self.fields["email"].widget.attrs.update(spellcheck="false", autocapitalize="off")
        self.fields["phone"].widget.input_type = "tel"
        self.fields["postcode"].widget.attrs.update(autocapitalize="characters", size="10")

    def consent_fields(self):
        return [self[f"consent_{c}"] for c in CHANNELS]

    def clean_name(self):
        return clean_text(self.cleaned_data["name"], "Your name")

    def clean_address(self):
        return clean_text(self.cleaned_data["address"], "Your address")

    def clean_email(self):
        value = self.cleaned_data["email"].strip()
        try:
            validate_email(value)
            # Django lets a@localhost through, and any domain its pattern
            # allows; mail must reach it from the internet.
            check_deliverable(value)
        except (forms.ValidationError, UndeliverableEmail):
            raise forms.ValidationError(
                "Enter an email address in the correct format, like name@example.com"
            ) from None
        return value

    def clean_postcode(self):
        value = self.cleaned_data["postcode"]
        if not value.strip():
            return ""
        try:
            postcode = normalise_postcode(value)
        except InvalidPostcode:
            raise forms.ValidationError("Enter a real UK postcode, like NR1 2DH") from None
        return postcode

    def clean_phone(self):
        value = clean_text(self.cleaned_data["phone"], "Your phone number")
        if value and not looks_like_phone(value):
            raise forms.ValidationError("Enter a phone number, like 01603 222222")
        return value

    def clean(self):
        data = super().clean()
        wants_calls = data.get(f"consent_{Channel.SMS}") or data.get(f"consent_{Channel.PHONE}")
        if wants_calls and not data.get("phone") and "phone" not in self.errors:
            self.add_error(
                "phone", "Enter a phone number, or untick text messages and phone calls"
            )
        if data.get("eligible") == "no" and "eligible" not in self.errors:
            self._answered_no(data)
        wants_post = data.get(f"consent_{Channel.POST}")
        if wants_post and not data.get("address") and "address" not in self.errors:
            self.add_error("address", "Enter your address, or untick post")
        if data.get("email"):
            data["email_canonical"] = canonical_email(data["email"])
        return data

    def _answered_no(self, data):
        """Someone who answers no is told before signing that it will not count
        for the target, and signs only if they still want to (or, where the
        scheme says so, cannot sign at all)."""
        target = self.petition.target
        if target.refuse_ineligible:
            self.add_error(
                "eligible",
                f"Only people who can answer yes can sign this petition to {target.name}",
            )
        elif not data.get("not_counted_ok"):
            self.needs_not_counted_ok = True
            self.add_error(
                "eligible",
                f"If you answer no, your signature is recorded but not counted for "
                f"{target.name}. Change your answer, or tick the box below to sign anyway",
            )

    needs_not_counted_ok = False
