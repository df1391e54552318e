from django import forms
from django.core.validators import validate_email

from signme.petitions.consent import CHANNELS


def _clean_address(value: str) -> str:
    value = value.strip()
    try:
        validate_email(value)
    except forms.ValidationError:
        raise forms.ValidationError(
            "Enter an email address in the right format, like name@example.org."
        ) from None
    return value


class AskForm(forms.Form):
    email = forms.CharField(
        label="Your email address",
        max_length=254,
        help_text="The address you signed with. We email a link there to prove it is yours.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"required": "Enter the email address you signed with."},
    )

    def clean_email(self):
        return _clean_address(self.cleaned_data["email"])


class StopForm(forms.Form):
    channels = forms.MultipleChoiceField(
        label="Stop these",
        choices=[(c.value, c.label) for c in CHANNELS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one way we should stop contacting you."},
    )


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand my name and details will be removed and cannot be restored",
        error_messages={"required": "Tick the box to confirm you want your data erased."},
    )


class SignedWithdrawalForm(forms.Form):
    """Someone wrote in: "stop emailing me". Staff record it for them."""

    email = forms.CharField(
        label="Their email address",
        max_length=254,
        help_text="The address they signed with, as they gave it in their letter or email.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Enter the email address they signed with."},
    )
    channels = forms.MultipleChoiceField(
        label="What they asked to stop",
        help_text="Ticking every one also puts them on the do-not-contact list for good, "
        "as 'Stop all contact' does.",
        choices=[(c.value, c.label) for c in CHANNELS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one way they asked you to stop."},
    )

    def clean_email(self):
        return _clean_address(self.cleaned_data["email"])
