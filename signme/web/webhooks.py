"""An organisation's webhooks: where its own systems hear that a signature
was counted, a threshold reached or a signer opted out. Organisers of the
organisation only (404 for everyone else); every change is audited."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from signme.audit.log import Action, record
from signme.lib.http import private_no_store, see_other
from signme.petitions.access import organisation_run_by, organisation_webhook
from signme.webhooks.delivery import SIGNATURE_HEADER, inside_network
from signme.webhooks.models import Delivery, Event, Webhook, new_secret

RECENT = 20


class WebhookForm(forms.Form):
    url = forms.URLField(
        label=_("Address to send events to"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Your system's address, starting https://. SignMe posts JSON to it."),
        error_messages={
            "required": _("Enter the address to send events to"),
            "invalid": _(
                "Enter a web address starting https://, like https://crm.example.org/hook"
            ),
        },
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    secret = forms.CharField(
        label=_("Secret (optional)"),
        required=False,
        min_length=16,
        max_length=100,
        help_text=_("Used to sign each event. Leave empty and SignMe makes one for you."),
        error_messages={"min_length": _("Make the secret at least 16 characters long")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not url.lower().startswith(("https://", "http://")):
            raise forms.ValidationError(self.fields["url"].error_messages["invalid"])
        if inside_network(url):
            raise forms.ValidationError(
                gettext(
                    "Enter an address on the public internet: SignMe does not send events to "
                    "this machine or a private network"
                )
            )
        return url


def _page(request, organisation, form, status=200):
    hooks = Webhook.objects.filter(organisation=organisation).order_by("pk")
    recent = (
        Delivery.objects.filter(webhook__organisation=organisation)
        .select_related("webhook")
        .order_by("-pk")[:RECENT]
    )
    context = {
        "organisation": organisation,
        "webhooks": hooks,
        "recent": recent,
        "events": Event.choices,
        "header": SIGNATURE_HEADER,
        "form": form,
    }
    return private_no_store(render(request, "web/organise/webhooks.html", context, status=status))


@login_required
@require_http_methods(["GET", "POST"])
def webhooks_page(request, organisation: int):
    org = organisation_run_by(request, organisation)
    if request.method == "GET":
        return _page(request, org, WebhookForm())
    form = WebhookForm(request.POST)
    if not form.is_valid():
        return _page(request, org, form, status=400)
    with transaction.atomic():
        hook = Webhook.objects.create(
            organisation=org,
            url=form.cleaned_data["url"],
            secret=form.cleaned_data["secret"] or new_secret(),
            created_by=request.user,
        )
        record(request.user, Action.WEBHOOK, f"webhook {hook.pk} added", organisation=org)
    messages.success(request, gettext("Events will be sent to %(url)s.") % {"url": hook.url})
    return see_other(reverse("webhooks", args=[org.pk]))


@login_required
@require_POST
def webhook_remove(request, organisation: int, pk: int):
    org = organisation_run_by(request, organisation)
    hook = organisation_webhook(org, pk)
    with transaction.atomic():
        record(request.user, Action.WEBHOOK, f"webhook {hook.pk} removed", organisation=org)
        hook.delete()
    messages.success(request, gettext("Events are no longer sent to %(url)s.") % {"url": hook.url})
    return see_other(reverse("webhooks", args=[org.pk]))
