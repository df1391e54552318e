"""The demo outbox: every queued email, readable in the browser, so a newcomer
can sign and confirm with no mail server. Only exists in demo mode."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from signme.lib.http import private_no_store

from .kinds import render as render_email
from .models import OutboundEmail


def _demo_only():
    if not settings.DEMO:
        raise Http404


@require_GET
def outbox(request):
    _demo_only()
    rows = OutboundEmail.objects.order_by("-id")[:200]
    items = []
    for row in rows:
        rendered = render_email(row)
        if rendered:
            subject = rendered.subject
        else:
            subject = gettext("(no longer shown)") if row.sent_at else gettext("(withdrawn)")
        items.append({"row": row, "subject": subject})
    return private_no_store(render(request, "mailing/outbox.html", {"items": items}))


@require_GET
def outbox_message(request, pk: int):
    _demo_only()
    row = get_object_or_404(OutboundEmail, pk=pk)
    rendered = render_email(row)
    one_click = ""
    if rendered and "List-Unsubscribe-Post" in rendered.headers:
        one_click = rendered.headers.get("List-Unsubscribe", "").strip("<>")
    context = {"row": row, "email": rendered, "one_click_url": one_click}
    return private_no_store(render(request, "mailing/outbox_message.html", context))
