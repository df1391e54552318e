"""Keep tokens from emailed links out of the logs.

Django logs the path of every refused request, and a path such as
/team/join/<token> holds a token that still works if the refusal was only a
form error. Every token SignMe makes is Django's signing format
(value:timestamp:signature), which nothing else in a path looks like, so the
filter blanks that shape wherever it appears in a line."""

import logging
import re

# base64url value, base62 timestamp, base64url signature of at least 22 characters.
_SIGNED = re.compile(r"[A-Za-z0-9_\-]+:[A-Za-z0-9]+:[A-Za-z0-9_\-]{22,}")
HIDDEN = "[token]"


def hide_tokens(text: str) -> str:
    return _SIGNED.sub(HIDDEN, text)


class HideTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = hide_tokens(message)
        if hidden != message:
            record.msg, record.args = hidden, None
        return True
