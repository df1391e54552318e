from django import forms
from django.utils.translation import gettext_lazy as _

from signme.lib.language import CHOICES, ENGLISH, current_language

from . import layout as L


def tally_field(label: str, required: str) -> forms.IntegerField:
    """A sheet's count of signed rows, with the same limits and messages
    wherever a tally is typed."""
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=L.ROWS,
        error_messages={
            "required": required,
            "invalid": _("Enter the number of signed rows, like 7"),
            "min_value": _("The tally cannot be less than 0"),
            "max_value": _(
                "A sheet has %(limit_value)s rows: the tally cannot be more than %(limit_value)s"
            ),
        },
    )


class SheetLanguageField(forms.ChoiceField):
    """The language sheets are printed in: the reader's own offered first,
    English when none is sent (as before sheets had a language)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"invalid_choice": _("Choose English or Cymraeg")})
        # A callable, so each form offers the language of its own request.
        super().__init__(choices=CHOICES, required=False, initial=current_language, **kwargs)

    def clean(self, value):
        return super().clean(value) or ENGLISH


class IssueForm(forms.Form):
    count = forms.IntegerField(
        label=_("How many sheets"),
        min_value=1,
        max_value=1000,
        error_messages={
            "required": _("Enter how many sheets to print"),
            "invalid": _("Enter a whole number of sheets, like 20"),
            "min_value": _("Print at least 1 sheet"),
            "max_value": _("Print at most 1,000 sheets at a time"),
        },
    )
    issued_to = forms.CharField(
        label=_("Given to"),
        max_length=200,
        help_text=_("A volunteer's name or a place, like 'Holt market stall'."),
        error_messages={"required": _("Enter who or where the sheets are for")},
    )
    language = SheetLanguageField(
        label=_("Language of the sheets"),
        help_text=_("Rows typed from them keep the consent wording the signers read."),
    )


class ReturnForm(forms.Form):
    serial = forms.CharField(
        label=_("Sheet number"),
        required=False,
        max_length=200,
        help_text=_(
            "As printed under the QR code, like S1500-000123, or just its own number, "
            "like 123. Leave it empty for a sheet downloaded from the petition page: it gets a "
            "number now."
        ),
    )
    tally = tally_field(_("Signed rows (tally)"), _("Enter how many rows are signed"))
    # A numbered sheet was issued in its language; a downloaded one was
    # printed in whichever the petition page was read in, which only the
    # sheet in hand shows.
    language = SheetLanguageField(
        label=_("Language of a downloaded sheet"),
        help_text=_(
            "Only for a sheet with no number: the language it is printed in, so that rows "
            "typed from it keep the consent wording its signers read."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["serial"].widget.attrs.update(autocapitalize="characters", spellcheck="false")
        self.fields["tally"].widget.attrs.update(inputmode="numeric")


class SheetNumberField(forms.CharField):
    """A sheet number as a person types it; the view reads it with
    sheets.serial_for, which knows the petition."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Sheet number"))
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault(
            "help_text", _("As printed under the QR code, like S1500-000123, or just 123.")
        )
        kwargs.setdefault("error_messages", {"required": _("Enter the sheet number")})
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update(autocapitalize="characters", spellcheck="false", autocomplete="off")
        return attrs


class CorrectTallyForm(forms.Form):
    """A tally logged wrong: a recount, or a sheet its scan marked returned."""

    serial = SheetNumberField()
    tally = tally_field(_("Correct tally"), _("Enter the correct number of signed rows"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "fix")
        super().__init__(*args, **kwargs)
        self.fields["tally"].widget.attrs.update(inputmode="numeric")


class FindSheetForm(forms.Form):
    """Go to a sheet to type it up (or see its rows)."""

    serial = SheetNumberField()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "find")
        super().__init__(*args, **kwargs)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why reopen it"),
        max_length=200,
        help_text=_(
            "Kept in the audit log, like 'row 4 typed with the wrong postcode'. "
            "No names or addresses."
        ),
        error_messages={"required": _("Say why the sheet is reopened")},
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input. It only gathers them: what is wrong with
    a file (empty, not a scan, too large) is said once, by the scan checks,
    and a plain FileField given a list would add "No file was submitted"."""

    def clean(self, data, initial=None):
        uploads = [f for f in data or [] if f]
        if self.required and not uploads:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return uploads


class ScanUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Scans of returned sheets"),
        help_text=_(
            "PDF, PNG or JPEG; choose several files at once if you like. Up to 25 MB a "
            "file and 100 pages."
        ),
        widget=MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
        required=False,
    )


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo or scan of the sheet"),
        help_text=_("The sheet number and tally are read from it for you to check."),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".png,.jpg,.jpeg,.pdf"}),
    )


class AssignForm(forms.Form):
    serial = SheetNumberField()
