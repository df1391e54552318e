"""Public pages for signers: unsubscribe, and their data-protection rights."""

import functools
import json

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from signme.audit.log import Action
from signme.lib.http import client_ip, private_no_store, see_other
from signme.lib.language import WELSH, current_language
from signme.lib.tokens import BadToken
from signme.limits.counters import rate_limited
from signme.petitions.consent import CHANNELS
from signme.petitions.models import Consent, Signature

from . import rights
from .forms import AskForm, EraseForm, PaperAskForm, StopForm
from .links import read_rights_token, read_unsubscribe_token
from .models import RightsRequest
from .preferences import receiving, stop_contact
from .suppression import email_digest

ALL = [c.value for c in CHANNELS]
ASK_LIMIT_PER_IP = 10  # an hour
ASK_LIMIT_PER_ADDRESS = 3  # an hour: nobody can flood someone's inbox with links


def _in_welsh(query: str = "") -> str:
    """A redirect's query string, keeping a Welsh reader in Welsh whatever
    their browser asks for (as ?lang=cy brought them here)."""
    if current_language() == WELSH:
        query = f"{query}&lang=cy" if query else "lang=cy"
    return f"?{query}" if query else ""


def _bad_link(request, error: BadToken | None, template="people/bad_link.html"):
    expired = error is not None and str(error) == "expired"
    response = render(request, template, {"expired": expired}, status=410 if expired else 404)
    return private_no_store(response)


def _unsubscribe_signature(token: str) -> Signature | None:
    signature_id = read_unsubscribe_token(token)
    return (
        Signature.objects.select_related("petition__organisation")
        .filter(pk=signature_id, erased_at=None)
        .exclude(email_canonical="")
        .first()
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """RFC 8058: a mail program POSTs `List-Unsubscribe=One-Click` with no
    page, no cookie and so no CSRF token; it can only ever stop email, which
    is harmless to repeat or forge. The page's own form is CSRF-protected."""
    try:
        signature = _unsubscribe_signature(token)
    except BadToken as e:
        return _bad_link(request, e)
    if request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click":
        if signature is not None:
            stop_contact(signature, ["email"], mechanism=Consent.Mechanism.UNSUBSCRIBE)
        return private_no_store(HttpResponse("Unsubscribed.\n", content_type="text/plain"))
    return _unsubscribe_page(request, token, signature)


def _unsubscribe_context(signature, token):
    return {
        "signature": signature,
        "token": token,
        "receiving": receiving(signature) if signature else {},
        "channels": {c.value: c.label for c in CHANNELS},
    }


@csrf_protect
def _unsubscribe_page(request, token: str, signature: Signature | None):
    stopped = []
    if request.method == "POST" and signature is not None:
        choice = request.POST.get("channel", "")
        channels = ALL if choice == "all" else [choice] if choice in ALL else []
        if not channels:
            context = _unsubscribe_context(signature, token)
            context["error"] = gettext("Choose what to stop.")
            return private_no_store(
                render(request, "people/unsubscribe.html", context, status=400)
            )
        stop_contact(signature, channels, mechanism=Consent.Mechanism.UNSUBSCRIBE)
        return see_other(reverse("unsubscribe", args=[token]) + _in_welsh(f"stopped={choice}"))
    if signature is not None:
        stopped = request.GET.get("stopped", "")
    context = _unsubscribe_context(signature, token)
    context["stopped"] = stopped
    return private_no_store(render(request, "people/unsubscribe.html", context))


def _ask_page(request, status=200, **forms):
    context = {
        "form": forms.get("form") or AskForm(),
        "paper_form": forms.get("paper_form") or PaperAskForm(),
        "limited": forms.get("limited", False),
    }
    return private_no_store(render(request, "people/ask.html", context, status=status))


def _too_many(request):
    if wait := rate_limited("rights-ip", client_ip(request), ASK_LIMIT_PER_IP, window=3600):
        response = _ask_page(request, 429, limited=True)
        response["Retry-After"] = str(wait)
        return response
    return None


@require_http_methods(["GET", "POST"])
def your_data(request):
    if request.method == "GET":
        return _ask_page(request)
    if limited := _too_many(request):
        return limited
    form = AskForm(request.POST)
    if form.is_valid():
        email = form.cleaned_data["email"]
        digest = email_digest(email)
        # Over the per-address limit we say the same thing and send nothing.
        if not rate_limited("rights-address", digest, ASK_LIMIT_PER_ADDRESS, window=3600):
            rights.ask(email, current_language())
        return see_other(reverse("your_data_sent") + _in_welsh())
    return _ask_page(request, 400, form=form)


@require_POST
def your_data_paper(request):
    """Signed on paper, with no email: a request by name and postcode, which
    the organisers check. Everyone gets the same answer, so the page tells a
    stranger nothing about who signed."""
    if limited := _too_many(request):
        return limited
    form = PaperAskForm(request.POST)
    if not form.is_valid():
        return _ask_page(request, 400, paper_form=form)
    data = form.cleaned_data
    rights.ask_by_name(
        data["name"], data["postcode"], data["address"], data["wants"], data["reply_to"]
    )
    return see_other(reverse("your_data_paper_sent") + _in_welsh())


@require_GET
def your_data_sent(request):
    return private_no_store(render(request, "people/ask_sent.html"))


@require_GET
def your_data_paper_sent(request):
    return private_no_store(render(request, "people/ask_paper_sent.html"))


def _rights_request(token: str) -> RightsRequest:
    """The request behind a link; BadToken if it cannot be used (any more)."""
    request_id = read_rights_token(token)
    found = RightsRequest.objects.filter(pk=request_id).first()
    if (
        found is None
        or not found.email
        or found.erased_at
        or found.status
        in (
            RightsRequest.Status.NO_DATA,
            RightsRequest.Status.EXPIRED,
        )
    ):
        raise BadToken("used")
    return found


def with_rights_request(view):
    """Resolve the emailed link's token to its request, or show why the link
    no longer works."""

    @functools.wraps(view)
    def wrapper(request, token: str):
        try:
            req = _rights_request(token)
        except BadToken as e:
            return _bad_link(request, e)
        return view(request, token, req)

    return wrapper


def _request_page(request, token, req, status=200, **extra):
    data = rights.subject_data(req)
    context = {
        "token": token,
        "req": req,
        "data": data,
        "stop_form": extra.pop("stop_form", None) or StopForm(),
        "erase_form": extra.pop("erase_form", None) or EraseForm(),
        "channels": {c.value: c.label for c in CHANNELS},
        **extra,
    }
    return private_no_store(render(request, "people/your_data.html", context, status=status))


@require_GET
@with_rights_request
def your_data_request(request, token: str, req: RightsRequest):
    if req.status == RightsRequest.Status.LINK_SENT:
        RightsRequest.objects.filter(pk=req.pk, status=RightsRequest.Status.LINK_SENT).update(
            status=RightsRequest.Status.OPEN, opened_at=timezone.now()
        )
        rights.note(req, "access: the person opened their data", Action.VIEW)
    return _request_page(request, token, req, done=request.GET.get("done", ""))


@require_GET
@with_rights_request
def your_data_download(request, token: str, req: RightsRequest):
    data = rights.subject_data(req)
    rights.note(req, "access: the person downloaded their data", Action.EXPORT)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="your-data.json"'
    return private_no_store(response)


@require_POST
@with_rights_request
def your_data_stop(request, token: str, req: RightsRequest):
    if request.POST.get("channels") == "all":
        channels = ALL
    else:
        form = StopForm(request.POST)
        if not form.is_valid():
            return _request_page(request, token, req, status=400, stop_form=form)
        channels = form.cleaned_data["channels"]
    rights.withdraw(req, channels)
    return see_other(
        reverse("your_data_request", args=[token]) + _in_welsh("done=stopped") + "#main"
    )


@require_POST
@with_rights_request
def your_data_stop_processing(request, token: str, req: RightsRequest):
    rights.stop_notice(req)
    return see_other(
        reverse("your_data_request", args=[token]) + _in_welsh("done=stop-notice") + "#main"
    )


@require_POST
@with_rights_request
def your_data_erase(request, token: str, req: RightsRequest):
    form = EraseForm(request.POST)
    if not form.is_valid():
        return _request_page(request, token, req, status=400, erase_form=form)
    rights.erase(req)
    return see_other(reverse("your_data_erased") + _in_welsh())


@require_GET
def your_data_erased(request):
    return private_no_store(render(request, "people/erased.html"))
