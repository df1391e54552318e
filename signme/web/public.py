"""The public pages: the petition and its form, confirmation, the JSON, the
QR code, the share image, the embeddable count and the list of open
petitions. Read storms land here, so each page is cacheable by a proxy and by
us, except when the request has a session: a signed-in organiser's page
carries a sign-out form with their CSRF token, and may be a draft nobody else
can see."""

import ipaddress
from functools import lru_cache

from csp.decorators import csp_replace
from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext, ngettext
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from signme.lib.http import (
    cache_for_readers,
    client_ip,
    cross_site_post,
    has_session,
    private_no_store,
    see_other,
)
from signme.lib.language import (
    chosen_language,
    current_language,
    lang_query,
    language_code,
)
from signme.lib.qr import qr_svg
from signme.lib.replicas import reads_from_replica
from signme.lib.tokens import BadToken
from signme.limits.counters import rate_limited
from signme.paper.sheets import parse_serial
from signme.petitions.access import public_petition_for
from signme.petitions.areas import signatures_by_area
from signme.petitions.cache import page_cache_key
from signme.petitions.counting import Counts, get_counts, get_daily
from signme.petitions.forms import SignForm, SigningCheck
from signme.petitions.links import form_token, read_confirm_token, read_form_token
from signme.petitions.models import Petition, Sheet, Signature
from signme.petitions.signing import confirm as confirm_signature
from signme.petitions.signing import receive_signature, signature_to_confirm
from signme.submissions.public import outcome_json, public_status

from .charts import daily_chart
from .share_image import share_png, shown_count, text_width

# A drawn share image is keyed by its rounded count: keep it a day.
SHARE_IMAGE_TTL = 86400
HOME_PAGE_SIZE = 20


def _stored_ip(address: str) -> str | None:
    """Kept with the signature for invalidating by address (an IPv6 client by
    its /64), and erased with the rest of its personal data."""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


@require_safe
def short_link(request, number: int):
    petition = public_petition_for(request, number)
    url = reverse("petition", args=[petition.number])
    if request.META.get("QUERY_STRING"):
        url += "?" + request.META["QUERY_STRING"]
    return cache_for_readers(request, redirect(url, permanent=False), max_age=3600, language=False)


def _steps(petition: Petition, counts: Counts, reached: dict | None = None) -> list[dict]:
    """Each threshold of the target's scheme, and the organisers' goal, with
    how far along the count is; smallest first."""
    total = counts.total
    reached = reached or {}
    steps = [(t.count, t.triggers, reached.get(t.pk)) for t in petition.cached_thresholds]
    if petition.goal:
        steps.append((petition.goal, gettext("the organisers' goal"), None))
    return [
        {
            "count": count,
            "triggers": triggers,
            "reached": total >= count,
            "reached_at": reached_at,
            "value": min(total, count),
            "percent": min(100, int(total * 100 / count)),
            "remaining": max(0, count - total),
        }
        for count, triggers, reached_at in sorted(steps, key=lambda s: s[0])
    ]


def _progress(petition: Petition, counts: Counts) -> dict:
    """The next threshold of the target's scheme (or the goal) and how far along."""
    for step in _steps(petition, counts):
        if not step["reached"]:
            return {
                "next": step["count"],
                "triggers": step["triggers"],
                "percent": step["percent"],
                "remaining": step["remaining"],
            }
    return {"next": None, "percent": 100}


def _page(request, petition: Petition, form: SignForm, status: int = 200):
    counts = get_counts(petition.pk)
    status_now = public_status(petition)
    reached = {r.threshold_id: r.reached_at for r in status_now["reached"]}
    context = {
        "petition": petition,
        "target": petition.target,
        "notice": petition.cached_notice,
        "thresholds": petition.cached_thresholds,
        "counts": counts,
        "progress": _progress(petition, counts),
        "steps": _steps(petition, counts, reached),
        "chart": daily_chart(get_daily(petition.pk), timezone.localdate()),
        "form": form,
        "accepting": petition.is_accepting(),
        "closed_reason": petition.closed_reason(),
        "public_status": status_now,
        "share_image_url": settings.BASE_URL + reverse("share_image", args=[petition.number]),
        "widget_url": settings.BASE_URL + reverse("widget", args=[petition.number]),
        "badge_url": settings.BASE_URL + reverse("badge", args=[petition.number]),
    }
    return render(request, "web/petition.html", context, status=status)


def _issued_sheet(number: int, text: str) -> str:
    """The serial in a sheet's QR link, if this petition issued that sheet;
    otherwise none. Anything else in ?sheet= gets the page everyone gets, so
    made-up values cannot push page after page past the cache."""
    serial = parse_serial(text[:40])
    if not serial or not Sheet.objects.filter(petition__number=number, serial=serial).exists():
        return ""
    return serial


@require_safe
def petition_page(request, number: int):
    sheet = _issued_sheet(number, request.GET["sheet"]) if request.GET.get("sheet") else ""
    # The page holds no per-visitor state (see sign()), so any proxy may cache
    # it, and so do we: during a surge most requests are this page, and the
    # HTML for everyone without a staff session is the same for a few seconds.
    shared = not has_session(request)
    key = page_cache_key(number, sheet, get_language())
    if shared and (html := cache.get(key)) is not None:
        return cache_for_readers(request, HttpResponse(html))
    petition = public_petition_for(request, number)
    form = SignForm(
        petition=petition,
        initial={"form_token": form_token(petition.number), "sheet": sheet},
    )
    response = _page(request, petition, form)
    if shared:
        # Never a draft: only its staff get this far, and they have a session.
        cache.set(key, response.content, settings.PAGE_CACHE_TTL)
    return cache_for_readers(request, response)


def _error(request, petition, status: int, title: str, message: str):
    response = render(
        request,
        "web/problem.html",
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
    petition = public_petition_for(request, number)
    if cross_site_post(request):
        return _error(
            request, petition, 403, gettext("This form was sent from another website"),
            gettext(
                "For your safety we only accept signatures sent from this petition's own page."
            ),
        )  # fmt: skip
    try:
        # A token from another petition's page is as good as none.
        number, age = read_form_token(request.POST.get("form_token", ""))
        token_ok = number == petition.number
    except (BadToken, TypeError, ValueError):
        token_ok, age = False, None
    if not token_ok:
        return _error(
            request, petition, 403, gettext("This form has expired"),
            gettext("Go back to the petition, reload the page and sign again. Nothing was saved."),
        )  # fmt: skip
    if not petition.is_accepting():
        return _error(request, petition, 403, gettext("Not accepting signatures"),
                      petition.closed_reason())  # fmt: skip
    address = client_ip(request)
    # The form's rules without the form; the form itself only to show
    # what is wrong (it is the form's verdict that stands).
    check = SigningCheck(request.POST, petition=petition)
    data = check.cleaned_data
    rate_key = address  # counted with the signature kept, in one statement
    if not check.is_valid():
        # Counted before the form is built: a client sending one wrong form
        # after another is held back as cheaply as one signing too often.
        if wait := rate_limited("sign", address, settings.SIGN_RATE_LIMIT):
            return _too_many(request, petition, wait)
        form = SignForm(request.POST, petition=petition)
        if not form.is_valid():
            return private_no_store(_page(request, petition, form, status=400))
        data, rate_key = form.cleaned_data, None

    flagged = ""
    if data.get("website"):
        flagged = "honeypot"
    elif age is not None and age < settings.SIGN_MIN_SECONDS:
        flagged = "too_fast"
    wait = receive_signature(
        petition, data, flagged=flagged, client_ip=_stored_ip(address), rate_key=rate_key
    )
    if wait:
        return _too_many(request, petition, wait)
    # The form's address carried its page's language (?lang=): the next page
    # keeps it, whatever the browser asks for.
    signed_url = _signed_path(petition.number, get_script_prefix())
    return see_other(signed_url + lang_query(current_language()))


def _too_many(request, petition, wait: int):
    response = _error(
        request, petition, 429, gettext("Too many signatures from your network"),
        gettext("Wait a minute, then try again. Nothing was saved."),
    )  # fmt: skip
    response["Retry-After"] = str(wait)
    return response


@lru_cache(maxsize=1024)
def _signed_path(number: int, script_prefix: str) -> str:
    # reverse() once a petition rather than once a signature.
    return reverse("signed", args=[number])


@require_safe
def signed(request, number: int):
    petition = public_petition_for(request, number)
    return cache_for_readers(request, render(request, "web/signed.html", {"petition": petition}))


@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """GET only shows a button: mail scanners follow links, and a GET must not
    sign anyone's name to anything."""
    try:
        signature_id = read_confirm_token(token)
    except BadToken as e:
        expired = str(e) == "expired"
        response = render(
            request,
            "web/confirm_invalid.html",
            {"expired": expired},
            status=410 if expired else 404,
        )
        return private_no_store(response)
    signature = signature_to_confirm(signature_id)
    if signature is None:
        response = render(request, "web/confirm_invalid.html", {"expired": False}, status=404)
        return private_no_store(response)
    if not chosen_language(request):
        # In the language they signed in, as their email was.
        translation.activate(language_code(signature.language))
    petition = signature.petition
    if request.method == "POST" and signature.status == Signature.Status.PENDING:
        confirm_signature(signature)
        return see_other(reverse("confirm", args=[token]))
    template = (
        "web/confirmed.html"
        if signature.status == Signature.Status.VERIFIED
        else "web/confirm.html"
    )
    context = {
        "petition": petition,
        "token": token,
        "counts": signature.validity == Signature.Validity.COUNTED,
        "not_eligible": signature.validity == Signature.Validity.NOT_ELIGIBLE,
    }
    return private_no_store(render(request, template, context))


@require_safe
@reads_from_replica  # a count a moment old is fine here (writes still go to the primary)
def count_json(request, number: int):
    petition = public_petition_for(request, number)
    counts = get_counts(petition.pk)
    progress = _progress(petition, counts)
    data = {
        "number": petition.number,
        "signature_count": counts.total,
        "online": counts.online,
        "paper": counts.paper,
        "progress": {k: progress.get(k) for k in ("next", "remaining", "percent")},
        "updated_at": counts.updated_at,
    }
    return cache_for_readers(request, JsonResponse(data), language=False)


@require_safe
@reads_from_replica  # a count a moment old is fine here (writes still go to the primary)
def petition_json(request, number: int):
    petition = public_petition_for(request, number)
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
        "signatures_by_area": signatures_by_area(petition),
        "updated_at": counts.updated_at,
    }
    return cache_for_readers(request, JsonResponse(data), language=False)


@require_safe
def qr(request, number: int):
    petition = public_petition_for(request, number)
    response = HttpResponse(qr_svg(petition.short_url), content_type="image/svg+xml")
    return cache_for_readers(request, response, max_age=86400, language=False)


@require_safe
def share_image(request, number: int):
    """The Open Graph image. Drawn once per rounded count and petition edit
    (share_image.py), so a link going round a messaging app costs a cache read."""
    petition = public_petition_for(request, number)
    total = get_counts(petition.pk).total
    shown, _ = shown_count(total)
    key = f"share:{petition.number}:{petition.updated_at.timestamp()}:{shown}"
    png = cache.get(key)
    if png is None:
        png = share_png(petition, total)
        cache.set(key, png, SHARE_IMAGE_TTL)
    response = HttpResponse(png, content_type="image/png")
    return cache_for_readers(request, response, max_age=600, language=False)


def _embeddable(view):
    """For pages other sites put in an iframe: framing allowed by any site,
    for these views only (everything else keeps frame-ancestors 'none' and
    X-Frame-Options: DENY)."""
    return csp_replace({"frame-ancestors": ["*"]})(xframe_options_exempt(view))


@require_safe
@_embeddable
def widget(request, number: int):
    """The count in a small page for an iframe on a campaign's own website.
    No script, no cookie set, and the same page for everyone."""
    petition = public_petition_for(request, number)
    counts = get_counts(petition.pk)
    context = {
        "petition": petition,
        "counts": counts,
        "progress": _progress(petition, counts),
        "accepting": petition.is_accepting(),
        "petition_url": settings.BASE_URL + petition.get_absolute_url(),
    }
    return cache_for_readers(request, render(request, "web/widget.html", context))


@require_safe
def badge(request, number: int):
    """A count badge for a README, a newsletter or a forum signature."""
    petition = public_petition_for(request, number)
    total = get_counts(petition.pk).total
    label = gettext("petition %(number)s") % {"number": petition.number}
    value = ngettext("%(count)s signature", "%(count)s signatures", total) % {
        "count": f"{total:,}"
    }
    if petition.status == Petition.Status.CLOSED:
        value = gettext("closed: %(count)s") % {"count": value}
    label_w = round(text_width(label, 11) + 12)
    value_w = round(text_width(value, 11) + 12)
    context = {
        "label": label,
        "value": value,
        "label_w": label_w,
        "value_w": value_w,
        "width": label_w + value_w,
        "label_x": label_w / 2,
        "value_x": label_w + value_w / 2,
    }
    response = render(request, "web/badge.svg", context, content_type="image/svg+xml")
    return cache_for_readers(request, response, max_age=60)


def _open_petitions(query: str):
    """Open petitions, most signed first, each with its count from the
    PetitionCount row the worker keeps (one join, not a count per petition)."""
    now = timezone.now()
    petitions = (
        Petition.objects.filter(status=Petition.Status.OPEN)
        .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now))
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .select_related("target")
        .annotate(
            signature_count=Coalesce(
                F("count__online") + F("count__paper_transcribed") + F("count__paper_tallied"),
                0,
            )
        )
        .order_by("-signature_count", "-number")
    )
    for word in query.split()[:8]:
        # In either language, whichever the reader searches in.
        in_text = (
            Q(title__icontains=word)
            | Q(statement__icontains=word)
            | Q(title_cy__icontains=word)
            | Q(statement_cy__icontains=word)
        )
        if word.isascii() and word.isdigit() and len(word) <= 9:
            petitions = petitions.filter(Q(number=int(word)) | in_text)
        else:
            petitions = petitions.filter(in_text | Q(target__name__icontains=word))
    return petitions


@require_safe
def home(request):
    # Only printable characters reach the database: PostgreSQL refuses a NUL
    # in text, and no title holds a control character to find.
    typed = "".join(ch for ch in request.GET.get("q", "") if ch.isprintable() or ch.isspace())
    query = " ".join(typed.split())[:100]
    paginator = Paginator(_open_petitions(query), HOME_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {"page": page, "query": query, "paginator": paginator}
    return cache_for_readers(request, render(request, "web/home.html", context))
