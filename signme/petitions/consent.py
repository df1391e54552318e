"""The consent questions, worded once, so the form and the record agree."""

from .models import Channel

# Shown beside each unticked box; stored word for word with each answer.
_WORDING = {
    Channel.EMAIL: "{org} may email me about this petition and related campaigns.",
    Channel.SMS: "{org} may send me text messages about this petition and related campaigns.",
    Channel.PHONE: "{org} may phone me about this petition and related campaigns.",
    Channel.POST: "{org} may write to me by post about this petition and related campaigns.",
}


def consent_wording(channel: str, organisation_name: str) -> str:
    return _WORDING[Channel(channel)].format(org=organisation_name)


CHANNELS = [Channel.EMAIL, Channel.SMS, Channel.PHONE, Channel.POST]
