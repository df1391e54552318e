from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from signme.lib.postcodes import InvalidPostcode, normalise_postcode
from signme.petitions.consent import CHANNELS

from .models import RightsRequest


def _clean_address(value: str) -> str:
    value = value.strip()
    try:
        validate_email(value)
    except forms.ValidationError:
        raise forms.ValidationError(
            _("Enter an email address in the right format, like name@example.org.")
        ) from None
    return value


class AskForm(forms.Form):
    email = forms.CharField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("The address you signed with. We email a link there to prove it is yours."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"required": _("Enter the email address you signed with.")},
    )

    def clean_email(self):
        return _clean_address(self.cleaned_data["email"])


class StopForm(forms.Form):
    channels = forms.MultipleChoiceField(
        label=_("Stop these"),
        choices=[(c.value, c.label) for c in CHANNELS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one way we should stop contacting you.")},
    )


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand my name and details will be removed and cannot be restored"),
        error_messages={"required": _("Tick the box to confirm you want your data erased.")},
    )


class SignedWithdrawalForm(forms.Form):
    """Someone wrote in: "stop emailing me". Staff record it for them."""

    email = forms.CharField(
        label=_("Their email address"),
        max_length=254,
        help_text=_("The address they signed with, as they gave it in their letter or email."),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Enter the email address they signed with.")},
    )
    channels = forms.MultipleChoiceField(
        label=_("What they asked to stop"),
        help_text=_(
            "Ticking every one also puts them on the do-not-contact list for good, "
            "as 'Stop all contact' does."
        ),
        choices=[(c.value, c.label) for c in CHANNELS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one way they asked you to stop.")},
    )

    def clean_email(self):
        return _clean_address(self.cleaned_data["email"])


def _clean_postcode(value: str) -> str:
    try:
        return normalise_postcode(value)
    except InvalidPostcode:
        raise forms.ValidationError(_("Enter a UK postcode, like NR25 6BW.")) from None


class PaperAskForm(forms.Form):
    """Someone who signed on paper, with no email to prove: they are named by
    name and postcode, and an organiser checks who they are."""

    name = forms.CharField(
        label=_("Your full name"),
        max_length=200,
        help_text=_("As you wrote it on the sheet."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Enter your full name as you wrote it on the sheet.")},
    )
    postcode = forms.CharField(
        label=_("Your postcode"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "spellcheck": "false"}),
        error_messages={"required": _("Enter the postcode you wrote on the sheet.")},
    )
    address = forms.CharField(
        label=_("Your address (optional)"),
        max_length=300,
        required=False,
        help_text=_("The first line is enough, like 12 Market Place."),
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    wants = forms.ChoiceField(
        label=_("What you ask for"),
        choices=RightsRequest.Wants.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you ask for.")},
    )
    reply_to = forms.CharField(
        label=_("Where we should answer"),
        max_length=300,
        help_text=_(
            "An email address or a postal address. The organisers may write to the "
            "address on your signature to check the request is yours."
        ),
        error_messages={"required": _("Enter an email or postal address for the answer.")},
    )

    def clean_postcode(self):
        return _clean_postcode(self.cleaned_data["postcode"])


class LetterRequestForm(forms.Form):
    """A request that came to the organisers by letter or email: staff find the
    person by name and postcode, or by the email they signed with."""

    prefix = "letter"
    name = forms.CharField(label=_("Their full name"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Their postcode"), max_length=10, required=False)
    address = forms.CharField(label=_("Their address (optional)"), max_length=300, required=False)
    email = forms.CharField(
        label=_("Or the email address they signed with"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    wants = forms.ChoiceField(
        label=_("What they ask for"),
        choices=RightsRequest.Wants.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what they ask for.")},
    )

    def clean_postcode(self):
        value = self.cleaned_data["postcode"].strip()
        return _clean_postcode(value) if value else ""

    def clean_email(self):
        value = self.cleaned_data["email"].strip()
        return _clean_address(value) if value else ""

    def clean(self):
        data = super().clean()
        has_person = data.get("name", "").strip() and data.get("postcode")
        if not has_person and not data.get("email") and not self.errors:
            self.add_error(
                "name", _("Enter their name and postcode, or the email address they signed with.")
            )
        return data


class CheckedRequestForm(forms.Form):
    """The organiser's decision on a request by name and postcode."""

    DECISIONS = [
        ("erase", _("It is them: erase these signatures")),
        ("answered", _("It is them: I have sent them their data")),
        ("not_confirmed", _("I could not confirm who asked: close it")),
    ]
    decision = forms.ChoiceField(
        label=_("What you did"),
        choices=DECISIONS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you did.")},
    )
