from django import forms
from django.utils.translation import gettext_lazy as _

from signme.petitions.invalidation import RuleError, normalise
from signme.petitions.models import Invalidation

WHEN = {"invalid": _("Enter a date and time, like 2026-11-28 14:30.")}
Rule = Invalidation.Rule
# The rules as the organiser reads them; the model's labels stay English for
# the audit log.
RULE_LABELS = {
    Rule.ADDRESS: _("Signed from an address or range"),
    Rule.DOMAIN: _("Email domain"),
    Rule.WINDOW: _("Signed within a time window"),
    Rule.NAME: _("Name matching a pattern"),
    Rule.SHEET: _("Rows of a paper sheet"),
}


class _LocalDateTime(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self):
        super().__init__(format="%Y-%m-%dT%H:%M")


class InvalidateForm(forms.Form):
    rule = forms.ChoiceField(
        label=_("Match signatures by"),
        choices=[("", _("Choose…")), *RULE_LABELS.items()],
        error_messages={"required": _("Choose what to match signatures by.")},
    )
    value = forms.CharField(
        label=_("Address, domain, name or sheet"),
        required=False,
        max_length=200,
        help_text=_(
            "An IP address or range (203.0.113.7, 203.0.113.0/24, 2001:db8:1:2::/64), "
            "an email domain (example.com), a name where * stands for any letters (Mickey*), "
            "or a sheet's serial (S1500-0007). Not needed for a time window."
        ),
    )
    starts_at = forms.DateTimeField(
        label=_("Window starts"),
        required=False,
        widget=_LocalDateTime(),
        help_text=_("For a time window only: online signatures made from this moment, UK time."),
        error_messages=WHEN,
    )
    ends_at = forms.DateTimeField(
        label=_("Window ends"),
        required=False,
        widget=_LocalDateTime(),
        help_text=_("Up to, not including, this moment."),
        error_messages=WHEN,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_(
            "Kept with the invalidation for organisers and the audit log. Signers are not told."
        ),
        error_messages={
            "required": _("Give a reason: it is kept with the invalidation."),
            "max_length": _("Keep the reason to 300 characters or fewer."),
        },
    )

    def __init__(self, *args, petition, **kwargs):
        super().__init__(*args, **kwargs)
        self.petition = petition

    def clean(self):
        data = super().clean()
        if self.errors.keys() & {"rule", "value", "starts_at", "ends_at"}:
            return data
        try:
            data["value"], data["starts_at"], data["ends_at"] = normalise(
                self.petition,
                data["rule"],
                data.get("value", ""),
                data.get("starts_at"),
                data.get("ends_at"),
            )
        except RuleError as e:
            self.add_error(e.field if e.field in self.fields else None, str(e))
        return data
