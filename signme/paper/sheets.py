"""Issuing numbered sheets, logging them when they come back (by hand or by
a scan), correcting a tally, and reopening a sheet's transcription."""

import re

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from signme.audit import log as audit
from signme.audit.log import Action
from signme.lib.language import ENGLISH, stored_language
from signme.petitions.counting import forget_counts
from signme.petitions.models import Petition, Sheet

from . import layout as L

_SERIAL = re.compile(r"S?\s*(\d+)\s*[-–/ ]\s*(\d{1,6})", re.IGNORECASE)
# A sheet's own number, typed alone: "1", "000001", "#12", "s 12".
_SHORT = re.compile(r"(?:S|#|NO\.?)?\s*(\d{1,6})", re.IGNORECASE)
DOWNLOADED = "Downloaded from the petition page"


class ReturnRefused(ValueError):
    """A return that cannot be logged; the message says why, and `field` which
    form field it is about."""

    def __init__(self, message: str, field: str = "serial"):
        super().__init__(message)
        self.field = field


def make_serial(number: int, sequence: int) -> str:
    return f"S{number}-{sequence:06d}"


def parse_serial(text: str) -> str | None:
    """'s1500-12', 'S1500 000012' or a pasted QR link -> 'S1500-000012'."""
    text = (text or "").strip()
    if "sheet=" in text:
        text = text.split("sheet=", 1)[1].split("&", 1)[0]
    m = _SERIAL.fullmatch(text.strip())
    if not m:
        return None
    return make_serial(int(m.group(1)), int(m.group(2)))


class SerialRefused(ValueError):
    """What was typed is not a sheet number of this petition; the message says why."""


def serial_for(petition: Petition, text: str) -> str:
    """The serial meant by what someone typed, within `petition`: its full
    form ("s1500-12", "S1500 000012", a pasted QR link) or the sheet's own
    number alone ("12", "000012"), which is this petition's sheet 12. Raises
    SerialRefused with a message for the person; it does not say whether the
    sheet exists (the caller looks it up within the petition)."""
    text = " ".join((text or "").split())
    if not text:
        raise SerialRefused(gettext("Enter the sheet number printed under its QR code."))
    short = _SHORT.fullmatch(text)
    if short and int(short.group(1)) > 0:
        return make_serial(petition.number, int(short.group(1)))
    serial = parse_serial(text)
    if serial is None or int(serial[1:].split("-")[0]) == 0:
        raise SerialRefused(
            gettext(
                "Enter the sheet number as printed under its QR code, like "
                "S%(number)s-000123, or just its own number, like 123."
            )
            % {"number": petition.number}
        )
    number, sequence = (int(part) for part in serial[1:].split("-"))
    if number != petition.number:
        raise SerialRefused(
            gettext(
                "Sheet %(serial)s belongs to another petition (%(other)s), not petition "
                "%(number)s. Check the number under its QR code."
            )
            % {"serial": serial, "other": number, "number": petition.number}
        )
    if sequence == 0:
        raise SerialRefused(
            gettext("There is no sheet 0: sheets are numbered from S%(number)s-000001.")
            % {"number": number}
        )
    return serial


def _create_sheets(petition: Petition, count: int, **fields) -> list[Sheet]:
    """Sheets with the petition's next sequence numbers. The petition row is
    locked so two organisers issuing at once never get the same serial."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                Petition.objects.select_for_update().filter(pk=petition.pk).first()
                last = Sheet.objects.filter(petition=petition).aggregate(n=Max("sequence"))["n"]
                start = (last or 0) + 1
                sheets = [
                    Sheet(
                        petition=petition,
                        sequence=seq,
                        serial=make_serial(petition.number, seq),
                        rows=L.ROWS,
                        **fields,
                    )
                    for seq in range(start, start + count)
                ]
                return Sheet.objects.bulk_create(sheets)
        except IntegrityError:  # SQLite has no row locks; a racing batch won: retry
            continue
    raise RuntimeError("Could not number the sheets; try again.")


def issue_sheets(
    petition: Petition, count: int, issued_to: str, user=None, language: str = ENGLISH
) -> list[Sheet]:
    """Number `count` sheets for a volunteer or place, to be printed in `language`."""
    return _create_sheets(
        petition,
        count,
        issued_to=issued_to,
        issued_by=user,
        issued_at=timezone.now(),
        notice=petition.current_notice,
        language=language,
    )


def log_return(
    petition: Petition, serial_text: str, tally: int, user=None, language: str = ENGLISH
) -> Sheet:
    """Log a returned sheet with its tally; it counts at once. A blank serial is
    a sheet downloaded from the public page, which is numbered now and recorded
    in `language` (a numbered sheet keeps the language it was issued in)."""
    if tally < 0:
        raise ReturnRefused(gettext("The tally cannot be less than 0."), "tally")
    if tally > L.ROWS:
        raise ReturnRefused(
            gettext("A sheet has %(rows)s rows: the tally cannot be more than %(rows)s.")
            % {"rows": L.ROWS},
            "tally",
        )
    now = timezone.now()
    if not serial_text.strip():
        sheet = _create_sheets(
            petition,
            1,
            issued_to=DOWNLOADED,
            issued_by=user,
            issued_at=now,
            notice=petition.current_notice,
            downloaded=True,
            language=stored_language(language),
            status=Sheet.Status.RETURNED,
            tally=tally,
            returned_at=now,
        )[0]
        forget_counts(petition.pk)
        return sheet
    try:
        serial = serial_for(petition, serial_text)
    except SerialRefused as e:
        raise ReturnRefused(
            f"{e} " + gettext("Or leave it empty for a downloaded sheet.")
        ) from None
    with transaction.atomic():
        sheet = Sheet.objects.select_for_update().filter(petition=petition, serial=serial).first()
        if sheet is None:
            raise ReturnRefused(
                gettext("There is no sheet %(serial)s. Check the number under its QR code.")
                % {"serial": serial}
            )
        if sheet.returned_at is not None and sheet.tally is not None:
            raise ReturnRefused(
                gettext(
                    "Sheet %(serial)s was already logged on %(day)s with a tally of %(tally)s. "
                    "Nothing was changed. To change its tally, correct it below."
                )
                % {
                    "serial": serial,
                    "day": date_format(sheet.returned_at, "j F Y"),
                    "tally": sheet.tally,
                }
            )
        if tally > sheet.rows:
            raise ReturnRefused(
                gettext(
                    "Sheet %(serial)s has %(rows)s rows: the tally cannot be more than %(rows)s."
                )
                % {"serial": serial, "rows": sheet.rows},
                "tally",
            )
        # A sheet its scan already marked returned keeps that moment: it only
        # gets its tally now.
        returned_at = sheet.returned_at or now
        sheet.tally = tally
        sheet.returned_at = returned_at
        if sheet.transcribed_at is None:
            sheet.status = Sheet.Status.RETURNED
        sheet.save(update_fields=["tally", "returned_at", "status"])
    forget_counts(petition.pk)
    return sheet


def returned_by_scan(sheet: Sheet, user=None) -> bool:
    """A scan of `sheet` was filed: the sheet is back, whether or not anyone
    logged it. Its tally is left for a person to give (the scan only suggests
    one). True if this marked it returned; call it inside the scan's
    transaction, so a scan that is not stored marks nothing."""
    marked = Sheet.objects.filter(pk=sheet.pk, returned_at=None).update(
        returned_at=timezone.now(), status=Sheet.Status.RETURNED
    )
    if marked:
        audit.record(
            user,
            Action.SHEET,
            f"sheet {sheet.serial} marked returned: its scan was filed",
            petition=sheet.petition,
            count=1,
        )
    return bool(marked)


def correct_tally(petition: Petition, serial_text: str, tally: int, user) -> tuple[Sheet, int]:
    """Change the tally of a sheet already logged; returns the sheet and its
    old tally. The count moves at once when the sheet still counts by it."""
    try:
        serial = serial_for(petition, serial_text)
    except SerialRefused as e:
        raise ReturnRefused(str(e)) from None
    with transaction.atomic():
        sheet = Sheet.objects.select_for_update().filter(petition=petition, serial=serial).first()
        if sheet is None:
            raise ReturnRefused(
                gettext("There is no sheet %(serial)s. Check the number under its QR code.")
                % {"serial": serial}
            )
        if sheet.returned_at is None:
            raise ReturnRefused(
                gettext("Sheet %(serial)s is not logged as returned yet: log its return above.")
                % {"serial": serial}
            )
        if not 0 <= tally <= sheet.rows:
            raise ReturnRefused(
                gettext("Sheet %(serial)s has %(rows)s rows: the tally must be 0 to %(rows)s.")
                % {"serial": serial, "rows": sheet.rows},
                "tally",
            )
        old = sheet.tally
        if old == tally:
            raise ReturnRefused(
                gettext("The tally of %(serial)s is already %(tally)s. Nothing was changed.")
                % {"serial": serial, "tally": tally},
                "tally",
            )
        sheet.tally = tally
        sheet.save(update_fields=["tally"])
        was = "none" if old is None else str(old)
        audit.record(
            user,
            Action.SHEET,
            f"tally of sheet {serial} corrected from {was} to {tally}",
            petition=petition,
            count=tally,
        )
    forget_counts(petition.pk)
    return sheet, old


def reopen_transcription(sheet: Sheet, user, reason: str) -> Sheet:
    """Open a completed transcription again to correct its rows. Its rows stay;
    until it is marked complete again, the sheet counts by its tally, as it
    did before it was typed up."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ReturnRefused(
            gettext("Say why the sheet is reopened, like 'row 4 typed wrong'."), "reason"
        )
    with transaction.atomic():
        locked = Sheet.objects.select_for_update().get(pk=sheet.pk)
        if locked.transcribed_at is None:
            raise ReturnRefused(
                gettext(
                    "Sheet %(serial)s is not marked complete: its rows can be changed already."
                )
                % {"serial": locked.serial}
            )
        locked.transcribed_at = None
        locked.status = Sheet.Status.RETURNED
        locked.save(update_fields=["transcribed_at", "status"])
        audit.record(
            user,
            Action.SHEET,
            f"transcription of sheet {locked.serial} reopened: {reason}"[:300],
            petition=sheet.petition,
            count=1,
        )
    forget_counts(locked.petition_id)
    return locked
