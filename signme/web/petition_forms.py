"""The organiser's petition form: the words (Markdown, previewed), the target
and its scheme (an existing target or a preset), the goal, the privacy notice
and the imprint. Also where each compliance warning is fixed."""

from dataclasses import dataclass

from django import forms
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from signme.petitions.access import organisations_run_by, targets_offered_to
from signme.petitions.compliance import ComplianceWarning
from signme.petitions.models import Petition, PrivacyNotice, Target
from signme.petitions.presets import all_presets, apply_preset

PRESET = "preset:"
TARGET = "target:"


class PetitionForm(forms.ModelForm):
    target_choice = forms.ChoiceField(
        label=_("Who is petitioned"),
        help_text=_(
            "A body you already petition, or a council's scheme from SignMe's presets. "
            "The scheme sets what each signatory gives and what each threshold triggers."
        ),
        error_messages={
            "required": _("Choose who is petitioned"),
            "invalid_choice": _("Choose one of the bodies listed"),
        },
    )
    notice_text = forms.CharField(
        label=_("Privacy notice"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Shown beside the sign button and printed on sheets. Say who keeps the "
            "details, what goes to the body petitioned, and for how long. Changing it publishes "
            "a new version; signers keep the version they saw."
        ),
        error_messages={"required": _("Enter the privacy notice signers are shown")},
    )
    notice_policy_url = forms.URLField(
        label=_("Link to the full privacy policy"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a web address, like https://www.example.org/privacy")},
    )

    class Meta:
        model = Petition
        fields = [
            "organisation",
            "number",
            "title",
            "statement",
            "body",
            "title_cy",
            "statement_cy",
            "body_cy",
            "goal",
            "return_address",
            "promoter_name",
            "promoter_address",
            "on_behalf_of",
            "on_behalf_of_address",
            "printer_name",
            "printer_address",
            "retention_days",
        ]
        labels = {
            "organisation": _("Organisation running the petition"),
            "number": _("Petition number"),
            "title": _("Title"),
            "statement": _("What the petition asks for"),
            "body": _("More about the petition"),
            "title_cy": _("Title in Welsh (optional)"),
            "statement_cy": _("What the petition asks for, in Welsh (optional)"),
            "body_cy": _("More about the petition, in Welsh (optional)"),
            "goal": _("Your goal (optional)"),
            "return_address": _("Where paper sheets go back to"),
            "promoter_name": _("Promoter's name"),
            "promoter_address": _("Promoter's address"),
            "on_behalf_of": _("On behalf of (optional)"),
            "on_behalf_of_address": _("Their address (optional)"),
            "printer_name": _("Printer's name"),
            "printer_address": _("Printer's address"),
            "retention_days": _("Days to keep signers' details after the petition closes"),
        }
        help_texts = {
            "number": _("In the short link and printed on every sheet: it cannot change later."),
            "statement": _("Completes “We, the undersigned, petition the body to …”."),
            "body": _(
                "Markdown: **bold**, *italic*, [a link](https://example.org), "
                "a blank line between paragraphs, “- ” for a list."
            ),
            "goal": _(
                "A number of signatures, shown on the public page with the target's thresholds."
            ),
            "promoter_name": _("The imprint the law asks for on printed material."),
            "statement_cy": _(
                "Completes “Rydym ni, sydd wedi llofnodi isod, yn deisebu’r corff i …”."
            ),
            "body_cy": _("Markdown, as above. Left empty, Welsh readers see the English."),
            # The model's own help texts, here so that they are translated.
            "return_address": _("Where paper sheets go back to."),
            "retention_days": _("Days after closing before signers' personal data is deleted."),
        }
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 10}),
            # lang: the browser's spelling check and a screen reader use Welsh.
            "title_cy": forms.TextInput(attrs={"lang": "cy"}),
            "statement_cy": forms.Textarea(attrs={"rows": 3, "lang": "cy"}),
            "body_cy": forms.Textarea(attrs={"rows": 10, "lang": "cy"}),
            "return_address": forms.Textarea(attrs={"rows": 3}),
            "promoter_address": forms.Textarea(attrs={"rows": 3}),
            "on_behalf_of_address": forms.Textarea(attrs={"rows": 3}),
            "printer_address": forms.Textarea(attrs={"rows": 3}),
            "number": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "goal": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }
        error_messages = {
            "organisation": {
                "required": _("Choose the organisation running the petition"),
                "invalid_choice": _("Choose one of your organisations"),
            },
            "number": {
                "required": _("Enter the petition number, like 1501"),
                "invalid": _("Enter the petition number as a whole number, like 1501"),
                "unique": _("That number is taken by another petition: choose another"),
                "min_value": _("Enter a number of 1 or more"),
            },
            "title": {"required": _("Enter the petition's title")},
            "statement": {"required": _("Enter what the petition asks for")},
            "goal": {"invalid": _("Enter the goal as a whole number, like 5000")},
            "retention_days": {
                "required": _("Enter how many days to keep signers' details, like 365"),
                "invalid": _("Enter the number of days as a whole number, like 365"),
            },
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.offered_targets = targets_offered_to(user).order_by("name")
        targets = [(f"{TARGET}{t.pk}", t.name) for t in self.offered_targets]
        presets = [(f"{PRESET}{p.slug}", p.label) for p in all_presets()]
        self.fields["target_choice"].choices = [
            ("", gettext("Choose who is petitioned")),
            (gettext("Bodies you petition"), targets),
            (gettext("Preset schemes"), presets),
        ]
        if self.instance.pk:
            # Printed on paper: never changed; the organisation neither.
            del self.fields["number"]
            del self.fields["organisation"]
            self.fields["target_choice"].initial = f"{TARGET}{self.instance.target_id}"
            notice = self.instance.current_notice
            if notice:
                self.fields["notice_text"].initial = notice.text
                self.fields["notice_policy_url"].initial = notice.policy_url
        else:
            self.fields["organisation"].queryset = organisations_run_by(user).order_by("name")
            self.fields["organisation"].empty_label = None
            highest = Petition.objects.aggregate(n=Max("number"))["n"] or 0
            self.fields["number"].initial = highest + 1
        for name in ("goal", "retention_days", "number"):
            if name in self.fields:
                self.fields[name].widget.attrs.setdefault("min", 1)

    def clean_target_choice(self) -> str:
        value = self.cleaned_data["target_choice"]
        if (
            value.startswith(TARGET)
            and not self.offered_targets.filter(pk=value.removeprefix(TARGET)).exists()
        ):
            raise forms.ValidationError(gettext("Choose one of the bodies listed"))
        return value

    def clean(self):
        data = super().clean()
        # Half a petition in Welsh would be a page in two languages at once.
        title_cy, statement_cy = data.get("title_cy"), data.get("statement_cy")
        if (data.get("body_cy") or statement_cy) and not title_cy:
            self.add_error(
                "title_cy", gettext("Enter the title in Welsh too, or leave the Welsh empty")
            )
        if (data.get("body_cy") or title_cy) and not statement_cy:
            self.add_error(
                "statement_cy",
                gettext("Enter what the petition asks for in Welsh too, or leave the Welsh empty"),
            )
        return data

    def clean_goal(self):
        goal = self.cleaned_data["goal"]
        if goal is not None and goal < 1:
            raise forms.ValidationError(gettext("Enter a goal of 1 or more, or leave it empty"))
        return goal

    def chosen_target(self) -> Target:
        """The target chosen, made from its preset if that is what was picked.
        A preset already loaded into one of the offered targets is reused."""
        value = self.cleaned_data["target_choice"]
        if value.startswith(TARGET):
            return self.offered_targets.get(pk=value.removeprefix(TARGET))
        slug = value.removeprefix(PRESET)
        existing = self.offered_targets.filter(preset=slug).order_by("pk").first()
        return existing or apply_preset(None, slug)

    def save_petition(self) -> tuple[Petition, list[str]]:
        """Save, publishing a new notice version if its words changed. Returns
        the petition and what changed, for the audit log."""
        petition = self.save(commit=False)
        changed = [f for f in self.changed_data if f in self._meta.fields]
        target = self.chosen_target()
        if petition.target_id != target.pk:
            changed.append("target")
        petition.target = target
        petition.save()
        before = petition.current_notice
        notice = PrivacyNotice.publish(
            petition, self.cleaned_data["notice_text"], self.cleaned_data["notice_policy_url"]
        )
        if before is None or notice.pk != before.pk:
            changed.append(f"privacy notice {notice.code}")
        return petition, changed


@dataclass(frozen=True)
class Fix:
    """Where a compliance warning is put right: a field of the petition form
    (by name), or another page."""

    warning: ComplianceWarning
    field: str = ""
    url: str = ""
    link_text: str = ""

    @property
    def href(self) -> str:
        return self.url or f"#id_{self.field}"


# Warnings fixed by a field of the petition form.
FIELD_FOR = {
    "no_notice": "notice_text",
    "notice_silent_on_target": "notice_text",
    "notice_silent_on_email": "notice_text",
    "no_imprint": "promoter_name",
    "no_printer": "printer_name",
    "no_return_address": "return_address",
}


def where_to_fix(petition: Petition, warning: ComplianceWarning, edit_url: str = "") -> Fix:
    """The field or page that puts this warning right. `edit_url` is the
    petition form's address when linking to it from another page."""
    code = warning.code
    if code in FIELD_FOR:
        field = FIELD_FOR[code]
        if edit_url:
            return Fix(
                warning, field, f"{edit_url}#id_{field}", gettext("Change it on the petition form")
            )
        return Fix(warning, field)
    target = petition.target
    scheme = reverse("organise_target", args=[target.pk])
    if code.startswith("sheet_lacks_"):
        column = code.removeprefix("sheet_lacks_")
        return Fix(
            warning,
            url=reverse("organise_paper_columns", args=[petition.number]) + f"#id_{column}",
            link_text=gettext("Record the sheet's columns"),
        )
    if code.startswith("form_lacks_"):
        flag = "requires_" + code.removeprefix("form_lacks_")
        return Fix(
            warning, url=f"{scheme}#id_scheme-{flag}", link_text=gettext("Change the scheme")
        )
    if code == "target_without_address":
        return Fix(
            warning, url=f"{scheme}#id_scheme-address", link_text=gettext("Add the address")
        )
    return Fix(warning, url=scheme, link_text=gettext("See the scheme"))
