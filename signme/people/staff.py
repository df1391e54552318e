"""Organisers' pages for rights requests and the audit log."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from signme.audit import log as audit
from signme.audit.log import Action
from signme.audit.models import AuditEvent
from signme.lib.http import private_no_store, see_other
from signme.petitions.access import organisations_run_by
from signme.petitions.consent import CHANNELS

from . import rights
from .forms import CheckedRequestForm, LetterRequestForm, SignedWithdrawalForm
from .models import RightsRequest
from .preferences import record_signed_withdrawal
from .suppression import email_digest, person_digest


def _organiser_only(user):
    """Organisations for an organiser's page; 404 for a volunteer, who sees the
    rows they type and nothing about requests or the log."""
    organisations = organisations_run_by(user)
    if not organisations.exists():
        raise Http404
    return organisations


def _requests_page(request, organisations, form=None, status=200, letter_form=None):
    qs = RightsRequest.objects.filter(organisations__in=organisations).distinct()
    if request.user.is_superuser:
        qs = RightsRequest.objects.all()
    page = Paginator(qs.prefetch_related("organisations"), 100).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "organisations": organisations,
        "withdrawal_form": form or SignedWithdrawalForm(),
        "letter_form": letter_form or LetterRequestForm(),
    }
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
            ngettext("%(org)s: %(n)s signature", "%(org)s: %(n)s signatures", n)
            % {"org": org.name, "n": n}
            for org, n in sorted(found.items(), key=lambda item: item[0].name)
        )
        stopped = ", ".join(str(c.label) for c in CHANNELS if c.value in channels)
        messages.success(
            request,
            gettext(
                "Withdrawal recorded for the person who signed with that address (%(where)s). "
                "Stopped: %(stopped)s."
            )
            % {"where": where, "stopped": stopped},
        )
    else:
        messages.warning(
            request,
            gettext(
                "Nobody signed with that address in %(names)s: nothing was recorded. "
                "Check the address against their letter."
            )
            % {"names": ", ".join(o.name for o in organisations)},
        )
    return see_other(reverse("rights_requests") + "#withdrawal")


@login_required
@require_POST
def letter_request(request):
    """A request by letter or email: recorded like one made at /your-data/,
    then checked against the signatures on the next page."""
    organisations = _organiser_only(request.user)
    form = LetterRequestForm(request.POST)
    if not form.is_valid():
        return _requests_page(request, organisations, status=400, letter_form=form)
    data = form.cleaned_data
    with transaction.atomic():
        req = RightsRequest.objects.create(
            kind=RightsRequest.Kind.PAPER,
            email=data["email"],
            email_digest=email_digest(data["email"])
            if data["email"]
            else person_digest(data["name"], data["postcode"]),
            name=data["name"].strip(),
            postcode=data["postcode"],
            address=data["address"].strip(),
            reply_to="By letter or email to the organisers",
            wants=data["wants"],
            status=RightsRequest.Status.CHECKING,
        )
        req.organisations.set(organisations)
        for organisation in organisations:
            audit.record(
                request.user,
                Action.REQUEST,
                f"rights request {req.pk} recorded from a letter, to check",
                organisation=organisation,
            )
    return see_other(reverse("check_request", args=[req.pk]))


def _paper_request(request, pk: int):
    """A request by name and postcode sent to one of this organiser's
    organisations, with those organisations; 404 for anyone else."""
    organisations = _organiser_only(request.user)
    req = get_object_or_404(
        RightsRequest.objects.filter(organisations__in=organisations).distinct(),
        pk=pk,
        kind=RightsRequest.Kind.PAPER,
    )
    return req, organisations


@login_required
@require_http_methods(["GET", "POST"])
def check_request(request, pk: int):
    """The organiser checks who asked, against the signatures that match,
    and says what was done. Only their own organisations' signatures show."""
    req, organisations = _paper_request(request, pk)
    open_now = req.status == RightsRequest.Status.CHECKING
    form = CheckedRequestForm(request.POST or None)
    if request.method == "POST":
        if not open_now:
            messages.error(
                request,
                gettext("Request %(pk)s is closed already. Nothing was changed.") % {"pk": req.pk},
            )
            return see_other(reverse("check_request", args=[req.pk]))
        if form.is_valid():
            decision = form.cleaned_data["decision"]
            if decision == "erase":
                n = rights.erase_for_request(req, organisations, request.user)
                messages.success(
                    request,
                    ngettext("Erased %(n)s signature.", "Erased %(n)s signatures.", n) % {"n": n},
                )
            elif decision == "answered":
                rights.close_paper_request(
                    req, "access: their data was sent to them", request.user, Action.REQUEST
                )
                messages.success(
                    request, gettext("Request %(pk)s is closed: data sent.") % {"pk": req.pk}
                )
            else:
                rights.close_paper_request(
                    req, "closed: who asked could not be confirmed", request.user, Action.REQUEST
                )
                messages.success(
                    request, gettext("Request %(pk)s is closed, unconfirmed.") % {"pk": req.pk}
                )
            return see_other(reverse("rights_requests"))
    signatures = list(rights.request_signatures(req, organisations)) if open_now else []
    if signatures:
        audit.record(
            request.user,
            Action.VIEW,
            f"rights request {req.pk}: signatures that match",
            organisation=signatures[0].petition.organisation,
            count=len(signatures),
        )
    context = {"req": req, "signatures": signatures, "form": form, "open_now": open_now}
    status = 400 if request.method == "POST" else 200
    return private_no_store(
        render(request, "people/staff/request_check.html", context, status=status)
    )


@login_required
@require_GET
def request_data(request, pk: int):
    """A copy of what is held, for the organiser to send to the person."""
    req, organisations = _paper_request(request, pk)
    if req.status != RightsRequest.Status.CHECKING:
        raise Http404
    signatures = list(rights.request_signatures(req, organisations))
    data = rights.paper_subject_data(req, signatures)
    rights.note(req, "access: a copy was downloaded to send", Action.EXPORT, len(signatures))
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="request-{req.pk}.json"'
    return private_no_store(response)


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
