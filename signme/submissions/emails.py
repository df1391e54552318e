"""Emails about thresholds and outcomes."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from signme.lib.language import in_language, lang_query, stored_language
from signme.mailing.bulk import list_headers, sender
from signme.mailing.kinds import EmailKind, Rendered, render_templates
from signme.mailing.outbox import queue_email
from signme.people.contact import may_contact
from signme.people.links import unsubscribe_url
from signme.petitions.access import organisers_of
from signme.petitions.models import Signature, ThresholdReached

from .models import Outcome


def organiser_addresses(petition) -> list[tuple[str, str]]:
    """Each organiser's address, once, with the language they read SignMe in."""
    found = {}
    for m in organisers_of(petition.organisation_id):
        address = m.user.email or (m.user.username if "@" in m.user.username else "")
        if address and address not in found:
            found[address] = stored_language(m.language)
    return list(found.items())


def tell_organisers_threshold_reached(reached: ThresholdReached) -> None:
    """Queue the news to every organiser, each in the language they read
    SignMe in (not that of the request that reached the threshold: a Welsh
    volunteer's tally, say). Call it in the transaction that records the
    threshold, so the email is queued exactly when the row is."""
    petition = reached.petition
    context = {
        "petition": petition,
        "threshold": reached.threshold,
        "reached": reached,
        "target": petition.target,
    }
    organise_url = settings.BASE_URL + reverse("organise_petition", args=[petition.number])
    rendered = {}
    with transaction.atomic():
        for address, language in organiser_addresses(petition):
            if language not in rendered:
                # The organiser page's link opens it in their language too.
                with in_language(language):
                    rendered[language] = render_templates(
                        "submissions/emails/threshold_reached",
                        {**context, "organise_url": organise_url + lang_query(language)},
                    )
            queue_email(
                EmailKind.THRESHOLD_REACHED,
                address,
                petition=petition,
                subject=rendered[language].subject,
                text=rendered[language].text,
                html=rendered[language].html,
            )


def petition_outcome(row) -> Rendered | None:
    signature: Signature | None = row.signature
    if signature is None or signature.erased_at or not signature.email_canonical:
        return None
    petition = row.petition or signature.petition
    organisation = petition.organisation
    # Checked again at send time: an unsubscribe since queuing wins.
    if not may_contact(organisation.pk, signature.email_canonical, "email", signature.phone):
        return None
    outcome = Outcome.objects.filter(petition=petition).first()
    if outcome is None or outcome.is_empty:
        return None
    url = unsubscribe_url(signature.pk)
    # In the language they signed in; its links open their pages in it too.
    query = lang_query(signature.language)
    with in_language(signature.language):
        rendered = render_templates(
            "submissions/emails/petition_outcome",
            {
                "petition": petition,
                "organisation": organisation,
                "target": petition.target,
                "outcome": outcome,
                "name": signature.name,
                "petition_url": settings.BASE_URL + petition.get_absolute_url() + query,
                "unsubscribe_url": url + query,
            },
        )
    rendered.headers = list_headers(organisation, url)
    rendered.from_email = sender(organisation)
    return rendered
