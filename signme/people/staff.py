"""Organisers' pages for rights requests and the audit log."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from signme.audit.models import AuditEvent
from signme.lib.http import private_no_store
from signme.petitions.access import organisations_run_by

from .models import RightsRequest


def _organiser_only(user):
    """Organisations for an organiser's page; 404 for a volunteer, who sees the
    rows they type and nothing about requests or the log."""
    organisations = organisations_run_by(user)
    if not organisations.exists():
        raise Http404
    return organisations


@login_required
@require_GET
def requests(request):
    organisations = _organiser_only(request.user)
    qs = RightsRequest.objects.filter(organisations__in=organisations).distinct()
    if request.user.is_superuser:
        qs = RightsRequest.objects.all()
    page = Paginator(qs.prefetch_related("organisations"), 100).get_page(request.GET.get("page"))
    return private_no_store(
        render(
            request, "people/staff/requests.html", {"page": page, "organisations": organisations}
        )
    )


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
