"""Forms of the team pages: inviting someone, and a volunteer's petitions."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from signme.petitions.access import petitions_a_volunteer_may_have
from signme.petitions.models import Invitation, Membership
from signme.petitions.team import account_for


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Their email address"),
        max_length=254,
        help_text=_("The invitation goes here. The link in it works once, for 7 days."),
        error_messages={
            "required": _("Enter the email address to send the invitation to"),
            "invalid": _("Enter an email address in the right format, like name@example.org"),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(
        label=_("They join as"),
        choices=Membership.Role.choices,
        initial=Membership.Role.VOLUNTEER,
        widget=forms.RadioSelect,
        help_text=_(
            "Volunteers see only the petitions you give them, and only their paper work. "
            "Organisers see and change everything of the organisation."
        ),
        error_messages={
            "required": _("Choose whether they join as a volunteer or an organiser"),
            "invalid_choice": _("Choose whether they join as a volunteer or an organiser"),
        },
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        user = account_for(email)
        if user and Membership.objects.filter(user=user, organisation=self.organisation).exists():
            raise forms.ValidationError(
                gettext("%(email)s is in the team already") % {"email": email}
            )
        waiting = Invitation.objects.filter(
            organisation=self.organisation,
            email__iexact=email,
            accepted_at=None,
            created_at__gt=timezone.now() - timedelta(seconds=settings.INVITATION_MAX_AGE),
        )
        if waiting.exists():
            raise forms.ValidationError(
                gettext(
                    "An invitation to %(email)s is waiting to be accepted. "
                    "Cancel it below to send a new one"
                )
                % {"email": email}
            )
        return email


class VolunteerPetitionsForm(forms.Form):
    petitions = forms.ModelMultipleChoiceField(
        label=_("Petitions they work on"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They see these petitions' paper work (returns, typing up) and nothing else."),
        error_messages={
            "invalid_choice": _("Choose only petitions of this organisation"),
            "invalid_pk_value": _("Choose only petitions of this organisation"),
        },
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["petitions"].queryset = petitions_a_volunteer_may_have(membership).order_by(
            "-number"
        )
        self.fields["petitions"].initial = list(
            membership.petitions.filter(organisation_id=membership.organisation_id)
        )
