"""Where everything sits on a sheet.

The drawing (pdf.py) and the scan reader (scans.py) share these numbers: since
SignMe drew the sheet, it knows where every row is, and finds the page on a
scan from the corners of its QR code. Coordinates are in PDF points measured
from the top-left corner of an A4 page (y grows downwards, like an image).
"""

from dataclasses import dataclass

from django.utils.translation import gettext
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from signme.petitions.consent import CHANNELS, sheet_label

PAGE_W, PAGE_H = A4
MARGIN = 12 * mm
CONTENT_W = PAGE_W - 2 * MARGIN

ROWS = 10
TABLE_TOP = 100 * mm
HEADER_H = 10 * mm
ROW_H = 11 * mm
TABLE_BOTTOM = TABLE_TOP + HEADER_H + ROWS * ROW_H  # 220 mm
TEXT_BOTTOM = TABLE_TOP - 3 * mm

QR_SIZE = 30 * mm
QR_X = PAGE_W - MARGIN - QR_SIZE
QR_Y = TABLE_BOTTOM + 5 * mm
FOOTER_TOP = TABLE_BOTTOM + 4 * mm
FOOTER_W = CONTENT_W - QR_SIZE - 5 * mm

TICK_W = 7 * mm


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    x: float
    width: float


def columns(target) -> list[Column]:
    """The table's columns, as the target's scheme asks: full name, address and
    postcode when the scheme wants them, email, signature, one tick per channel."""
    widths = [("row", "", 6 * mm)]
    ticks = len(CHANNELS) * TICK_W
    free = CONTENT_W - 6 * mm - ticks
    if target.requires_address or target.requires_postcode:
        label = gettext("Address and postcode") if target.requires_postcode else gettext("Address")
        if not target.requires_address:
            label = gettext("Postcode")
        widths += [
            ("name", gettext("Full name"), free * 0.24),
            ("address", label, free * 0.32),
            ("email", gettext("Email (or phone)"), free * 0.24),
            ("signature", gettext("Signature"), free * 0.20),
        ]
    else:
        widths += [
            ("name", gettext("Full name"), free * 0.34),
            ("email", gettext("Email (or phone)"), free * 0.36),
            ("signature", gettext("Signature"), free * 0.30),
        ]
    widths += [(c.value, sheet_label(c), TICK_W) for c in CHANNELS]
    out, x = [], MARGIN
    for key, label, width in widths:
        out.append(Column(key, label, x, width))
        x += width
    return out


def row_top(row: int) -> float:
    """Top edge of row `row` (1-based)."""
    return TABLE_TOP + HEADER_H + (row - 1) * ROW_H


def qr_corners() -> list[tuple[float, float]]:
    """The QR symbol's corners (top-left, top-right, bottom-right, bottom-left),
    the order zxing-cpp reports them in."""
    return [
        (QR_X, QR_Y),
        (QR_X + QR_SIZE, QR_Y),
        (QR_X + QR_SIZE, QR_Y + QR_SIZE),
        (QR_X, QR_Y + QR_SIZE),
    ]
