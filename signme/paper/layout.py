"""Where everything sits on a sheet.

The drawing (pdf.py) and the scan reader (scans.py) share these numbers: since
SignMe drew the sheet, it knows where every row is. It finds the page on a scan
from four registration marks printed beside the table's corners, and on sheets
printed before the marks from the corners of the QR code. Coordinates are in
PDF points measured from the top-left corner of an A4 page (y grows downwards,
like an image).

Sheets printed before the marks ("unmarked") had narrower tick columns and no
eligibility column: `columns(target, marked=False)` gives their table.
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
FOOTER_W = CONTENT_W - QR_SIZE - 8 * mm

TICK_W = 8.5 * mm  # fits "Phone" at 7 pt
UNMARKED_TICK_W = 7 * mm
ELIGIBLE_W = 10.5 * mm

# Registration marks: a black square with a square hole, in the side margins
# level with the table's top and bottom edges, so every row lies between them.
# A QR code's finder patterns have a dot in their hole; these do not.
MARK_SIZE = 6 * mm
MARK_HOLE = 2.6 * mm
MARK_INSET = 7 * mm  # from the page's edge to the mark's centre

# The serial again, as a Code 128 barcode under the printed serial: read when
# the QR code is torn or smudged. It holds the petition number followed by the
# six-digit sheet number, digits only, so it packs densely.
# Its right end reaches into the margin, so bars 2.5 pixels wide at 150 dpi
# still fit; the paper beyond is its quiet zone.
BARCODE_TOP = QR_Y + QR_SIZE + 5.5 * mm
BARCODE_H = 7 * mm
BARCODE_MODULE = 0.42 * mm
BARCODE_RIGHT = PAGE_W - 7 * mm


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    x: float
    width: float


def asks_eligibility(target) -> bool:
    """Whether the scheme asks signers if they are eligible (online, the
    question or the "I work or study there" box)."""
    return bool(target.eligibility_question or target.eligible_areas)


def columns(target, marked: bool = True) -> list[Column]:
    """The table's columns, as the target's scheme asks: full name, address and
    postcode when the scheme wants them, email, signature, a tick for
    eligibility when the scheme asks it, one tick per channel."""
    tick_w = TICK_W if marked else UNMARKED_TICK_W
    eligible = marked and asks_eligibility(target)
    widths = [("row", "", 6 * mm)]
    ticks = len(CHANNELS) * tick_w + (ELIGIBLE_W if eligible else 0)
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
    if eligible:
        widths.append(("eligible", gettext("Yes"), ELIGIBLE_W))
    widths += [(c.value, sheet_label(c), tick_w) for c in CHANNELS]
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


def mark_centres() -> list[tuple[float, float]]:
    """The registration marks' centres: top-left, top-right, bottom-right,
    bottom-left."""
    left, right = MARK_INSET, PAGE_W - MARK_INSET
    return [(left, TABLE_TOP), (right, TABLE_TOP), (right, TABLE_BOTTOM), (left, TABLE_BOTTOM)]


def barcode_digits(serial: str) -> str:
    """S1500-000042 -> 1500000042."""
    return serial[1:].replace("-", "")


def serial_from_barcode(text: str) -> str:
    """1500000042 -> S1500-000042; "" for anything else."""
    if not (text.isdigit() and 7 <= len(text) <= 16):
        return ""
    return f"S{int(text[:-6])}-{text[-6:]}"
