"""The organiser's home and a petition's organiser page, which gathers each
feature's section. Everything here is behind login, scoped by organisation,
and answers 404 to anyone outside it."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.views.decorators.http import require_GET

from signme.lib.http import private_no_store
from signme.moderation.summary import moderation_summary
from signme.paper.summary import paper_summary
from signme.people.summary import data_summary
from signme.petitions.access import (
    is_organiser,
    petitions_run_by,
    petitions_visible_to,
    staff_petition,
)
from signme.petitions.counting import compute_counts
from signme.petitions.models import Signature
from signme.submissions.summary import submissions_summary
from signme.updates.campaigns import updates_of

from .areas import geography_summary


@login_required
@require_GET
def dashboard(request):
    petitions = petitions_visible_to(request.user).select_related("target")
    rows = [(p, compute_counts(p.pk)) for p in petitions]
    organiser = petitions_run_by(request.user).exists()
    context = {"rows": rows, "organiser": organiser}
    return private_no_store(render(request, "web/organise/dashboard.html", context))


@login_required
@require_GET
def petition_overview(request, number: int):
    petition = staff_petition(request, number)
    organiser = is_organiser(request.user, petition)
    counts = compute_counts(petition.pk)
    # Every signature that is not in the count, by why (validity.py decides).
    by_validity = dict(
        Signature.objects.filter(petition=petition)
        .values_list("validity")
        .annotate(n=Count("id"))
        .order_by()
    )
    pending = by_validity.get(Signature.Validity.PENDING, 0)
    not_counted = [
        (Signature.Validity(v).label, by_validity[v])
        for v in Signature.Validity
        if v not in (Signature.Validity.COUNTED, Signature.Validity.PENDING) and by_validity.get(v)
    ]
    context = {
        "petition": petition,
        "counts": counts,
        "pending": pending,
        "not_counted": not_counted,
        "organiser": organiser,
        "notice": petition.current_notice,
        "reached": petition.reached.select_related("threshold"),
        "paper": paper_summary(petition),
        "panel": data_summary(petition),
        "updates": updates_of(petition)[:5] if organiser else [],
        "moderation": moderation_summary(petition) if organiser else None,
        "geography": geography_summary(petition),
        **submissions_summary(petition, organiser=organiser, total=counts.total),
    }
    return private_no_store(render(request, "web/organise/petition.html", context))
