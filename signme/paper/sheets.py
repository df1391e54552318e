"""Issuing numbered sheets and logging them when they come back."""

import re

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from signme.petitions.counting import forget_counts
from signme.petitions.models import Petition, Sheet

from . import layout as L

_SERIAL = re.compile(r"S?\s*(\d+)\s*[-–/ ]\s*(\d{1,6})", re.IGNORECASE)
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


def issue_sheets(petition: Petition, count: int, issued_to: str, user=None) -> list[Sheet]:
    return _create_sheets(
        petition,
        count,
        issued_to=issued_to,
        issued_by=user,
        issued_at=timezone.now(),
        notice=petition.current_notice,
    )


def log_return(petition: Petition, serial_text: str, tally: int, user=None) -> Sheet:
    """Log a returned sheet with its tally; it counts at once. A blank serial is
    a sheet downloaded from the public page, which is numbered now."""
    if tally < 0:
        raise ReturnRefused("The tally cannot be less than 0.", "tally")
    if tally > L.ROWS:
        raise ReturnRefused(
            f"A sheet has {L.ROWS} rows: the tally cannot be more than {L.ROWS}.", "tally"
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
            status=Sheet.Status.RETURNED,
            tally=tally,
            returned_at=now,
        )[0]
        forget_counts(petition.pk)
        return sheet
    serial = parse_serial(serial_text)
    if serial is None:
        raise ReturnRefused(
            "Enter the sheet number as printed under its QR code, like "
            f"S{petition.number}-000123, or leave it empty for a downloaded sheet."
        )
    with transaction.atomic():
        sheet = Sheet.objects.select_for_update().filter(serial=serial).first()
        if sheet is None:
            raise ReturnRefused(f"There is no sheet {serial}. Check the number under its QR code.")
        if sheet.petition_id != petition.pk:
            raise ReturnRefused(
                f"Sheet {serial} belongs to another petition, not petition {petition.number}."
            )
        if sheet.returned_at is not None:
            raise ReturnRefused(
                f"Sheet {serial} was already logged on {sheet.returned_at:%-d %B %Y} with a "
                f"tally of {sheet.tally}. Nothing was changed."
            )
        if tally > sheet.rows:
            raise ReturnRefused(
                f"Sheet {serial} has {sheet.rows} rows: "
                f"the tally cannot be more than {sheet.rows}.",
                "tally",
            )
        sheet.tally = tally
        sheet.returned_at = now
        sheet.status = Sheet.Status.RETURNED
        sheet.save(update_fields=["tally", "returned_at", "status"])
    forget_counts(petition.pk)
    return sheet
