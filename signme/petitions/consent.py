"""The contact channels and their consent questions, worded once, so the
online form, the paper sheet and the record agree. Each is translated: the
wording stored with an answer is the one the signer read, in their language
(signing.py renders it in the language they signed in)."""

from django.utils.translation import gettext, gettext_noop

from .models import Channel

# Every channel a signer may agree to, in the order forms and sheets show them.
CHANNELS = list(Channel)

# Shown beside each unticked box; stored word for word with each answer.
_WORDING = {
    Channel.EMAIL: gettext_noop("%(org)s may email me about this petition and related campaigns."),
    Channel.SMS: gettext_noop(
        "%(org)s may send me text messages about this petition and related campaigns."
    ),
    Channel.PHONE: gettext_noop("%(org)s may phone me about this petition and related campaigns."),
    Channel.POST: gettext_noop(
        "%(org)s may write to me by post about this petition and related campaigns."
    ),
}

# The head of each tick column on a paper sheet, where there is room for a word.
_SHEET_LABELS = {
    Channel.EMAIL: gettext_noop("Email"),
    Channel.SMS: gettext_noop("Text"),
    Channel.PHONE: gettext_noop("Phone"),
    Channel.POST: gettext_noop("Post"),
}


def consent_wording(channel: str, organisation_name: str) -> str:
    """In the active language."""
    return gettext(_WORDING[Channel(channel)]) % {"org": organisation_name}


def sheet_label(channel: str) -> str:
    return gettext(_SHEET_LABELS[Channel(channel)])
