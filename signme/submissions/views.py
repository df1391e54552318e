"""Organiser pages for targets' schemes, compliance, submission packs and outcomes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from signme.audit.log import Action, record
from signme.lib.http import private_no_store, see_other
from signme.petitions.access import (
    organisations_run_by,
    petitions_run_by,
    staff_petition,
    targets_run_by,
)
from signme.petitions.models import PaperColumns
from signme.petitions.presets import apply_preset
from signme.petitions.targets import copy_for_own_petitions, shared_with_others

from .forms import OutcomeForm, PaperColumnsForm, PresetForm, SchemeForm, ThresholdFormSet
from .models import Outcome, Submission
from .outcome import outcome_is_news, tell_signers
from .pack import file_names
from .submitting import pack_file, request_pack


def _page(request, template, context, status=200):
    return private_no_store(render(request, template, context, status=status))


@login_required
@require_GET
def targets(request):
    if not organisations_run_by(request.user).exists():
        raise Http404  # volunteers have no say over a target's scheme
    rows = targets_run_by(request.user).order_by("name")
    return _page(request, "submissions/targets.html", {"targets": rows})


def _target_page(request, target, form, thresholds, preset_form, status=200):
    context = {
        "target": target,
        "form": form,
        "thresholds": thresholds,
        "preset_form": preset_form,
        # Only this organiser's petitions: another campaign's are not theirs to see.
        "petitions": target.petition_set.filter(pk__in=petitions_run_by(request.user)).order_by(
            "-number"
        ),
        "shared": shared_with_others(request.user, target),
    }
    return _page(request, "submissions/target.html", context, status)


def _refuse_shared(request, target):
    """409: the change would reach another campaign's petitions."""
    messages.error(
        request,
        gettext(
            "Petitions of other campaigns are made to %(name)s too, so its scheme is not yours "
            "alone to change. Make a copy for your petitions, then change the copy."
        )
        % {"name": target.name},
    )
    return _target_page(
        request,
        target,
        SchemeForm(instance=target, prefix="scheme"),
        ThresholdFormSet(instance=target, prefix="thresholds"),
        PresetForm(),
        status=409,
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_scheme(request, pk: int):
    target = get_object_or_404(targets_run_by(request.user), pk=pk)
    if request.method == "POST":
        if shared_with_others(request.user, target):
            return _refuse_shared(request, target)
        form = SchemeForm(request.POST, instance=target, prefix="scheme")
        thresholds = ThresholdFormSet(request.POST, instance=target, prefix="thresholds")
        if form.is_valid() and thresholds.is_valid():
            with transaction.atomic():
                form.save()
                thresholds.save()
            messages.success(
                request, gettext("The scheme of %(name)s is saved.") % {"name": target.name}
            )
            return see_other(reverse("organise_target", args=[target.pk]))
        target.refresh_from_db()
        status = 400
    else:
        form = SchemeForm(instance=target, prefix="scheme")
        thresholds = ThresholdFormSet(instance=target, prefix="thresholds")
        status = 200
    return _target_page(request, target, form, thresholds, PresetForm(), status)


@login_required
@require_POST
def target_preset(request, pk: int):
    target = get_object_or_404(targets_run_by(request.user), pk=pk)
    if shared_with_others(request.user, target):
        return _refuse_shared(request, target)
    form = PresetForm(request.POST)
    if not form.is_valid():
        return _target_page(
            request,
            target,
            SchemeForm(instance=target, prefix="scheme"),
            ThresholdFormSet(instance=target, prefix="thresholds"),
            form,
            400,
        )
    apply_preset(target, form.cleaned_data["preset"])
    messages.success(
        request,
        gettext("Loaded the preset scheme into %(name)s. Check it below.") % {"name": target.name},
    )
    return see_other(reverse("organise_target", args=[target.pk]))


@login_required
@require_POST
def target_copy(request, pk: int):
    target = get_object_or_404(targets_run_by(request.user), pk=pk)
    if not shared_with_others(request.user, target):
        # Nothing to copy it away from: the scheme is theirs to change as it is.
        return see_other(reverse("organise_target", args=[target.pk]))
    copy = copy_for_own_petitions(request.user, target)
    messages.success(
        request,
        gettext("Your petitions now use their own copy of %(name)s's scheme. Change it here.")
        % {"name": target.name},
    )
    return see_other(reverse("organise_target", args=[copy.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def paper_columns(request, number: int):
    petition = staff_petition(request, number, organiser_only=True)
    columns = PaperColumns.objects.filter(petition=petition).first() or PaperColumns(
        petition=petition
    )
    form = PaperColumnsForm(request.POST or None, instance=columns)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, gettext("The paper sheet's columns are saved."))
        return see_other(reverse("organise_petition", args=[number]))
    return _page(
        request,
        "submissions/paper_columns.html",
        {"petition": petition, "form": form},
        400 if form.errors else 200,
    )


@login_required
@require_POST
def make_submission(request, number: int):
    petition = staff_petition(request, number, organiser_only=True)
    submission = request_pack(petition, request.user)
    if submission.status == Submission.Status.READY:
        messages.success(request, gettext("The submission pack is ready."))
    elif submission.status == Submission.Status.FAILED:
        messages.error(
            request, gettext("The pack could not be made: %(error)s") % {"error": submission.error}
        )
    else:
        messages.success(
            request, gettext("The pack is being made. This page shows it when it is ready.")
        )
    return see_other(reverse("organise_petition", args=[number]) + "#submission")


@login_required
@require_GET
def submission_file(request, number: int, pk: int, kind: str):
    petition = staff_petition(request, number, organiser_only=True)
    submission = get_object_or_404(
        Submission, pk=pk, petition=petition, status=Submission.Status.READY, out_dir=""
    )
    if kind not in ("pdf", "csv", "manifest"):
        raise Http404
    path = pack_file(submission, kind)
    if not path.exists():
        raise Http404
    if kind != "manifest":
        record(
            request.user,
            Action.EXPORT,
            f"{kind.upper()} of submission pack {submission.pk}",
            petition=petition,
            count=submission.listed,
        )
    content_type = {"pdf": "application/pdf", "csv": "text/csv", "manifest": "text/plain"}[kind]
    response = FileResponse(
        open(path, "rb"),  # noqa: SIM115 - FileResponse closes it
        as_attachment=True,
        filename=file_names(petition)[kind],
        content_type=content_type,
    )
    return private_no_store(response)


@login_required
@require_http_methods(["GET", "POST"])
def outcome(request, number: int):
    petition = staff_petition(request, number, organiser_only=True)
    instance = Outcome.objects.filter(petition=petition).first() or Outcome(petition=petition)
    form = OutcomeForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, gettext("The outcome is saved and shown on the petition page."))
        return see_other(reverse("organise_petition", args=[number]) + "#outcome")
    return _page(
        request,
        "submissions/outcome.html",
        {"petition": petition, "form": form},
        400 if form.errors else 200,
    )


@login_required
@require_POST
def tell_signers_outcome(request, number: int):
    petition = staff_petition(request, number, organiser_only=True)
    current = Outcome.objects.filter(petition=petition).first()
    if current is None or not outcome_is_news(current):
        messages.error(
            request,
            gettext(
                "There is no news to send: record a step of the outcome first, or change it "
                "since signers were last told."
            ),
        )
    else:
        n = tell_signers(petition, request.user)
        messages.success(
            request,
            ngettext(
                "Queued %(n)s email to signers who asked for updates.",
                "Queued %(n)s emails to signers who asked for updates.",
                n,
            )
            % {"n": f"{n:,}"},
        )
    return see_other(reverse("organise_petition", args=[number]) + "#outcome")
