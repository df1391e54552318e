from django import forms
from django.core.validators import validate_email

from signme.petitions.consent import CHANNELS


class AskForm(forms.Form):
    email = forms.CharField(
        label="Your email address",
        max_length=254,
        help_text="The address you signed with. We email a link there to prove it is yours.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"required": "Enter the email address you signed with."},
    )

    def clean_email(self):
        value = self.cleaned_data["email"].strip()
        try:
            validate_email(value)
        except forms.ValidationError:
            raise forms.ValidationError(
                "Enter an email address in the right format, like name@example.org."
            ) from None
        return value


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
