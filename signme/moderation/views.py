"""The organiser's tools for checking signatures: invalidate by a rule and
undo it, see where signatures come from fastest, review held ones.

Organisers of the petition's organisation only; everyone else gets 404.
Addresses and domains travel in POST bodies, never in URLs (they would land
in logs). Pages show initials, never a signer's name or email."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from signme.lib.http import private_no_store, see_other
from signme.petitions.access import staff_petition
from signme.petitions.invalidation import (
    RuleError,
    clear_flag,
    held_for_review,
    invalidate,
    invalidate_flagged,
    matching,
    still_counting,
    undo,
)
from signme.petitions.models import Invalidation
from signme.petitions.validity import REASONS

from .forms import RULE_LABELS, InvalidateForm
from .trending import busiest

SAMPLE = 20
REVIEW_PAGE = 50
# Why a signature is held, as the organiser reads it (validity.REASONS are
# the English words of the submission pack).
FLAGS = {
    "honeypot": _("A field hidden from people was filled in"),
    "too_fast": _("Sent within a second of the form being shown"),
}


def initials(name: str) -> str:
    """'Mickey Mouse' -> 'M. M.': enough to spot a pattern, not to name anyone."""
    return " ".join(f"{word[0].upper()}." for word in name.split()) or "–"


def _rows(signatures) -> list[dict]:
    return [
        {
            "pk": s.pk,
            "at": s.created_at,
            "channel": s.get_source_display(),
            "initials": initials(s.name),
            "flag": FLAGS.get(s.flagged) or REASONS.get(s.flagged, s.flagged),
        }
        for s in signatures.only("pk", "name", "created_at", "source", "flagged")
    ]


def _preview(form: InvalidateForm) -> dict:
    data = form.cleaned_data
    matched = matching(
        form.petition, data["rule"], data["value"], data["starts_at"], data["ends_at"]
    )
    to_take = still_counting(matched)
    n = to_take.count()
    preview = {
        "n": n,
        "already": matched.count() - n,
        "sample": _rows(to_take.order_by("created_at", "pk")[:SAMPLE]),
        "data": data,
        "rule_label": RULE_LABELS[data["rule"]],
    }
    if data["rule"] == Invalidation.Rule.SHEET:
        preview["sheet_tallied"] = not form.petition.sheets.filter(
            serial=data["value"], transcribed_at__isnull=False
        ).exists()
    return preview


@login_required
@require_http_methods(["GET", "POST"])
def invalidate_page(request, number: int):
    petition = staff_petition(request, number, organiser_only=True)
    action = request.POST.get("action", "")
    preview, status = None, 200
    if request.method == "GET":
        form = InvalidateForm(petition=petition)
    elif action == "prefill":
        # From the trending page: start the form, change nothing.
        initial = {k: request.POST.get(k, "") for k in ("rule", "value")}
        form = InvalidateForm(petition=petition, initial=initial)
    else:
        form = InvalidateForm(request.POST, petition=petition)
        if not form.is_valid():
            status = 400
        elif action == "invalidate":
            data = form.cleaned_data
            try:
                done = invalidate(
                    petition,
                    data["rule"],
                    data["value"],
                    data["starts_at"],
                    data["ends_at"],
                    reason=data["reason"],
                    user=request.user,
                )
            except RuleError as e:  # the sheet went, say, between preview and now
                form.add_error(e.field if e.field in form.fields else None, str(e))
                status = 400
            else:
                messages.success(
                    request,
                    ngettext(
                        "Invalidated %(n)s signature. The count is up to date.",
                        "Invalidated %(n)s signatures. The count is up to date.",
                        done.matched,
                    )
                    % {"n": f"{done.matched:,}"},
                )
                return see_other(reverse("invalidate", args=[petition.number]))
        else:
            preview = _preview(form)
    invalidations = list(petition.invalidations.select_related("created_by", "undone_by"))
    for invalidation in invalidations:
        invalidation.rule_label = RULE_LABELS.get(invalidation.rule, invalidation.rule)
    context = {
        "petition": petition,
        "form": form,
        "preview": preview,
        "invalidations": invalidations,
    }
    return private_no_store(render(request, "moderation/invalidate.html", context, status=status))


@login_required
@require_POST
def undo_invalidation(request, number: int, pk: int):
    petition = staff_petition(request, number, organiser_only=True)
    invalidation = get_object_or_404(petition.invalidations, pk=pk)
    try:
        restored = undo(invalidation, request.user)
    except RuleError as e:
        messages.error(request, str(e))
    else:
        messages.success(
            request,
            ngettext(
                "Undone: %(n)s signature is back as they were.",
                "Undone: %(n)s signatures are back as they were.",
                restored,
            )
            % {"n": f"{restored:,}"},
        )
    return see_other(reverse("invalidate", args=[petition.number]))


@login_required
@require_GET
def trending(request, number: int):
    petition = staff_petition(request, number, organiser_only=True)
    context = {"petition": petition, "busiest": busiest(petition)}
    return private_no_store(render(request, "moderation/trending.html", context))


@login_required
@require_GET
def review(request, number: int):
    petition = staff_petition(request, number, organiser_only=True)
    held = held_for_review(petition)
    context = {
        "petition": petition,
        "total": held.count(),
        "rows": _rows(held.order_by("created_at", "pk")[:REVIEW_PAGE]),
        "page_size": REVIEW_PAGE,
    }
    return private_no_store(render(request, "moderation/review.html", context))


def _held(request, number: int, pk: int):
    petition = staff_petition(request, number, organiser_only=True)
    return petition, held_for_review(petition).filter(pk=pk)


@login_required
@require_POST
def review_count(request, number: int, pk: int):
    petition, held = _held(request, number, pk)
    if clear_flag(held, request.user):
        messages.success(request, gettext("Counted. The count is up to date."))
    else:
        messages.info(request, gettext("That signature was already reviewed."))
    return see_other(reverse("review", args=[petition.number]))


@login_required
@require_POST
def review_invalidate(request, number: int, pk: int):
    petition, held = _held(request, number, pk)
    if invalidate_flagged(held, request.user):
        messages.success(request, gettext("Invalidated. It will not be counted."))
    else:
        messages.info(request, gettext("That signature was already reviewed."))
    return see_other(reverse("review", args=[petition.number]))
