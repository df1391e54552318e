"""Every kind of email SignMe sends, and how a queued row becomes a message.

The kinds are an enum, so a typo is an AttributeError rather than an email
that never renders. Which function renders each kind is one table,
signme.web.emails.RENDERERS, named by the EMAIL_RENDERERS setting: the outbox
sits below the features whose emails it carries, so it looks the table up
the way Django looks up ROOT_URLCONF instead of importing it."""

import re
import secrets
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.db import models
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.module_loading import import_string


class EmailKind(models.TextChoices):
    CONFIRM_SIGNATURE = "confirm_signature", "Confirm a signature"
    RIGHTS_LINK = "rights_link", "Link to a signer's data"
    THRESHOLD_REACHED = "threshold_reached", "A threshold was reached (to organisers)"
    ORGANISER_UPDATE = "organiser_update", "Organiser's update to signers"
    ORGANISER_UPDATE_TEST = "organiser_update_test", "Test copy of an update"
    PETITION_OUTCOME = "petition_outcome", "What became of the petition (to signers)"
    TEAM_INVITATION = "team_invitation", "Invitation to join an organisation's team"


@dataclass
class Rendered:
    subject: str
    text: str
    html: str = ""
    headers: dict = field(default_factory=dict)
    from_email: str = ""
    # Rendered within one_batch() from templates it shares with other emails
    # of the batch: those templates with a hole for each personal value, and
    # this email's values (see SharedTemplates).
    shared: "SharedTemplates | None" = field(default=None, compare=False, repr=False)
    personal: tuple[str, ...] = field(default=(), compare=False, repr=False)


Renderer = Callable[[object], Rendered | None]


def render_plain(template_name: str, context: dict) -> str:
    """A template rendered with no HTML escaping, for the parts of an email
    that are not HTML: a subject or text part showing "Children&#x27;s" is
    wrong, and nothing in them is ever run as markup."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def _render_whole(name: str, context: dict) -> Rendered:
    subject = render_plain(f"{name}.subject.txt", context)
    text = render_plain(f"{name}.txt", context)
    html = render_to_string(f"{name}.html", context)
    return Rendered(subject=" ".join(subject.split()), text=text, html=html)


def render_templates(name: str, context: dict, personal: dict | None = None) -> Rendered:
    """An email from its three templates side by side: NAME.subject.txt,
    NAME.txt and NAME.html. Only the HTML part is escaped.

    `personal` holds the values that differ from one recipient to the next
    (a name, a link), as strings; `context` what recipients share (the
    petition). The two are rendered together; but within one_batch() the
    templates are rendered once per shared context and language, and each
    email only has its personal values put in."""
    if not personal:
        return _render_whole(name, context)
    batch = _batch.get()
    key = _shared_key(name, context, personal) if batch is not None else None
    if key is None:
        return _render_whole(name, {**context, **personal})
    if key not in batch:
        batch[key] = SharedTemplates.prepare(name, context, personal)
    shared = batch[key]
    if shared is None:  # these templates do not lend themselves to it
        return _render_whole(name, {**context, **personal})
    return shared.fill(tuple(str(personal[n]) for n in shared.names))


# --- Rendering once for a batch ---------------------------------------------
# A worker sending a surge's confirmations renders the same three templates
# for the same petition hundreds of times a second; only the name and the
# link differ. Within one_batch(), each set of templates is rendered once
# with a stand-in for each personal value, and each email is those pieces
# with its own values put in: escaped where the template escaped the
# stand-in, as is where it did not.

_batch: ContextVar[dict | None] = ContextVar("signme_email_batch", default=None)


@contextmanager
def one_batch() -> Iterator[dict]:
    """Share renderings between the emails built inside. What is shared lasts
    this batch only, so an edited petition shows from the next batch, as it
    did when each email was rendered whole. Yields a dict other layers of
    the outbox may keep their own per-batch work in."""
    token = _batch.set({})
    try:
        yield _batch.get()
    finally:
        _batch.reset(token)


def _identity(value):
    """What tells one shared value from another within a batch: a model
    instance by its primary key (the batch read them together), a plain
    value by itself; None when there is no telling."""
    if isinstance(value, models.Model):
        return None if value.pk is None else (value._meta.label, value.pk)
    if value is None or isinstance(value, str | int | bool):
        return (type(value).__name__, value)
    return None


def _shared_key(name: str, context: dict, personal: dict) -> tuple | None:
    shared = []
    for key in sorted(context):
        identity = _identity(context[key])
        if identity is None:
            return None
        shared.append((key, identity))
    return (name, translation.get_language(), tuple(sorted(personal)), tuple(shared))


def _stand_ins(tag: str, names: tuple[str, ...]) -> tuple[str, ...]:
    # Unguessable, so no template text or shared value can contain one.
    token = secrets.token_hex(8)
    return tuple(f"{tag}{token}{i}{tag}" for i in range(len(names)))


@dataclass(frozen=True)
class _Pieces:
    """Literal text with holes: literals[0], hole slots[0], literals[1], …"""

    literals: tuple[str, ...]
    slots: tuple[int, ...]

    @classmethod
    def split(cls, rendered: str, stand_ins: tuple[str, ...]) -> "_Pieces":
        index = {s: i for i, s in enumerate(stand_ins)}
        parts = re.split("(" + "|".join(re.escape(s) for s in stand_ins) + ")", rendered)
        return cls(tuple(parts[0::2]), tuple(index[s] for s in parts[1::2]))

    def fill(self, values) -> str:
        out = [self.literals[0]]
        for slot, literal in zip(self.slots, self.literals[1:], strict=True):
            out.append(values[slot])
            out.append(literal)
        return "".join(out)


@dataclass(eq=False)
class SharedTemplates:
    """One email's three templates rendered for a shared context, with a hole
    for each personal value (in `names` order)."""

    names: tuple[str, ...]
    subject: _Pieces
    text: _Pieces
    html: _Pieces

    @classmethod
    def prepare(cls, name: str, context: dict, personal: dict) -> "SharedTemplates | None":
        """None unless putting values in gives what rendering them would:
        rendered with two sets of stand-ins, one of them changed by HTML
        escaping, the holes must fall in the same places (a template that
        filters a value, tests it or marks it safe fails this), and the
        first email filled in must equal the first email rendered whole."""
        names = tuple(sorted(personal))
        plain, marked = _stand_ins("sv", names), _stand_ins("sv&<", names)
        # The marked stand-ins as autoescaping shows them in HTML.
        marked_html = tuple(str(conditional_escape(s)) for s in marked)
        seen = []
        for stand_ins, in_html in ((plain, plain), (marked, marked_html)):
            rendered = _render_whole(name, {**context, **dict(zip(names, stand_ins, strict=True))})
            seen.append(
                cls(
                    names,
                    _Pieces.split(rendered.subject, stand_ins),
                    _Pieces.split(rendered.text, stand_ins),
                    _Pieces.split(rendered.html, in_html),
                )
            )
        shared = seen[0]
        if (shared.subject, shared.text, shared.html) != (
            seen[1].subject,
            seen[1].text,
            seen[1].html,
        ):
            return None
        values = tuple(str(personal[n]) for n in names)
        whole = _render_whole(name, {**context, **personal})
        filled = shared.fill(values)
        if (filled.subject, filled.text, filled.html) != (whole.subject, whole.text, whole.html):
            return None
        return shared

    def fill(self, values: tuple[str, ...]) -> Rendered:
        subject = self.subject.fill(values)
        if self.subject.slots:  # as _render_whole folds the subject's spaces
            subject = " ".join(subject.split())
        html_values = tuple(str(conditional_escape(v)) for v in values) if self.html.slots else ()
        return Rendered(
            subject=subject,
            text=self.text.fill(values),
            html=self.html.fill(html_values),
            shared=self,
            personal=values,
        )


@cache
def renderers() -> Mapping[str, Renderer]:
    return import_string(settings.EMAIL_RENDERERS)


def prepare(rows) -> None:
    """Let each kind's renderer look up what a batch of rows needs in one
    query instead of one per row: a renderer with a `prepare` attribute gets
    its rows first (it may set attributes on them that it then reads)."""
    by_kind: dict[str, list] = {}
    for row in rows:
        if not row.subject:
            by_kind.setdefault(row.kind, []).append(row)
    for kind, rows_of_kind in by_kind.items():
        hook = getattr(renderers().get(kind), "prepare", None)
        if hook is not None:
            hook(rows_of_kind)


def render(row) -> Rendered | None:
    """Render a queued row; None means the email should no longer be sent
    (its signer was erased, say). Rows rendered when queued carry their
    subject and bodies already."""
    if row.subject:
        return Rendered(row.subject, row.text, row.html, dict(row.headers or {}))
    func = renderers().get(row.kind)
    if func is None:
        raise LookupError(f"no renderer for email kind {row.kind!r}")
    return func(row)
