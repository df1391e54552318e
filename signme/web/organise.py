"""The organiser's home and a petition's organiser page, which gathers each
feature's section. Everything here is behind login, scoped by organisation,
and answers 404 to anyone outside it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from signme.audit.log import Action, record
from signme.lib.http import private_no_store, see_other
from signme.lib.markdown import render_markdown
from signme.moderation.summary import moderation_summary
from signme.paper.summary import paper_summary, sheets_by_holder
from signme.people.summary import data_summary
from signme.petitions.access import (
    is_organiser,
    organisations_run_by,
    petitions_run_by,
    petitions_visible_to,
    staff_petition,
)
from signme.petitions.compliance import compliance_warnings
from signme.petitions.counting import compute_counts
from signme.petitions.models import Petition, Signature
from signme.submissions.summary import submissions_summary
from signme.updates.campaigns import updates_of

from .areas import geography_summary
from .petition_forms import PetitionForm, where_to_fix


@login_required
@require_GET
def dashboard(request):
    petitions = petitions_visible_to(request.user).select_related("target")
    rows = [(p, compute_counts(p.pk)) for p in petitions]
    organisations = list(organisations_run_by(request.user).order_by("name"))
    organiser = bool(organisations) or petitions_run_by(request.user).exists()
    context = {"rows": rows, "organiser": organiser, "organisations": organisations}
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
    # Who holds which sheets names volunteers: for organisers only.
    holders, holder_totals = sheets_by_holder(petition) if organiser else ([], None)
    context = {
        "petition": petition,
        "counts": counts,
        "holders": holders,
        "holder_totals": holder_totals,
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


# The petition form's sections, in order: (heading, hint, field names).
SECTIONS = [
    (_("The petition"), "", ["organisation", "number", "title", "statement", "body", "goal"]),
    (
        _("In Welsh"),
        _(
            "Optional. Readers who choose Welsh see this text, and Welsh sheets carry it. "
            "Councils and the Senedd in Wales take petitions in Welsh and English."
        ),
        ["title_cy", "statement_cy", "body_cy"],
    ),
    (_("Who is petitioned"), "", ["target_choice"]),
    (
        _("Privacy notice"),
        _("What signers are told about their details, online and on the sheet."),
        ["notice_text", "notice_policy_url"],
    ),
    (
        _("Imprint and paper"),
        _("Printed on every sheet and shown on the public page."),
        [
            "promoter_name",
            "promoter_address",
            "on_behalf_of",
            "on_behalf_of_address",
            "printer_name",
            "printer_address",
            "return_address",
            "retention_days",
        ],
    ),
]


def _petition_form_page(request, form, petition=None, preview=None, status=200):
    warnings = compliance_warnings(petition) if petition else []
    fixes = [where_to_fix(petition, w) for w in warnings]
    at_field = {}
    for fix in fixes:
        if fix.field:
            at_field.setdefault(fix.field, []).append(fix.warning)
    sections = [
        (
            heading,
            hint,
            [(form[name], at_field.get(name, [])) for name in names if name in form.fields],
        )
        for heading, hint, names in SECTIONS
    ]
    context = {
        "petition": petition,
        "form": form,
        "sections": sections,
        # Warnings fixed on another page (the scheme, the sheet's columns),
        # shown beside the target with a link there.
        "elsewhere": [fix for fix in fixes if not fix.field],
        "warning_count": len(warnings),
        "preview": preview,
    }
    return private_no_store(
        render(request, "web/organise/petition_form.html", context, status=status)
    )


@login_required
@require_http_methods(["GET", "POST"])
def petition_new(request):
    if not organisations_run_by(request.user).exists():
        raise Http404  # volunteers start no petitions
    return _petition_form(request, Petition())


@login_required
@require_http_methods(["GET", "POST"])
def petition_edit(request, number: int):
    petition = staff_petition(request, number, organiser_only=True)
    return _petition_form(request, petition)


def _petition_form(request, petition: Petition):
    existing = petition if petition.pk else None
    if request.method == "POST" and "preview" in request.POST:
        # Shown again as typed, with the text rendered, and nothing saved or
        # checked yet: a preview is not a submission.
        form = PetitionForm(instance=existing, user=request.user, initial=request.POST.dict())
        preview = render_markdown(request.POST.get("body", ""))
        return _petition_form_page(request, form, existing, preview=preview)
    data = request.POST if request.method == "POST" else None
    form = PetitionForm(data, instance=existing, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                saved, changed = form.save_petition()
                if existing is None:
                    record(
                        request.user,
                        Action.CREATE_PETITION,
                        f"petition {saved.number}",
                        petition=saved,
                    )
                elif changed:
                    record(
                        request.user,
                        Action.CHANGE_PETITION,
                        f"petition {saved.number}: {', '.join(changed)}",
                        petition=saved,
                    )
            if saved.status == Petition.Status.DRAFT:
                saved_text = gettext(
                    "Petition %(number)s is saved. It is a draft: open it when it is ready."
                )
            else:
                saved_text = gettext("Petition %(number)s is saved.")
            messages.success(request, saved_text % {"number": saved.number})
            return see_other(reverse("organise_petition_edit", args=[saved.number]))
        if existing is not None:
            existing.refresh_from_db()
        return _petition_form_page(request, form, existing, status=400)
    return _petition_form_page(request, form, existing)


@login_required
@require_http_methods(["GET", "POST"])
def petition_open(request, number: int):
    petition = staff_petition(request, number, organiser_only=True)
    if request.method == "POST":
        warnings = compliance_warnings(petition)
        now = timezone.now()
        with transaction.atomic():
            petition.status = Petition.Status.OPEN
            if petition.opens_at is None or petition.opens_at > now:
                petition.opens_at = now
            if petition.closes_at and petition.closes_at <= now:
                petition.closes_at = None  # opened again after closing
            petition.save()
            record(
                request.user,
                Action.OPEN_PETITION,
                f"petition {number}, with {len(warnings)} compliance warnings",
                petition=petition,
                count=len(warnings),
            )
        messages.success(
            request, gettext("Petition %(number)s is open for signatures.") % {"number": number}
        )
        return see_other(reverse("organise_petition", args=[number]))
    edit_url = reverse("organise_petition_edit", args=[number])
    fixes = [where_to_fix(petition, w, edit_url) for w in compliance_warnings(petition)]
    context = {"petition": petition, "fixes": fixes}
    return private_no_store(render(request, "web/organise/open.html", context))


@login_required
@require_POST
def petition_close(request, number: int):
    petition = staff_petition(request, number, organiser_only=True)
    if petition.status != Petition.Status.OPEN:
        messages.error(
            request,
            gettext("Petition %(number)s is not open, so there is nothing to close.")
            % {"number": number},
        )
        return see_other(reverse("organise_petition", args=[number]))
    now = timezone.now()
    with transaction.atomic():
        petition.status = Petition.Status.CLOSED
        if petition.closes_at is None or petition.closes_at > now:
            petition.closes_at = now
        petition.save()
        record(request.user, Action.CLOSE_PETITION, f"petition {number}", petition=petition)
    messages.success(
        request,
        gettext("Petition %(number)s is closed: it no longer takes signatures.")
        % {"number": number},
    )
    return see_other(reverse("organise_petition", args=[number]))
