"""Every kind of email SignMe sends, and how a queued row becomes a message.

The kinds are an enum, so a typo is an AttributeError rather than an email
that never renders. Which function renders each kind is one table,
signme.web.emails.RENDERERS, named by the EMAIL_RENDERERS setting: the outbox
sits below the features whose emails it carries, so it looks the table up
the way Django looks up ROOT_URLCONF instead of importing it."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.db import models
from django.template import Context
from django.template.loader import get_template, render_to_string
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


Renderer = Callable[[object], Rendered | None]


def render_plain(template_name: str, context: dict) -> str:
    """A template rendered with no HTML escaping, for the parts of an email
    that are not HTML: a subject or text part showing "Children&#x27;s" is
    wrong, and nothing in them is ever run as markup."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def render_templates(name: str, context: dict) -> Rendered:
    """An email from its three templates side by side: NAME.subject.txt,
    NAME.txt and NAME.html. Only the HTML part is escaped."""
    subject = render_plain(f"{name}.subject.txt", context)
    text = render_plain(f"{name}.txt", context)
    html = render_to_string(f"{name}.html", context)
    return Rendered(subject=" ".join(subject.split()), text=text, html=html)


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
