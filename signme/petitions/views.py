from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from signme.lib.fastinsert import FastInsert
from signme.lib.http import (
    client_ip,
    cross_site_post,
    over_rate_limit,
    private_no_store,
    public_cache,
    see_other,
)
from signme.lib.qr import qr_svg
from signme.lib.tokens import BadToken, make_token, read_token
from signme.mailing.models import OutboundEmail
from signme.mailing.outbox import queue_email
from signme.paper.models import Sheet
from signme.submissions.public import outcome_json, public_status

from .access import public_petition
from .consent import CHANNELS, consent_wording
from .counting import Counts, get_counts
from .forms import SignForm
from .models import Consent, Petition, Signature

FORM_TOKEN_MAX_AGE = 60 * 60 * 24 * 2


@require_safe
def short_link(request, number: int):
    url = reverse("petition", args=[number])
    if request.META.get("QUERY_STRING"):
        url += "?" + request.META["QUERY_STRING"]
    return public_cache(redirect(url, permanent=False), max_age=3600)


def _progress(petition: Petition, counts: Counts) -> dict:
    """The next threshold of the target's scheme (or the goal) and how far along."""
    total = counts.total
    steps = [(t.count, t.triggers) for t in petition.cached_thresholds]
    if petition.goal:
        steps.append((petition.goal, "the organisers' goal"))
    steps.sort()
    for count, triggers in steps:
        if total < count:
            return {
                "next": count,
                "triggers": triggers,
                "percent": min(100, int(total * 100 / count)),
                "remaining": count - total,
            }
    return {"next": None, "percent": 100}


def _page(request, petition: Petition, form: SignForm, status: int = 200):
    counts = get_counts(petition.pk)
    context = {
        "petition": petition,
        "target": petition.target,
        "notice": petition.cached_notice,
        "thresholds": petition.cached_thresholds,
        "counts": counts,
        "progress": _progress(petition, counts),
        "form": form,
        "accepting": petition.is_accepting(),
        "closed_reason": petition.closed_reason(),
        "public_status": public_status(petition),
    }
    return render(request, "petitions/petition.html", context, status=status)


@require_safe
def petition_page(request, number: int):
    sheet = request.GET.get("sheet", "")[:20]
    # The page holds no per-visitor state (see sign()), so any proxy may cache
    # it, and so do we: during a surge most requests are this page, and the
    # HTML for everyone without a staff session is the same for a few seconds.
    anonymous = settings.SESSION_COOKIE_NAME not in request.COOKIES
    key = f"page:{number}:{sheet}"
    if anonymous and (html := cache.get(key)) is not None:
        return public_cache(HttpResponse(html))
    petition = public_petition(number)
    form = SignForm(
        petition=petition,
        initial={"form_token": make_token("signform", petition.number), "sheet": sheet},
    )
    response = _page(request, petition, form)
    if anonymous:
        cache.set(key, response.content, settings.PAGE_CACHE_TTL)
    return public_cache(response)


def _error(request, petition, status: int, title: str, message: str):
    response = render(
        request,
        "petitions/problem.html",
        {"petition": petition, "title": title, "message": message},
        status=status,
    )
    return private_no_store(response)


@csrf_exempt
@require_POST
def sign(request, number: int):
    """Take a signature. Protected against forged cross-site posts by the
    browser's own Sec-Fetch-Site and Origin headers plus a signed form token,
    instead of Django's per-visitor cookie: that cookie would make every
    petition page uncacheable, and a surge is mostly page views."""
    petition = public_petition(number)
    if cross_site_post(request):
        return _error(
            request, petition, 403, "This form was sent from another website",
            "For your safety we only accept signatures sent from this petition's own page.",
        )  # fmt: skip
    try:
        read_token("signform", request.POST.get("form_token", ""), FORM_TOKEN_MAX_AGE)
    except BadToken:
        return _error(
            request, petition, 403, "This form has expired",
            "Go back to the petition, reload the page and sign again. Nothing was saved.",
        )  # fmt: skip
    if not petition.is_accepting():
        return _error(request, petition, 403, "Not accepting signatures",
                      petition.closed_reason())  # fmt: skip
    if over_rate_limit("sign", client_ip(request), settings.SIGN_RATE_LIMIT):
        response = _error(
            request, petition, 429, "Too many signatures from your network",
            "Wait a minute, then try again. Nothing was saved.",
        )  # fmt: skip
        response["Retry-After"] = "60"
        return response

    form = SignForm(request.POST, petition=petition)
    if not form.is_valid():
        return private_no_store(_page(request, petition, form, status=400))

    store_online_signature(petition, form.cleaned_data)
    return see_other(reverse("signed", args=[petition.number]))


_insert_signature = FastInsert(Signature)
_insert_consents = FastInsert(Consent)
_insert_email = FastInsert(OutboundEmail)


def store_online_signature(petition: Petition, data: dict) -> int | None:
    """Store a pending signature, its consents and its confirmation email in one
    transaction, and return its id. Someone who has already signed is not
    stored again; they get a fresh confirmation link if they never used the
    first one. This is the hot path of a surge, hence the precompiled inserts."""
    sheet_id = None
    if data.get("sheet"):
        sheet_id = (
            Sheet.objects.filter(petition=petition, serial=data["sheet"].upper())
            .values_list("id", flat=True)
            .first()
        )
    eligible = data.get("eligible")
    now = timezone.now()
    notice_id = petition.cached_notice.pk
    with transaction.atomic():
        inserted = _insert_signature.insert(
            [
                {
                    "petition": petition.pk,
                    "name": data["name"],
                    "email": data["email"],
                    "email_canonical": data["email_canonical"],
                    "address": data.get("address", ""),
                    "postcode": data.get("postcode", ""),
                    "phone": data.get("phone", ""),
                    "eligible": None if eligible is None else eligible == "yes",
                    "source": Signature.Source.WEB,
                    "sheet": sheet_id,
                    "notice": notice_id,
                    "created_at": now,
                }
            ],
            returning=True,
            skip_conflicts=True,  # the one-signature-per-email constraint
        )
        if not inserted:
            _resend_confirmation(petition, data["email_canonical"])
            return None
        [signature_id] = inserted
        _insert_consents.insert(
            {
                "signature": signature_id,
                "organisation": petition.organisation_id,
                "channel": channel,
                "given": bool(data.get(f"consent_{channel}")),
                "wording": consent_wording(channel, petition.organisation.name),
                "notice": notice_id,
                "mechanism": Consent.Mechanism.WEB,
                "created_at": now,
            }
            for channel in CHANNELS
        )
        _insert_email.insert(
            [
                {
                    "kind": "confirm_signature",
                    "to": data["email"],
                    "signature": signature_id,
                    "petition": petition.pk,
                    "created_at": now,
                    "send_after": now,
                }
            ]
        )
    return signature_id


def _resend_confirmation(petition: Petition, email_canonical: str):
    existing = (
        Signature.objects.filter(
            petition=petition, email_canonical=email_canonical, status=Signature.Status.PENDING
        )
        .only("id", "email")
        .first()
    )
    if existing is None:
        return  # already verified: nothing to do, and nothing to reveal
    recent = OutboundEmail.objects.filter(
        signature=existing,
        kind="confirm_signature",
        created_at__gte=timezone.now() - timedelta(minutes=10),
    ).exists()
    if not recent:
        queue_email("confirm_signature", existing.email, signature=existing, petition=petition)


@require_safe
def signed(request, number: int):
    petition = public_petition(number)
    return public_cache(render(request, "petitions/signed.html", {"petition": petition}))


def confirm_token(signature: Signature) -> str:
    return make_token("confirm", signature.pk)


def confirm_url(signature: Signature) -> str:
    return settings.BASE_URL + reverse("confirm", args=[confirm_token(signature)])


@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """GET only shows a button: mail scanners follow links, and a GET must not
    sign anyone's name to anything."""
    try:
        signature_id = read_token("confirm", token, settings.CONFIRM_TOKEN_MAX_AGE)
    except BadToken as e:
        expired = str(e) == "expired"
        response = render(
            request,
            "petitions/confirm_invalid.html",
            {"expired": expired},
            status=410 if expired else 404,
        )
        return private_no_store(response)
    signature = (
        Signature.objects.select_related("petition")
        .filter(pk=signature_id, erased_at=None)
        .exclude(status__in=[Signature.Status.DUPLICATE, Signature.Status.INVALID])
        .first()
    )
    if signature is None:
        response = render(
            request, "petitions/confirm_invalid.html", {"expired": False}, status=404
        )
        return private_no_store(response)
    petition = signature.petition
    if request.method == "POST" and signature.status == Signature.Status.PENDING:
        Signature.objects.filter(pk=signature.pk, status=Signature.Status.PENDING).update(
            status=Signature.Status.VERIFIED, verified_at=timezone.now()
        )
        return see_other(reverse("confirm", args=[token]))
    template = (
        "petitions/confirmed.html"
        if signature.status == Signature.Status.VERIFIED
        else "petitions/confirm.html"
    )
    return private_no_store(render(request, template, {"petition": petition, "token": token}))


def _public_or_404(number: int) -> Petition:
    petition = public_petition(number)
    if petition.status == Petition.Status.DRAFT:
        raise Http404
    return petition


@require_safe
def count_json(request, number: int):
    petition = _public_or_404(number)
    counts = get_counts(petition.pk)
    data = {
        "number": petition.number,
        "signature_count": counts.total,
        "online": counts.online,
        "paper": counts.paper,
        "updated_at": counts.updated_at,
    }
    return public_cache(JsonResponse(data))


@require_safe
def petition_json(request, number: int):
    petition = _public_or_404(number)
    counts = get_counts(petition.pk)
    reached = {r.threshold_id: r.reached_at for r in petition.reached.all()}
    data = {
        "number": petition.number,
        "url": settings.BASE_URL + petition.get_absolute_url(),
        "short_url": petition.short_url,
        "title": petition.title,
        "statement": petition.statement,
        "body_html": petition.body_html,
        "status": petition.status,
        "opens_at": petition.opens_at,
        "closes_at": petition.closes_at,
        "goal": petition.goal,
        "organisation": petition.organisation.name,
        "target": {"name": petition.target.name, "minimum": petition.target.minimum_signatures},
        "signature_count": counts.total,
        "counts": {
            "online": counts.online,
            "paper": counts.paper,
            "paper_transcribed": counts.paper_transcribed,
            "paper_tallied": counts.paper_tallied,
        },
        "thresholds": [
            {"count": t.count, "triggers": t.triggers, "reached_at": reached.get(t.pk)}
            for t in petition.cached_thresholds
        ],
        "outcome": outcome_json(petition),
        "updated_at": counts.updated_at,
    }
    return public_cache(JsonResponse(data))


@require_safe
def qr(request, number: int):
    petition = public_petition(number)
    response = HttpResponse(qr_svg(petition.short_url), content_type="image/svg+xml")
    return public_cache(response, max_age=86400)


@require_safe
def home(request):
    petitions = (
        Petition.objects.filter(status=Petition.Status.OPEN)
        .select_related("target")
        .order_by("-number")[:20]
    )
    return public_cache(render(request, "petitions/home.html", {"petitions": petitions}))
