"""A confirmation's bytes built once for a batch, then filled in per email.

Turning an email into bytes with Django and the standard library's `email`
package (headers encoded and folded, a multipart boundary checked against
the text, each part encoded) cost a worker more than anything else it does
for a confirmation. Emails of a batch rendered from shared templates
(kinds.one_batch) differ only in their recipient, Message-ID, Date and
personal values, so the message is built by Django once, with a stand-in for
each of those, and each email is those bytes with its own values put in.

An email takes this path only where the result is certain to be what
Django would have built: its address a plain ASCII one, its values free of
line breaks and short enough that no line needs re-encoding, in ASCII when
the stand-ins were (a part's transfer encoding follows its text). Any other
email is built by Django whole, as before. The first email of each batch is
built both ways and compared; if they differ, nobody's email is built this
way in that batch.
"""

import re
import secrets
import time
from dataclasses import dataclass
from email.utils import formatdate

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import RFC5322_EMAIL_LINE_LENGTH_LIMIT, sanitize_address
from django.utils.html import conditional_escape

from .kinds import Rendered, SharedTemplates
from .smtp import Envelope, dot_stuffed, envelope_commands, envelope_of

# Addresses whose header and envelope forms are the address itself: a
# dot-atom local part and an ASCII domain, short enough not to be folded.
_PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9_+-]+(\.[A-Za-z0-9_+-]+)*@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+"
)
_MAX_ADDRESS = 70
# Anything Python or Django counts as the end of a line.
_LINE_BREAKS = re.compile("[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _date() -> str:
    # What Django puts in each message, worked out once a second.
    now = int(time.time())
    if _date.at != now:
        _date.at, _date.value = now, formatdate(now, localtime=settings.EMAIL_USE_LOCALTIME)
    return _date.value


_date.at, _date.value = None, ""


@dataclass(eq=False)
class PreparedMessage:
    """A message's bytes in pieces, with holes for the recipient ("to"),
    Message-ID ("mid"), Date ("date") and each personal value as the text
    part ("text", i) and the HTML part ("html", i) show it."""

    literals: tuple[bytes, ...]
    holes: tuple
    boundary: bytes
    mail_from: bytes  # the envelope's MAIL FROM command
    sender: str
    # Per line holding personal values: its length without them, and which
    # holes are on it; a line must stay within the RFC 5322 limit.
    lines: tuple[tuple[int, tuple[int, ...]], ...]

    @classmethod
    def build(
        cls, shared: SharedTemplates, from_email: str, headers: dict, ascii_values: tuple
    ) -> "PreparedMessage | None":
        """The message built by Django with stand-ins; None if a stand-in did
        not come through as itself (a part Django chose to re-encode)."""
        if shared.subject.slots:
            return None  # a subject is encoded and folded as a whole
        token = secrets.token_hex(6)
        count = len(shared.names)
        stand_in = {"to": f"to{token}@example.invalid", "mid": f"<mid{token}@x>"}
        stand_in["date"] = f"date{token}"
        for i, is_ascii in enumerate(ascii_values):
            # A non-ASCII stand-in for a non-ASCII value: Django then picks
            # the transfer encoding it picks for the value (8bit, not 7bit).
            mark = "" if is_ascii else "é"
            stand_in["text", i] = f"tv{token}{i}tv{mark}"
            stand_in["html", i] = f"hv{token}{i}hv{mark}"
        values = tuple(stand_in["text", i] for i in range(count))
        html_values = tuple(stand_in["html", i] for i in range(count))
        msg = EmailMultiAlternatives(
            subject=shared.subject.fill(()),
            body=shared.text.fill(values),
            from_email=from_email,
            to=[stand_in["to"]],
            headers={"Date": stand_in["date"], "Message-ID": stand_in["mid"], **headers},
        )
        html = shared.html.fill(html_values)
        if html:
            msg.attach_alternative(html, "text/html")
        mime = msg.message()
        data = dot_stuffed(mime.as_bytes(linesep="\r\n"))
        by_bytes = {v.encode(): k for k, v in stand_in.items()}
        parts = re.split(b"(" + b"|".join(re.escape(b) for b in by_bytes) + b")", data)
        holes = tuple(by_bytes[b] for b in parts[1::2])
        expected = 3 + len(shared.text.slots) + len(shared.html.slots)
        if len(holes) != expected or holes.count("to") != 1:
            return None
        if re.search(rb"(?im)^Content-Transfer-Encoding: *(quoted-printable|base64)", data):
            return None  # a part re-encoded: values could not go in as they are
        literals = parts[0::2]
        # Hole n sits between literals[n] and literals[n + 1]. Group the holes
        # by line, and note each line's length without them.
        lines = []
        for n in range(len(holes)):
            if n == 0 or b"\n" in literals[n]:
                lines.append([n])
            else:
                lines[-1].append(n)
        lengths = []
        for on_line in lines:
            first, last = on_line[0], on_line[-1]
            length = len(literals[first].rsplit(b"\n", 1)[-1])
            length += sum(len(literals[i]) for i in range(first + 1, last + 1))
            length += len(literals[last + 1].split(b"\r\n", 1)[0])
            lengths.append((length, tuple(on_line)))
        boundary = mime.get_boundary() or ""
        sender = sanitize_address(from_email, settings.DEFAULT_CHARSET)
        return cls(
            literals=tuple(literals),
            holes=holes,
            boundary=boundary.encode(),
            mail_from=envelope_commands(sender, []).removesuffix(b"DATA\r\n"),
            sender=sender,
            lines=tuple(lengths),
        )

    def fill(self, to: str, message_id: str, date: str, values: tuple[str, ...]) -> bytes | None:
        """The message for one email, or None if it has to be built whole."""
        try:
            filled = {"to": to.encode("ascii"), "mid": message_id.encode("ascii")}
            filled["date"] = date.encode("ascii")
            for i, value in enumerate(values):
                filled["text", i] = value.encode()
                filled["html", i] = str(conditional_escape(value)).encode()
        except UnicodeError:  # a lone surrogate, say
            return None
        pieces = [filled[hole] for hole in self.holes]
        for length, on_line in self.lines:
            if length + sum(len(pieces[i]) for i in on_line) > RFC5322_EMAIL_LINE_LENGTH_LIMIT:
                return None
        if self.boundary and any(self.boundary in p for p in pieces):
            return None
        out = [self.literals[0]]
        for piece, literal in zip(pieces, self.literals[1:], strict=True):
            out.append(piece)
            out.append(literal)
        return b"".join(out)


def _fits(to: str, values: tuple[str, ...]) -> bool:
    if len(to) > _MAX_ADDRESS or not _PLAIN_ADDRESS.fullmatch(to):
        return False
    # A value starting with a dot could start a line: SMTP would need it doubled.
    if any(_LINE_BREAKS.search(v) or v.startswith(".") for v in values):
        return False
    try:
        "".join(values).encode()
    except UnicodeError:  # a lone surrogate: Django refuses it too
        return False
    return True


def envelope_for(
    rendered: Rendered, to: str, message_id: str, from_email: str, batch: dict | None
) -> Envelope | None:
    """The email's envelope and bytes, filled into the message prepared for
    its templates in this batch; None when it has to be built whole (the
    caller then builds it with Django)."""
    shared = rendered.shared
    if shared is None or batch is None or not _fits(to, rendered.personal):
        return None
    headers = rendered.headers or {}
    try:
        ascii_values = tuple(v.isascii() for v in rendered.personal)
        key = ("prepared", shared, from_email, tuple(sorted(headers.items())), ascii_values)
        hash(key)
    except TypeError:  # a header value that cannot be a key
        return None
    if key not in batch:
        prepared = PreparedMessage.build(shared, from_email, headers, ascii_values)
        if prepared is not None and not _same_as_django(
            prepared, rendered, to, message_id, from_email
        ):
            prepared = None
        batch[key] = prepared
    prepared = batch[key]
    if prepared is None:
        return None
    body = prepared.fill(to, message_id, _date(), rendered.personal)
    if body is None:
        return None
    return Envelope(
        prepared.sender, [to], body, prepared.mail_from + b"RCPT TO:<%s>\r\nDATA\r\n" % to.encode()
    )


def django_message(
    rendered: Rendered, to: str, message_id: str, from_email: str, connection=None
) -> EmailMultiAlternatives:
    """The email as Django builds it whole."""
    msg = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=from_email,
        to=[to],
        headers={"Message-ID": message_id, **rendered.headers},
        connection=connection,
    )
    if rendered.html:
        msg.attach_alternative(rendered.html, "text/html")
    return msg


def _same_as_django(
    prepared: PreparedMessage, rendered: Rendered, to: str, message_id: str, from_email: str
) -> bool:
    """Whether this email, filled in, is byte for byte what Django builds
    (its boundary and Date aside, which Django chooses afresh each time)."""
    msg = django_message(rendered, to, message_id, from_email)
    mime = msg.message()
    body = dot_stuffed(mime.as_bytes(linesep="\r\n"))
    filled = prepared.fill(to, message_id, mime["Date"], rendered.personal)
    if filled is None:
        return False
    boundary = (mime.get_boundary() or "").encode()
    if boundary:
        body = body.replace(boundary, prepared.boundary)
    whole = envelope_of(msg)
    return filled == body and (whole.sender, whole.recipients) == (prepared.sender, [to])
