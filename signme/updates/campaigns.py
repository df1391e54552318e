"""Organisers' updates to signers: compose, test, send, and render each copy.

Sending goes through the one bulk path (signme.mailing.bulk); who may be
emailed is people's rule (signme.people.contact)."""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from signme.lib.language import ENGLISH, WELSH, in_language, lang_query, stored_language
from signme.mailing import bulk
from signme.mailing.kinds import EmailKind, Rendered
from signme.mailing.models import Campaign, OutboundEmail
from signme.people.contact import email_recipients, may_contact
from signme.people.links import unsubscribe_url
from signme.petitions.models import Signature

_LINK = "@@UNSUBSCRIBE_URL@@"


def parts(campaign: Campaign, test: bool = False, language: str = ENGLISH) -> tuple[str, str]:
    """The text and HTML bodies, with a placeholder for each person's own
    unsubscribe link. The organiser's text stays as they wrote it; the footer
    SignMe adds is in the signer's language, its links opening pages in it."""
    petition = campaign.petition
    context = {
        "campaign": campaign,
        "petition": petition,
        "organisation": petition.organisation,
        "unsubscribe_url": _LINK,
        "test": test,
        "base_url": settings.BASE_URL,
        "lang_query": lang_query(language),
    }
    with in_language(language):
        return (
            render_to_string("updates/emails/organiser_update.txt", context),
            render_to_string("updates/emails/organiser_update.html", context),
        )


def signer_languages(petition) -> list[str]:
    """The languages the petition's signers read their emails in: English,
    and Welsh once a confirmed signer with an email address signed in Welsh
    (whether each may be emailed is decided when the update is sent)."""
    welsh = Signature.objects.filter(
        petition_id=petition.pk,
        language=WELSH,
        status=Signature.Status.VERIFIED,
        erased_at=None,
    ).exclude(email_canonical="")
    return [ENGLISH, WELSH] if welsh.exists() else [ENGLISH]


def preview_text(campaign: Campaign, language: str = ENGLISH) -> str:
    """The plain text a signer reading `language` gets, their own link aside."""
    text, _ = parts(campaign, language=language)
    with in_language(language):
        return text.replace(_LINK, gettext("(their own unsubscribe link)"))


# Rendered once per campaign, language and process: 100,000 emails differ
# only in their unsubscribe link. Safe to cache because a campaign cannot
# change once queued (the worker only renders queued campaigns; drafts are
# rendered afresh).
_cache: dict[tuple[int, str], tuple] = {}


def _cached(campaign_id: int, language: str):
    hit = _cache.get((campaign_id, language))
    if hit is None:
        campaign = Campaign.objects.select_related("petition__organisation").get(pk=campaign_id)
        text, html = parts(campaign, language=language)
        hit = (campaign, text, html)
        if len(_cache) > 32:
            _cache.clear()
        _cache[(campaign_id, language)] = hit
    return hit


def forget_rendered() -> None:
    """Tests reuse campaign ids across a rolled-back database."""
    _cache.clear()


def organiser_update(row) -> Rendered | None:
    signature = row.signature
    if signature is None or signature.erased_at or not signature.email_canonical:
        return None
    language = stored_language(signature.language)
    campaign, text, html = _cached(row.campaign_id, language)
    organisation = campaign.petition.organisation
    if not may_contact(organisation.pk, signature.email_canonical, "email", signature.phone):
        return None
    url = unsubscribe_url(signature.pk)
    # The link in the footer opens the page in the footer's language; the
    # List-Unsubscribe header keeps the plain one.
    shown = url + lang_query(language)
    return Rendered(
        subject=campaign.subject,
        text=text.replace(_LINK, shown),
        html=html.replace(_LINK, shown),
        headers=bulk.list_headers(organisation, url),
        from_email=bulk.sender(organisation),
    )


def organiser_update_test(row) -> Rendered | None:
    campaign = Campaign.objects.select_related("petition__organisation").get(pk=row.campaign_id)
    organisation = campaign.petition.organisation
    # In the language of the signers it shows (send_test): what SignMe adds
    # around the organiser's words is theirs.
    language = stored_language((row.headers or {}).get("language"))
    text, html = parts(campaign, test=True, language=language)
    url = settings.BASE_URL + "/unsubscribe/test"
    with in_language(language):
        subject = gettext("[Test] %(subject)s") % {"subject": campaign.subject}
    return Rendered(
        subject=subject,
        text=text.replace(_LINK, url),
        html=html.replace(_LINK, url),
        headers=bulk.list_headers(organisation, url),
        from_email=bulk.sender(organisation),
    )


def send_test(campaign: Campaign, to: str, language: str = ENGLISH) -> OutboundEmail:
    """A test copy to `to`, as the signers who read `language` will get it."""
    with transaction.atomic():
        row = OutboundEmail.objects.create(
            kind=EmailKind.ORGANISER_UPDATE_TEST,
            to=to,
            campaign=campaign,
            petition=campaign.petition,
            headers={"language": WELSH} if language == WELSH else {},
        )
        Campaign.objects.filter(pk=campaign.pk).update(test_sent_at=timezone.now())
    return row


def start_sending(campaign: Campaign, user=None) -> bool:
    return bulk.start_sending(campaign, user)


def fan_out(worker_id: str, budget: int | None = 5000, on_progress=None) -> int:
    """Worker job: queue the next slice of whichever campaign is waiting."""
    return bulk.fan_out(worker_id, email_recipients, budget=budget, on_progress=on_progress)


def updates_of(petition):
    return Campaign.objects.filter(petition=petition, kind=EmailKind.ORGANISER_UPDATE)
