"""Organisers write, preview, test and send updates to a petition's signers."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from signme.lib.http import private_no_store, see_other
from signme.lib.language import ENGLISH, WELSH
from signme.mailing import bulk
from signme.mailing.models import Campaign
from signme.people.contact import count_email_recipients
from signme.petitions.access import staff_petition

from . import campaigns

LANGUAGE_NAMES = {
    ENGLISH: _("To those who signed in English"),
    WELSH: _("To those who signed in Welsh"),
}


class CampaignForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        error_messages={"required": _("Enter a subject.")},
    )
    body = forms.CharField(
        label=_("Message"),
        help_text=_(
            "Markdown: *italic*, **bold**, [a link](https://example.org), blank line "
            "between paragraphs. We add who it is from, the imprint and the unsubscribe link."
        ),
        widget=forms.Textarea(attrs={"rows": 14}),
        error_messages={"required": _("Write the message.")},
    )

    def clean_subject(self):
        value = " ".join(self.cleaned_data["subject"].split())
        if not value:
            raise forms.ValidationError(gettext("Enter a subject."))
        return value


def _campaign(request, number: int, pk: int):
    petition = staff_petition(request, number, organiser_only=True)
    return petition, get_object_or_404(campaigns.updates_of(petition), pk=pk)


def _url(campaign: Campaign) -> str:
    return reverse("campaign", args=[campaign.petition.number, campaign.pk])


@login_required
@require_http_methods(["GET"])
def campaign_list(request, number: int):
    petition = staff_petition(request, number, organiser_only=True)
    rows = [(c, bulk.progress(c)) for c in campaigns.updates_of(petition)]
    return private_no_store(
        render(request, "updates/list.html", {"petition": petition, "rows": rows})
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_write(request, number: int, pk: int | None = None):
    petition = staff_petition(request, number, organiser_only=True)
    campaign = None
    if pk is not None:
        campaign = get_object_or_404(campaigns.updates_of(petition), pk=pk)
        if campaign.status != Campaign.Status.DRAFT:
            messages.error(
                request, gettext("This update is already being sent and can no longer change.")
            )
            return see_other(_url(campaign))
    initial = {"subject": campaign.subject, "body": campaign.body} if campaign else None
    form = CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if campaign is None:
            campaign = Campaign(petition=petition, created_by=request.user)
        campaign.subject = form.cleaned_data["subject"]
        campaign.body = form.cleaned_data["body"]
        campaign.save()
        return see_other(_url(campaign))
    status = 400 if request.method == "POST" else 200
    return private_no_store(
        render(
            request,
            "updates/write.html",
            {"petition": petition, "campaign": campaign, "form": form},
            status=status,
        )
    )


@login_required
@require_http_methods(["GET"])
def campaign_detail(request, number: int, pk: int):
    petition, campaign = _campaign(request, number, pk)
    context = {
        "petition": petition,
        "campaign": campaign,
        "sender": bulk.sender(petition.organisation),
        # One preview for each language its signers read: what SignMe adds
        # around the organiser's words is in theirs.
        "previews": [
            (language, LANGUAGE_NAMES[language], campaigns.preview_text(campaign, language))
            for language in campaigns.signer_languages(petition)
        ],
        "progress": bulk.progress(campaign),
        "recipients": count_email_recipients(petition)
        if campaign.status == Campaign.Status.DRAFT
        else campaign.recipients,
        "test_to": _test_address(request.user),
        "busy": campaign.status
        in (Campaign.Status.QUEUED, Campaign.Status.QUEUING, Campaign.Status.SENDING),
    }
    return private_no_store(render(request, "updates/detail.html", context))


def _test_address(user) -> str:
    if user.email:
        return user.email
    return user.get_username() if "@" in user.get_username() else ""


@login_required
@require_POST
def campaign_test(request, number: int, pk: int):
    petition, campaign = _campaign(request, number, pk)
    to = _test_address(request.user)
    if not to:
        messages.error(request, gettext("Your account has no email address to send a test to."))
    else:
        languages = campaigns.signer_languages(petition)
        for language in languages:
            campaigns.send_test(campaign, to, language)
        if len(languages) == 1:
            messages.success(request, gettext("A test is on its way to %(to)s.") % {"to": to})
        else:
            messages.success(
                request,
                gettext("Two tests are on their way to %(to)s: one in English, one in Welsh.")
                % {"to": to},
            )
    return see_other(_url(campaign))


@login_required
@require_POST
def campaign_send(request, number: int, pk: int):
    petition, campaign = _campaign(request, number, pk)
    if request.POST.get("confirm") != "yes":
        messages.error(
            request, gettext("Tick the box to confirm you want to send this update to everyone.")
        )
        return see_other(_url(campaign))
    if campaigns.start_sending(campaign, request.user):
        messages.success(
            request, gettext("Sending has started. This page shows how far it has got.")
        )
    else:
        messages.info(request, gettext("This update was already sent; nobody gets it twice."))
    return see_other(_url(campaign))
