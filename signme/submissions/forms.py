from datetime import date

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from signme.petitions.models import PaperColumns, Target, Threshold
from signme.petitions.presets import all_presets
from signme.petitions.schemes import SCHEME_FIELDS

from .models import Outcome


class SchemeForm(forms.ModelForm):
    scheme_url = forms.URLField(
        label=_("Link to the petition scheme"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a web address, like https://www.example.gov.uk")},
    )

    class Meta:
        model = Target
        fields = ["name", *SCHEME_FIELDS, "scheme_checked_on"]
        labels = {
            "name": _("Name of the body petitioned"),
            "address": _("Where petitions are handed in"),
            "requires_name": _("Every signatory gives a name"),
            "requires_address": _("Every signatory gives an address"),
            "requires_postcode": _("Every signatory gives a postcode"),
            "requires_email": _("Online signatories give an email address"),
            "eligibility_question": _("Eligibility question"),
            "refuse_ineligible": _("Refuse ineligible"),
            "eligible_postcode_areas": _("Eligible postcode areas"),
            "minimum_signatures": _("Minimum number of signatures"),
            "how_to_submit": _("How to submit"),
            "submit_by_email": _("Email address for submissions"),
            "scheme_url": _("Link to the petition scheme"),
            "scheme_checked_on": _("Date the scheme was last checked"),
        }
        help_texts = {
            # The model's own help texts, here so that they are translated.
            "requires_email": _("Online signatures always need an email to be confirmed."),
            "eligibility_question": _("Asked of every signer, e.g. 'Do you live in …?'"),
            "eligible_postcode_areas": _("Optional, comma-separated, e.g. 'NR, IP, PE'."),
            "refuse_ineligible": _(
                "Refuse a signer who answers no, instead of recording them as not counted."
            ),
            "submit_by_email": _("Where the target accepts petitions by email, if it does."),
            "scheme_checked_on": _("For example 1 11 2026 (day month year)."),
        }
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "how_to_submit": forms.Textarea(attrs={"rows": 4}),
            "scheme_checked_on": forms.DateInput(attrs={"type": "date"}),
        }
        error_messages = {
            "name": {"required": _("Enter the name of the body petitioned")},
            "minimum_signatures": {"invalid": _("Enter the minimum as a whole number, like 20")},
            "scheme_url": {"invalid": _("Enter a web address, like https://www.example.gov.uk")},
            "submit_by_email": {"invalid": _("Enter an email address, like name@example.gov.uk")},
            "scheme_checked_on": {"invalid": _("Enter a real date, like 2026-11-01")},
        }

    def clean_eligible_postcode_areas(self):
        value = self.cleaned_data["eligible_postcode_areas"]
        areas = [a.strip().upper() for a in value.replace(";", ",").split(",") if a.strip()]
        for area in areas:
            if not (area.isalnum() and 1 <= len(area) <= 4 and area[0].isalpha()):
                raise forms.ValidationError(
                    gettext(
                        "“%(area)s” is not a postcode area or district: "
                        "use letters like NR, or NR25"
                    )
                    % {"area": area}
                )
        return ", ".join(areas)


class ThresholdForm(forms.ModelForm):
    class Meta:
        model = Threshold
        fields = ["count", "triggers"]
        labels = {"count": _("Signatures"), "triggers": _("What the target then does")}
        # The table's column headings say it: a hint would describe each box
        # by an element the table does not have.
        help_texts = {"triggers": ""}
        error_messages = {
            "count": {"invalid": _("Enter the number of signatures as a whole number")},
        }


ThresholdFormSet = forms.inlineformset_factory(
    Target, Threshold, form=ThresholdForm, extra=1, can_delete=True
)


class PresetForm(forms.Form):
    preset = forms.ChoiceField(
        label=_("Load a preset scheme"),
        help_text=_("Replaces this target's scheme and thresholds with the preset's."),
        error_messages={
            "required": _("Choose a preset"),
            "invalid_choice": _("Choose one of the presets listed"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preset"].choices = [("", gettext("Choose a preset"))] + [
            (p.slug, p.label) for p in all_presets()
        ]


class PaperColumnsForm(forms.ModelForm):
    class Meta:
        model = PaperColumns
        fields = ["name", "address", "postcode", "email", "signature"]


class DayMonthYearWidget(forms.MultiWidget):
    """Three boxes, day, month and year, as the GOV.UK date input: easier on
    a phone than the browser's date picker, and typed from a letter."""

    template_name = "submissions/date_input.html"

    def __init__(self, attrs=None):
        numeric = {"inputmode": "numeric", "spellcheck": "false"}
        super().__init__(
            [
                forms.TextInput({**numeric, "class": "date-day", "maxlength": "2"}),
                forms.TextInput({**numeric, "class": "date-month", "maxlength": "2"}),
                forms.TextInput({**numeric, "class": "date-year", "maxlength": "4"}),
            ],
            attrs,
        )

    def decompress(self, value):
        return [value.day, value.month, value.year] if value else [None, None, None]


class DayMonthYearField(forms.MultiValueField):
    """A date from three boxes, with the GOV.UK pattern's errors: which part
    is missing, or that it is not a real date."""

    widget = DayMonthYearWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("For example, 27 3 2026"))
        parts = (forms.CharField(required=False),) * 3
        super().__init__(parts, require_all_fields=False, **kwargs)

    def clean(self, value):
        day, month, year = [str(v or "").strip() for v in (list(value or []) + [""] * 3)[:3]]
        named = {"label": self.label}
        if not (day or month or year):
            if self.required:
                raise forms.ValidationError(
                    gettext("Enter the %(label)s") % {"label": str(self.label).lower()}
                )
            return None
        missing = [
            part
            for part, v in (
                (gettext("a day"), day),
                (gettext("a month"), month),
                (gettext("a year"), year),
            )
            if not v
        ]
        if missing:
            if len(missing) == 2:
                parts = gettext("%(first)s and %(last)s") % {
                    "first": missing[0],
                    "last": missing[1],
                }
            else:
                parts = missing[0]
            raise forms.ValidationError(
                gettext("%(label)s must include %(parts)s") % {**named, "parts": parts}
            )
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise forms.ValidationError(
                gettext("%(label)s must be in numbers, like 27 3 2026") % named
            )
        if len(year) != 4:
            raise forms.ValidationError(gettext("Year must include 4 numbers"))
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(
                gettext("%(label)s must be a real date, like 27 3 2026") % named
            ) from None

    def compress(self, data_list):  # clean() does the work; kept for the API
        return data_list


class OutcomeForm(forms.ModelForm):
    submitted_on = DayMonthYearField(label=_("Date handed in"), required=False)
    acknowledged_on = DayMonthYearField(label=_("Date acknowledged"), required=False)
    response_on = DayMonthYearField(label=_("Date of the response"), required=False)
    debate_on = DayMonthYearField(label=_("Date of the debate"), required=False)

    class Meta:
        model = Outcome
        fields = [
            "submitted_on",
            "acknowledged_on",
            "acknowledgement",
            "response_on",
            "response",
            "debate_on",
            "debate",
        ]
        # The model's own labels and help texts, here so that they are translated.
        labels = {
            "acknowledgement": _("Acknowledgement"),
            "response": _("Response"),
            "debate": _("Debate"),
        }
        help_texts = {
            "acknowledgement": _("What the target said when it acknowledged the petition."),
            "response": _("The target's response, in its words."),
            "debate": _("Where and how it was debated."),
        }
        widgets = {
            "acknowledgement": forms.Textarea(attrs={"rows": 3}),
            "response": forms.Textarea(attrs={"rows": 6}),
            "debate": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        order = ["submitted_on", "acknowledged_on", "response_on"]
        dates = [(f, data.get(f)) for f in order if data.get(f)]
        for (_field, earlier), (later_field, later) in zip(dates, dates[1:], strict=False):
            if later < earlier:
                self.add_error(
                    later_field, gettext("This date is before the step that comes before it")
                )
        if data.get("response") and not data.get("response_on"):
            self.add_error("response_on", gettext("Enter the date of the response"))
        return data
