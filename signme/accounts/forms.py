import re

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("6 digits. A new code appears every 30 seconds."),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "autocapitalize": "off",
            }
        ),
        error_messages={"required": _("Enter the 6-digit code your app shows.")},
    )

    def clean_code(self) -> str:
        # Apps show the code as "123 456"; people type it that way.
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"[0-9]{6}", code):
            raise forms.ValidationError(_("Enter the 6-digit code your app shows, digits only."))
        return code
