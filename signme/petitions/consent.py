"""The contact channels and their consent questions, worded once, so the
online form, the paper sheet and the record agree."""

from .models import Channel

# Every channel a signer may agree to, in the order forms and sheets show them.
CHANNELS = list(Channel)

# Shown beside each unticked box; stored word for word with each answer.
_WORDING = {
    Channel.EMAIL: "{org} may email me about this petition and related campaigns.",
    Channel.SMS: "{org} may send me text messages about this petition and related campaigns.",
    Channel.PHONE: "{org} may phone me about this petition and related campaigns.",
    Channel.POST: "{org} may write to me by post about this petition and related campaigns.",
}

# The head of each tick column on a paper sheet, where there is room for a word.
SHEET_LABELS = {
    Channel.EMAIL: "Email",
    Channel.SMS: "Text",
    Channel.PHONE: "Phone",
    Channel.POST: "Post",
}


def consent_wording(channel: str, organisation_name: str) -> str:
    return _WORDING[Channel(channel)].format(org=organisation_name)
