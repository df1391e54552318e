"""Paper: the public sheet download, and the organiser and volunteer pages that
issue sheets, log them back, type them up and file their scans."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from signme.audit import log as audit
from signme.audit.log import Action
from signme.lib.http import private_no_store, public_cache, see_other
from signme.lib.language import ENGLISH, WELSH, current_language, in_language, vary_on_language
from signme.petitions.access import is_organiser, public_petition_for, staff_petition
from signme.petitions.compliance import compliance_warnings
from signme.petitions.counting import compute_counts
from signme.petitions.models import Petition, Sheet, Signature

from . import scans as scanning
from . import transcription as tx
from .forms import (
    AssignForm,
    CorrectTallyForm,
    FindSheetForm,
    IssueForm,
    PhotoForm,
    ReopenForm,
    ReturnForm,
    ScanUploadForm,
)
from .layout import asks_eligibility
from .models import RowMark, Scan
from .pdf import render_sheets
from .sheets import (
    ReturnRefused,
    SerialRefused,
    correct_tally,
    issue_sheets,
    log_return,
    reopen_transcription,
    returned_by_scan,
    serial_for,
)

# --- Public --------------------------------------------------------------------


@require_safe
def sheet_pdf(request, number: int):
    """The "print more sheets" download: no serial, the same for everyone.
    A draft's is for its staff only, to check it before it opens."""
    petition = public_petition_for(request, number)
    # ?lang=cy or ?lang=en for a link that must give one language (a council's
    # Welsh page); otherwise the reader's own.
    language = request.GET.get("lang")
    if language not in (ENGLISH, WELSH):
        language = current_language()
    with in_language(language):
        pdf = render_sheets(petition, [None], notice=petition.cached_notice)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"petition-{number}-sheet" + ("-cy" if language == WELSH else "")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    vary_on_language(response)
    if petition.status == Petition.Status.DRAFT:
        return private_no_store(response)
    return public_cache(response, max_age=3600)


# --- Staff ---------------------------------------------------------------------


def _paper_url(petition, name="paper_home", *args):
    return reverse(name, args=[petition.number, *args])


def _sheet_or_404(petition, serial: str) -> Sheet:
    """The petition's sheet named in the address, however it was typed there
    ("12", "s1500-12"); 404 for anything else."""
    try:
        serial = serial_for(petition, serial)
    except SerialRefused:
        raise Http404 from None
    return get_object_or_404(Sheet, petition=petition, serial=serial)


def _prefill_serial(petition, text: str) -> str:
    """?serial= as its full form when it reads as one of this petition's, else as given."""
    try:
        return serial_for(petition, text)
    except SerialRefused:
        return text[:40]


@login_required
@require_GET
def paper_home(request, number: int):
    petition = staff_petition(request, number)
    organiser = is_organiser(request.user, petition)
    sheets = list(Sheet.objects.filter(petition=petition).order_by("-sequence", "-pk")[:200])
    typed = {
        row["sheet_id"]: row["n"]
        for row in Signature.objects.filter(sheet__in=sheets, source=Signature.Source.PAPER)
        .values("sheet_id")
        .annotate(n=Count("id"))
    }
    for sheet in sheets:
        sheet.typed_rows = typed.get(sheet.pk, 0)
        sheet.disagrees = (
            sheet.transcribed_at is not None and sheet.tally is not None
            and sheet.tally != sheet.typed_rows
        )  # fmt: skip
    context = {
        "petition": petition,
        "organiser": organiser,
        "sheets": sheets,
        "total_sheets": Sheet.objects.filter(petition=petition).count(),
        "counts": compute_counts(petition.pk),
        "issue_form": IssueForm(),
        "find_form": FindSheetForm(),
        # Not the sheet-column warnings: the sheets printed here have every
        # column the scheme needs.
        "warnings": [
            w for w in compliance_warnings(petition) if not w.code.startswith("sheet_lacks_")
        ]
        if organiser
        else [],
        "unidentified": Scan.objects.filter(
            petition=petition, status=Scan.Status.UNIDENTIFIED
        ).count(),
    }
    return private_no_store(render(request, "paper/home.html", context))


@login_required
@require_POST
def issue(request, number: int):
    petition = staff_petition(request, number, organiser_only=True)
    form = IssueForm(request.POST)
    if not form.is_valid():
        context = {"petition": petition, "organiser": True, "issue_form": form, "sheets": [],
                   "counts": compute_counts(petition.pk), "issue_only": True}  # fmt: skip
        return private_no_store(render(request, "paper/home.html", context, status=400))
    sheets = issue_sheets(
        petition,
        form.cleaned_data["count"],
        form.cleaned_data["issued_to"],
        request.user,
        language=form.cleaned_data["language"],
    )
    first, last = sheets[0].sequence, sheets[-1].sequence
    messages.success(
        request,
        gettext("Issued %(n)s sheets, %(first)s to %(last)s, to %(to)s.")
        % {
            "n": len(sheets),
            "first": sheets[0].serial,
            "last": sheets[-1].serial,
            "to": form.cleaned_data["issued_to"],
        },
    )
    return see_other(_paper_url(petition, "paper_batch", first, last) + "?issued=1")


@login_required
@require_GET
def batch(request, number: int, first: int, last: int):
    petition = staff_petition(request, number, organiser_only=True)
    sheets = Sheet.objects.filter(petition=petition, sequence__gte=first, sequence__lte=last)
    if not sheets.exists():
        raise Http404
    if request.GET.get("issued") or not request.GET.get("download"):
        context = {"petition": petition, "first": first, "last": last,
                   "count": sheets.count(), "sheets": sheets.order_by("sequence")[:1]}  # fmt: skip
        return private_no_store(render(request, "paper/batch.html", context))
    sheets = sheets.select_related("notice").order_by("sequence")
    notice = sheets[0].notice or petition.current_notice
    # In the language they were issued in, whatever language the organiser
    # reads SignMe in: their rows are typed up with that wording.
    with in_language(sheets[0].language):
        pdf = render_sheets(petition, [s.serial for s in sheets], notice=notice)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="sheets-{petition.number}-{first:06d}-{last:06d}.pdf"'
    )
    return private_no_store(response)


def _returns_page(request, petition, status=200, **forms):
    recent = Sheet.objects.filter(petition=petition, returned_at__isnull=False).order_by(
        "-returned_at"
    )[:10]
    context = {
        "petition": petition,
        "form": forms.get("form") or ReturnForm(),
        "photo_form": forms.get("photo_form") or PhotoForm(),
        "fix_form": forms.get("fix_form") or CorrectTallyForm(),
        "find_form": forms.get("find_form") or FindSheetForm(),
        "recent": recent,
    }
    return private_no_store(render(request, "paper/returns.html", context, status=status))


@login_required
@require_http_methods(["GET", "POST"])
def returns(request, number: int):
    petition = staff_petition(request, number)
    if request.method == "POST":
        form = ReturnForm(request.POST)
        if form.is_valid():
            try:
                sheet = log_return(
                    petition,
                    form.cleaned_data["serial"],
                    form.cleaned_data["tally"],
                    request.user,
                    language=form.cleaned_data["language"],
                )
            except ReturnRefused as e:
                form.add_error(e.field, str(e))
            else:
                text = gettext("Logged sheet %(serial)s with a tally of %(tally)s.") % {
                    "serial": sheet.serial,
                    "tally": sheet.tally,
                }
                if sheet.downloaded:
                    text += " " + gettext("Write %(serial)s on the sheet.") % {
                        "serial": sheet.serial
                    }
                messages.success(request, text)
                return see_other(_paper_url(petition, "paper_returns"))
        return _returns_page(request, petition, 400, form=form)
    initial = {k: request.GET[k][:40] for k in ("serial", "tally") if request.GET.get(k)}
    if "serial" in initial:
        initial["serial"] = _prefill_serial(petition, initial["serial"])
    return _returns_page(request, petition, form=ReturnForm(initial=initial))


@login_required
@require_POST
def fix_tally(request, number: int):
    """Correct the tally of a sheet already logged. Anyone who may log returns
    of this petition may correct one; the audit log keeps both figures."""
    petition = staff_petition(request, number)
    form = CorrectTallyForm(request.POST)
    if form.is_valid():
        try:
            sheet, old = correct_tally(
                petition, form.cleaned_data["serial"], form.cleaned_data["tally"], request.user
            )
        except ReturnRefused as e:
            form.add_error(e.field, str(e))
        else:
            was = gettext("no tally") if old is None else f"{old}"
            messages.success(
                request,
                gettext("Corrected the tally of %(serial)s from %(was)s to %(tally)s.")
                % {"serial": sheet.serial, "was": was, "tally": sheet.tally},
            )
            return see_other(_paper_url(petition, "paper_returns"))
    return _returns_page(request, petition, 400, fix_form=form)


@login_required
@require_GET
def find_sheet(request, number: int):
    """The typing page of the sheet whose number was typed."""
    petition = staff_petition(request, number)
    form = FindSheetForm(request.GET)
    if form.is_valid():
        try:
            serial = serial_for(petition, form.cleaned_data["serial"])
        except SerialRefused as e:
            form.add_error("serial", str(e))
        else:
            if Sheet.objects.filter(petition=petition, serial=serial).exists():
                return see_other(_paper_url(petition, "paper_transcribe", serial))
            form.add_error(
                "serial",
                gettext("There is no sheet %(serial)s. Check the number on it.")
                % {"serial": serial},
            )
    return _returns_page(request, petition, 400, find_form=form)


@login_required
@require_POST
def read_photo(request, number: int):
    """Read a sheet's serial (and suggest its tally) from a photo. Nothing is
    stored: the person checks the figures and logs the return."""
    petition = staff_petition(request, number)
    photo = request.FILES.get("photo")
    error, initial = None, {}
    if photo is None:
        error = gettext("Choose a photo or scan of the sheet.")
    else:
        try:
            page = scanning.first_page(photo)
        except scanning.ScanRefused as e:
            error = str(e)
        else:
            reading = scanning.read_code(page.image)
            if reading.kind == "foreign" or (
                reading.kind != "none" and reading.petition_number != petition.number
            ):
                error = gettext("That QR code is not one of this petition's sheets.")
            else:
                sheet = scanning.read_sheet(page.image, petition.target, reading.corners or None)
                serial, disagree = scanning.serial_of(reading, sheet.barcode_serial)
                if reading.kind == "none" and not serial:
                    error = disagree or gettext(
                        "No QR code could be read in that photo, nor the barcode under it. "
                        "Type the sheet number instead."
                    )
                else:
                    initial["serial"] = serial
                    if sheet.tally is not None:
                        initial["tally"] = sheet.tally
                    messages.info(request, _photo_message(serial, sheet))
    photo_form = PhotoForm()
    if error:
        photo_form = PhotoForm({}, {})
        photo_form.is_valid()
        photo_form.add_error("photo", error)
    return _returns_page(
        request,
        petition,
        400 if error else 200,
        form=ReturnForm(initial=initial),
        photo_form=photo_form,
    )


def _photo_message(serial: str, sheet) -> str:
    if serial:
        text = gettext("Read sheet %(serial)s.") % {"serial": serial}
    else:
        text = gettext("This is a downloaded sheet with no number: it gets one when logged.")
    if sheet.tally is not None:
        return f"{text} " + gettext(
            "Rows with writing: %(tally)s. Check both against the sheet."
        ) % {"tally": sheet.tally}
    written, unsure = len(sheet.written), len(sheet.unsure)
    if not sheet.rows:
        return f"{text} " + gettext(
            "The rows could not be read: count the signed rows on the sheet."
        )
    return f"{text} " + gettext(
        "Rows with writing: between %(low)s and %(high)s; rows %(rows)s could not be read "
        "for sure. Count the signed rows on the sheet."
    ) % {"low": written, "high": written + unsure, "rows": ", ".join(map(str, sheet.unsure))}


# --- Transcription -------------------------------------------------------------


def _rows(request, petition, sheet, forms_by_row=None, decisions=None):
    """Every row of the sheet: what was saved, or a form to type it."""
    forms_by_row = forms_by_row or {}
    decisions = decisions or {}
    organiser = is_organiser(request.user, petition)
    saved = {
        s.sheet_row: s
        for s in Signature.objects.filter(sheet=sheet, source=Signature.Source.PAPER)
        .select_related("duplicate_of", "duplicate_of__sheet")
        .prefetch_related("consents")
    }
    # Who each row stands in for, for an organiser to review: the unconfirmed
    # online signature a paper row replaced.
    replaced = {}
    if organiser:
        replaced = {
            s.duplicate_of_id: s
            for s in Signature.objects.filter(
                duplicate_of__in=saved.values(), status=Signature.Status.DUPLICATE
            ).exclude(source=Signature.Source.PAPER)
        }
    marks = {m.row: m for m in RowMark.objects.filter(sheet=sheet)}
    scan = tx.scan_of(sheet)
    rows, focus_given = [], False
    for n in range(1, sheet.rows + 1):
        row = {"n": n, "signature": saved.get(n), "mark": marks.get(n)}
        typed = row["signature"] or row["mark"]
        # Volunteers see, and undo, the rows they typed and nothing else.
        row["mine"] = organiser or (typed is not None and typed.entered_by_id == request.user.pk)
        # The row as written, to type from: the same rows the person may see.
        erased = row["signature"] is not None and row["signature"].erased_at is not None
        if scan and scan.row_reading(n) and not erased and (row["mine"] or typed is None):
            row["crop"] = reverse("paper_scan_row", args=[petition.number, scan.pk, n])
        if row["signature"] is not None:
            row["visible"] = row["mine"]
            row["ticks"] = [
                tx.TICK_LABELS[c.channel].lower()
                for c in row["signature"].consents.all()
                if c.given
            ]
            if row["signature"].eligible:
                row["ticks"].insert(0, gettext("yes, eligible"))
            row["replaced"] = replaced.get(row["signature"].pk)
        elif row["mark"] is None and sheet.transcribed_at is None:
            form = forms_by_row.get(n) or tx.RowForm(petition=petition, row=n)
            row["form"] = form
            row["matches"] = decisions.get(n)
            if not focus_given and (forms_by_row.get(n) is not None or not forms_by_row):
                # The next row to type opens ready for the keyboard.
                if not row["matches"]:
                    # A refused row opens on the field to correct, not its name.
                    wrong = [f for f in form.fields if f in form.errors]
                    form.fields[wrong[0] if wrong else "name"].widget.attrs["autofocus"] = True
                focus_given = True
        rows.append(row)
    return rows


def _transcribe_page(
    request, petition, sheet, status=200, forms_by_row=None, decisions=None, reopen_form=None
):
    context = {
        "petition": petition,
        "sheet": sheet,
        "rows": _rows(request, petition, sheet, forms_by_row, decisions),
        "progress": tx.progress(sheet),
        "organiser": is_organiser(request.user, petition),
        "asks_eligibility": asks_eligibility(petition.target),
        "error_form": next((f for f in (forms_by_row or {}).values() if f.errors), None),
        "reopen_form": reopen_form or ReopenForm(),
    }
    return private_no_store(render(request, "paper/transcribe.html", context, status=status))


@login_required
@require_GET
def transcribe(request, number: int, serial: str):
    petition = staff_petition(request, number)
    sheet = _sheet_or_404(petition, serial)
    if serial != sheet.serial:  # typed short, like .../sheets/12/
        return see_other(_paper_url(petition, "paper_transcribe", sheet.serial))
    return _transcribe_page(request, petition, sheet)


@login_required
@require_POST
def save_row(request, number: int, serial: str, row: int):
    petition = staff_petition(request, number)
    sheet = _sheet_or_404(petition, serial)
    form = tx.RowForm(request.POST, petition=petition, row=row)
    if not form.is_valid():
        return _transcribe_page(request, petition, sheet, 400, {row: form})
    # Only organisers see who else signed, so only they decide whether a
    # match is the same person: shown the match, a volunteer would learn
    # who signed from any email they typed.
    organiser = is_organiser(request.user, petition)
    decision = request.POST.get("decision", "") if organiser else tx.FOR_REVIEW
    try:
        outcome = tx.save_row(sheet, row, form.cleaned_data, request.user, decision)
    except tx.RowRefused as e:
        messages.error(request, str(e))
        return see_other(_paper_url(petition, "paper_transcribe", serial))
    if outcome.needs_decision:
        audit.record(request.user, Action.VIEW, f"possible duplicates of sheet {serial} row {row}",
                     petition=petition, count=len(outcome.matches))  # fmt: skip
        return _transcribe_page(request, petition, sheet, 409, {row: form}, {row: outcome.matches})
    if outcome.mark is not None and outcome.mark.mark == RowMark.Mark.KEPT_OUT:
        messages.info(
            request,
            gettext(
                "Row %(row)s is not stored: this person asked the organisers to erase their "
                "details or to stop using them. The row is marked so the sheet still adds up; "
                "go on to the next row."
            )
            % {"row": row},
        )
    elif outcome.kept_for_review:
        messages.info(
            request,
            gettext(
                "Row %(row)s: this looks like someone already counted. The row is kept, counted "
                "once, for an organiser to review."
            )
            % {"row": row},
        )
    elif outcome.signature is not None and outcome.signature.status == Signature.Status.DUPLICATE:
        messages.info(
            request,
            gettext("Row %(row)s saved as a duplicate: it is counted once.") % {"row": row},
        )
    # No #fragment: browsers skip autofocus when the address names an anchor.
    return see_other(_paper_url(petition, "paper_transcribe", serial))


@login_required
@require_POST
def undo_row(request, number: int, serial: str, row: int):
    petition = staff_petition(request, number)
    sheet = _sheet_or_404(petition, serial)
    # Volunteers take back only the rows they typed; organisers any row.
    organiser = is_organiser(request.user, petition)
    try:
        undone = tx.undo_row(
            sheet, row, request.user, only_typed_by=None if organiser else request.user
        )
    except tx.RowRefused as e:
        messages.error(request, str(e))
    else:
        if not undone and not organiser:
            raise Http404
    return see_other(_paper_url(petition, "paper_transcribe", serial))


@login_required
@require_POST
def complete(request, number: int, serial: str):
    petition = staff_petition(request, number)
    sheet = _sheet_or_404(petition, serial)
    try:
        done = tx.complete(sheet, request.user)
    except tx.RowRefused as e:
        messages.error(request, str(e))
        return see_other(_paper_url(petition, "paper_transcribe", serial))
    if done.duplicates:
        text = gettext(
            "Sheet %(serial)s is transcribed: %(signed)s signatures count instead of its tally, "
            "and %(duplicates)s duplicates are kept but not counted."
        )
    else:
        text = gettext(
            "Sheet %(serial)s is transcribed: %(signed)s signatures count instead of its tally."
        )
    text %= {"serial": serial, "signed": done.signed, "duplicates": done.duplicates}
    messages.success(request, text)
    if done.disagrees:
        messages.warning(
            request,
            gettext("The tally was %(tally)s but %(typed)s rows were typed: check the sheet.")
            % {"tally": done.tally, "typed": done.signed + done.duplicates},
        )
    return see_other(_paper_url(petition, "paper_home"))


@login_required
@require_POST
def reopen(request, number: int, serial: str):
    """Reopen a completed transcription to correct it: organisers only."""
    petition = staff_petition(request, number, organiser_only=True)
    sheet = _sheet_or_404(petition, serial)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            sheet = reopen_transcription(sheet, request.user, form.cleaned_data["reason"])
        except ReturnRefused as e:
            form.add_error("reason", str(e))
        else:
            messages.success(
                request,
                gettext(
                    "Sheet %(serial)s is open for typing again: undo and retype any row. "
                    "Until it is marked complete again it counts by its tally (%(tally)s)."
                )
                % {"serial": sheet.serial, "tally": sheet.tally},
            )
            return see_other(_paper_url(petition, "paper_transcribe", sheet.serial))
    return _transcribe_page(request, petition, sheet, 400, reopen_form=form)


# --- Scans ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def scans(request, number: int):
    petition = staff_petition(request, number, organiser_only=True)
    form = ScanUploadForm()
    status = 200
    if request.method == "POST":
        form = ScanUploadForm(request.POST, request.FILES)
        try:
            result = scanning.file_scans(petition, request.FILES.getlist("files"), request.user)
        except scanning.ScanRefused as e:
            form.add_error("files", f"{e} " + gettext("Nothing was stored."))
            status = 400
        else:
            if result.filed:
                n = len(result.filed)
                messages.success(
                    request,
                    ngettext(
                        "Filed %(n)s page with their sheets.",
                        "Filed %(n)s pages with their sheets.",
                        n,
                    )
                    % {"n": n},
                )
            if result.unidentified:
                n = len(result.unidentified)
                messages.warning(
                    request,
                    ngettext(
                        "%(n)s page had no readable sheet number: identify them below.",
                        "%(n)s pages had no readable sheet number: identify them below.",
                        n,
                    )
                    % {"n": n},
                )
            if result.already:
                messages.info(
                    request,
                    gettext("Already uploaded: %(pages)s.") % {"pages": "; ".join(result.already)},
                )
            for refusal in result.refused:
                messages.error(request, gettext("Refused %(page)s") % {"page": refusal})
            return see_other(_paper_url(petition, "paper_scans"))
    all_scans = Scan.objects.filter(petition=petition).select_related("sheet").order_by("-pk")
    context = {
        "petition": petition,
        "form": form,
        "unidentified": all_scans.filter(status=Scan.Status.UNIDENTIFIED)[:100],
        "filed": all_scans.filter(status=Scan.Status.FILED)[:200],
    }
    return private_no_store(render(request, "paper/scans.html", context, status=status))


@login_required
@require_GET
def scan_image(request, number: int, pk: int):
    petition = staff_petition(request, number, organiser_only=True)
    scan = get_object_or_404(Scan, petition=petition, pk=pk)
    audit.record(request.user, Action.VIEW, f"scan {scan.pk}", petition=petition, count=1)
    response = FileResponse(scan.image.open("rb"), content_type="image/png")
    return private_no_store(response)


@login_required
@require_GET
def scan_detail(request, number: int, pk: int):
    """One scanned page: how each row was read, and how sure the reading is."""
    petition = staff_petition(request, number, organiser_only=True)
    scan = get_object_or_404(Scan.objects.select_related("sheet"), petition=petition, pk=pk)
    erased = set()
    if scan.sheet_id:
        erased = set(
            Signature.objects.filter(sheet=scan.sheet_id, erased_at__isnull=False)
            .values_list("sheet_row", flat=True)
        )  # fmt: skip
    rows = [{**r, "erased": r["row"] in erased, "percent": round(r["confidence"] * 100)}
            for r in scan.rows]  # fmt: skip
    context = {"petition": petition, "scan": scan, "rows": rows}
    return private_no_store(render(request, "paper/scan.html", context))


@login_required
@require_GET
def scan_row(request, number: int, pk: int, row: int):
    """One row's crop from a filed scan, for whoever may type that row."""
    petition = staff_petition(request, number)
    scan = get_object_or_404(Scan.objects.select_related("sheet"), petition=petition, pk=pk,
                             sheet__isnull=False)  # fmt: skip
    organiser = is_organiser(request.user, petition)
    if not tx.row_shown_to(scan.sheet, row, request.user, organiser):
        raise Http404
    png = scanning.row_crop(scan, row)
    if png is None:
        raise Http404
    return private_no_store(HttpResponse(png, content_type="image/png"))


@login_required
@require_POST
def assign_scan(request, number: int, pk: int):
    petition = staff_petition(request, number, organiser_only=True)
    scan = get_object_or_404(Scan, petition=petition, pk=pk, status=Scan.Status.UNIDENTIFIED)
    form = AssignForm(request.POST)
    typed = form.data.get("serial", "")
    try:
        serial = serial_for(petition, typed)
    except SerialRefused as e:
        messages.error(request, f"{e} " + gettext("Nothing was changed."))
        return see_other(_paper_url(petition, "paper_scans"))
    sheet = Sheet.objects.filter(petition=petition, serial=serial).first()
    if sheet is None:
        messages.error(
            request,
            gettext(
                "There is no sheet %(serial)s on this petition. "
                "Log a downloaded sheet's return first to give it a number. Nothing was changed."
            )
            % {"serial": serial},
        )
    else:
        with transaction.atomic():
            Scan.objects.filter(pk=scan.pk).update(sheet=sheet, status=Scan.Status.FILED)
            returned_by_scan(sheet, request.user)
        messages.success(
            request, gettext("Filed the scan with sheet %(serial)s.") % {"serial": sheet.serial}
        )
    return see_other(_paper_url(petition, "paper_scans"))
