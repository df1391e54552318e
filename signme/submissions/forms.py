from datetime import date

from django import forms

from signme.petitions.models import PaperColumns, Target, Threshold
from signme.petitions.presets import all_presets
from signme.petitions.schemes import SCHEME_FIELDS

from .models import Outcome


class SchemeForm(forms.ModelForm):
    scheme_url = forms.URLField(
        label="Link to the petition scheme",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a web address, like https://www.example.gov.uk"},
    )

    class Meta:
        model = Target
        fields = ["name", *SCHEME_FIELDS, "scheme_checked_on"]
        labels = {
            "name": "Name of the body petitioned",
            "address": "Where petitions are handed in",
            "requires_name": "Every signatory gives a name",
            "requires_address": "Every signatory gives an address",
            "requires_postcode": "Every signatory gives a postcode",
            "requires_email": "Online signatories give an email address",
            "eligibility_question": "Eligibility question",
            "eligible_postcode_areas": "Eligible postcode areas",
            "minimum_signatures": "Minimum number of signatures",
            "how_to_submit": "How to submit",
            "submit_by_email": "Email address for submissions",
            "scheme_url": "Link to the petition scheme",
            "scheme_checked_on": "Date the scheme was last checked",
        }
        help_texts = {"scheme_checked_on": "For example 1 11 2026 (day month year)."}
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "how_to_submit": forms.Textarea(attrs={"rows": 4}),
            "scheme_checked_on": forms.DateInput(attrs={"type": "date"}),
        }
        error_messages = {
            "name": {"required": "Enter the name of the body petitioned"},
            "minimum_signatures": {"invalid": "Enter the minimum as a whole number, like 20"},
            "scheme_url": {"invalid": "Enter a web address, like https://www.example.gov.uk"},
            "submit_by_email": {"invalid": "Enter an email address, like name@example.gov.uk"},
            "scheme_checked_on": {"invalid": "Enter a real date, like 2026-11-01"},
        }

    def clean_eligible_postcode_areas(self):
        value = self.cleaned_data["eligible_postcode_areas"]
        areas = [a.strip().upper() for a in value.replace(";", ",").split(",") if a.strip()]
        for area in areas:
            if not (area.isalnum() and 1 <= len(area) <= 4 and area[0].isalpha()):
                raise forms.ValidationError(
                    f"“{area}” is not a postcode area or district: use letters like NR, or NR25"
                )
        return ", ".join(areas)


class ThresholdForm(forms.ModelForm):
    class Meta:
        model = Threshold
        fields = ["count", "triggers"]
        labels = {"count": "Signatures", "triggers": "What the target then does"}
        # The table's column headings say it: a hint would describe each box
        # by an element the table does not have.
        help_texts = {"triggers": ""}
        error_messages = {
            "count": {"invalid": "Enter the number of signatures as a whole number"},
        }


ThresholdFormSet = forms.inlineformset_factory(
    Target, Threshold, form=ThresholdForm, extra=1, can_delete=True
)


class PresetForm(forms.Form):
    preset = forms.ChoiceField(
        label="Load a preset scheme",
        help_text="Replaces this target's scheme and thresholds with the preset's.",
        error_messages={
            "required": "Choose a preset",
            "invalid_choice": "Choose one of the presets listed",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preset"].choices = [("", "Choose a preset")] + [
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
        kwargs.setdefault("help_text", "For example, 27 3 2026")
        parts = (forms.CharField(required=False),) * 3
        super().__init__(parts, require_all_fields=False, **kwargs)

    def clean(self, value):
        day, month, year = [str(v or "").strip() for v in (list(value or []) + [""] * 3)[:3]]
        if not (day or month or year):
            if self.required:
                raise forms.ValidationError(f"Enter the {self.label.lower()}")
            return None
        missing = [n for n, v in (("a day", day), ("a month", month), ("a year", year)) if not v]
        if missing:
            raise forms.ValidationError(f"{self.label} must include {' and '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise forms.ValidationError(f"{self.label} must be in numbers, like 27 3 2026")
        if len(year) != 4:
            raise forms.ValidationError("Year must include 4 numbers")
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(
                f"{self.label} must be a real date, like 27 3 2026"
            ) from None

    def compress(self, data_list):  # clean() does the work; kept for the API
        return data_list


class OutcomeForm(forms.ModelForm):
    submitted_on = DayMonthYearField(label="Date handed in", required=False)
    acknowledged_on = DayMonthYearField(label="Date acknowledged", required=False)
    response_on = DayMonthYearField(label="Date of the response", required=False)
    debate_on = DayMonthYearField(label="Date of the debate", required=False)

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
        widgets = {
            "acknowledgement": forms.Textarea(attrs={"rows": 3}),
            "response": forms.Textarea(attrs={"rows": 6}),
            "debate": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        order = ["submitted_on", "acknowledged_on", "response_on"]
        dates = [(f, data.get(f)) for f in order if data.get(f)]
        for (_, earlier), (later_field, later) in zip(dates, dates[1:], strict=False):
            if later < earlier:
                self.add_error(later_field, "This date is before the step that comes before it")
        if data.get("response") and not data.get("response_on"):
            self.add_error("response_on", "Enter the date of the response")
        return data
