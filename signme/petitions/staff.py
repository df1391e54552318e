"""Organiser and volunteer pages. Everything here is behind login, scoped by
organisation, and answers 404 to anyone outside it."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from signme.lib.http import private_no_store

from .access import is_organiser, staff_petition
from .counting import compute_counts
from .models import Petition, Signature


@login_required
@require_GET
def dashboard(request):
    petitions = Petition.objects.visible_to(request.user).select_related("target")
    if request.user.is_superuser:
        petitions = Petition.objects.select_related("target")
    rows = [(p, compute_counts(p.pk)) for p in petitions]
    organiser = any(is_organiser(request.user, p) for p, _ in rows)
    context = {"rows": rows, "organiser": organiser}
    return private_no_store(render(request, "petitions/staff/dashboard.html", context))


@login_required
@require_GET
def petition_overview(request, number: int):
    petition = staff_petition(request, number)
    counts = compute_counts(petition.pk)
    pending = Signature.objects.filter(petition=petition, status=Signature.Status.PENDING).count()
    context = {
        "petition": petition,
        "counts": counts,
        "pending": pending,
        "organiser": is_organiser(request.user, petition),
        "notice": petition.current_notice,
        "reached": petition.reached.select_related("threshold"),
    }
    return private_no_store(render(request, "petitions/staff/petition.html", context))
