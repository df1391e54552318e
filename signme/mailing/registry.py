"""Which function renders each kind of queued email.

Each app registers its kinds in its own `emails` module, imported from its
AppConfig.ready(), so the worker can render any row it claims.
"""

from dataclasses import dataclass, field


@dataclass
class Rendered:
    subject: str
    text: str
    html: str = ""
    headers: dict = field(default_factory=dict)
    from_email: str = ""


_renderers = {}


def renderer(kind: str):
    def register(func):
        _renderers[kind] = func
        return func

    return register


def render(row) -> Rendered | None:
    """Render a queued row; None means the email should no longer be sent
    (its signer was erased, say)."""
    if row.subject:
        return Rendered(row.subject, row.text, row.html, dict(row.headers or {}))
    func = _renderers.get(row.kind)
    if func is None:
        raise LookupError(f"no renderer for email kind {row.kind!r}")
    return func(row)
