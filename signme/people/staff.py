"""Organisers' pages for rights requests and the audit log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from signme.audit.models import AuditEvent
from signme.lib.http import private_no_store, see_other
from signme.petitions.access import organisations_run_by
from signme.petitions.consent import CHANNELS

from .forms import SignedWithdrawalForm
from .models import RightsRequest
from .preferences import record_signed_withdrawal


def _organiser_only(user):
    """Organisations for an organiser's page; 404 for a volunteer, who sees the
    rows they type and nothing about requests or the log."""
    organisations = organisations_run_by(user)
    if not organisations.exists():
        raise Http404
    return organisations


def _requests_page(request, organisations, form, status=200):
    qs = RightsRequest.objects.filter(organisations__in=organisations).distinct()
    if request.user.is_superuser:
        qs = RightsRequest.objects.all()
    page = Paginator(qs.prefetch_related("organisations"), 100).get_page(request.GET.get("page"))
    context = {"page": page, "organisations": organisations, "withdrawal_form": form}
    return private_no_store(render(request, "people/staff/requests.html", context, status=status))


@login_required
@require_GET
def requests(request):
    organisations = _organiser_only(request.user)
    return _requests_page(request, organisations, SignedWithdrawalForm())


@login_required
@require_POST
def signed_withdrawal(request):
    """Someone wrote in to say stop. The message says only whether they signed
    with this organisation, which its organisers can already see."""
    organisations = _organiser_only(request.user)
    form = SignedWithdrawalForm(request.POST)
    if not form.is_valid():
        return _requests_page(request, organisations, form, status=400)
    channels = form.cleaned_data["channels"]
    found = record_signed_withdrawal(
        organisations, form.cleaned_data["email"], channels, request.user
    )
    if found:
        where = "; ".join(
            f"{org.name}: {n} signature{'s' if n != 1 else ''}"
            for org, n in sorted(found.items(), key=lambda item: item[0].name)
        )
        stopped = ", ".join(c.label for c in CHANNELS if c.value in channels)
        messages.success(
            request,
            f"Withdrawal recorded for the person who signed with that address ({where}). "
            f"Stopped: {stopped}.",
        )
    else:
        messages.warning(
            request,
            f"Nobody signed with that address in {', '.join(o.name for o in organisations)}: "
            "nothing was recorded. Check the address against their letter.",
        )
    return see_other(reverse("rights_requests") + "#withdrawal")


@login_required
@require_GET
def audit_log(request):
    organisations = _organiser_only(request.user)
    qs = AuditEvent.objects.filter(organisation__in=organisations).select_related(
        "petition", "organisation"
    )
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    return private_no_store(
        render(request, "people/staff/audit.html", {"page": page, "organisations": organisations})
    )
