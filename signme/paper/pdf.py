"""The paper sheet, drawn with reportlab.

Everything that is the same on every page of a batch (text, table, imprint,
notice, registration marks) is drawn once into a PDF form XObject and reused;
each page adds only its serial, QR code and serial barcode. That keeps 500
numbered sheets fast and the file small.

Nothing a signer must be able to read is smaller than 7 pt (SMALLEST).
"""

import io
import re
from collections.abc import Callable, Iterable
from xml.sax.saxutils import escape

import segno
from django.utils.translation import gettext
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.colors import black, white
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from signme.geography.models import Area
from signme.lib.fonts import SANS, SANS_BOLD, font_for, register_fonts
from signme.lib.language import WELSH, current_language

from . import layout as L

SMALLEST = 7  # points: the consent headers, imprint and privacy notice

_MARKDOWN_MARKS = re.compile(r"(\*\*|__|\*|_|`|^#+\s*|^>\s*)", re.MULTILINE)
_MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")


def sheet_url(petition, serial: str | None = None) -> str:
    """What the QR code holds: the short link, with the serial when there is one,
    so an online signature made through it is credited to the sheet; on a
    Welsh sheet it opens the petition in Welsh, whatever the phone's language."""
    query = [f"sheet={serial}"] if serial else []
    if current_language() == WELSH:
        query.append(f"lang={WELSH}")
    return petition.short_url + ("?" + "&".join(query) if query else "")


def printer_line(petition) -> str:
    if petition.printer_name:
        name, address = petition.printer_name, _one_line(petition.printer_address)
    else:
        name, address = petition.organisation.name, _one_line(petition.organisation.address)
    if address:
        return gettext("Printed by %(name)s, %(address)s.") % {"name": name, "address": address}
    return gettext("Printed by %(name)s.") % {"name": name}


def imprint_line(petition) -> str:
    if petition.imprint:
        return _one_line(petition.imprint) + "."
    org = petition.organisation
    return gettext("Published and promoted by %(name)s, %(address)s.") % {
        "name": org.name,
        "address": _one_line(org.address),
    }


def _one_line(text: str) -> str:
    return re.sub(r"\s*\n\s*", ", ", (text or "").strip())


def _plain(markdown: str) -> list[str]:
    """Markdown paragraphs as plain text (the sheet is not a web page)."""
    text = _MARKDOWN_LINK.sub(r"\1", markdown or "")
    text = _MARKDOWN_MARKS.sub("", text)
    return [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _para(text: str, size: float, bold: bool = False, markup: str | None = None, leading=None):
    style = ParagraphStyle(
        "s",
        fontName=font_for(text, bold=bold),
        fontSize=size,
        leading=leading or size * 1.22,
    )
    return Paragraph(markup if markup is not None else escape(text), style)


class _Flow:
    """Draws paragraphs down the page from a top edge (top-down coordinates)."""

    def __init__(self, canvas: Canvas, x: float, top: float, width: float):
        self.c, self.x, self.y, self.width = canvas, x, top, width

    def height_of(self, para) -> float:
        return para.wrap(self.width, 10_000)[1]

    def draw(self, para, gap: float = 0.0) -> None:
        _, h = para.wrap(self.width, 10_000)
        para.drawOn(self.c, self.x, L.PAGE_H - self.y - h)
        self.y += h + gap


def _body_paragraphs(petition, size: float) -> list:
    return [_para(p, size) for p in _plain(petition.shown_body)]


def _draw_text(c: Canvas, petition) -> None:
    target = petition.target.name
    flow = _Flow(c, L.MARGIN, L.MARGIN, L.CONTENT_W)
    flow.draw(_para(petition.shown_title, 15, bold=True), gap=2 * mm)
    # The same words as the page; in bold up to the statement.
    opening = gettext("We, the undersigned, petition %(target)s to") % {"target": target}
    statement = f"{opening} {petition.shown_statement.strip()}"
    markup = f"<b>{escape(opening)}</b> " + escape(petition.shown_statement.strip())
    flow.draw(_para(statement, 9.5, markup=markup), gap=2 * mm)
    if petition.return_address.strip():
        address = gettext("When complete, please return as soon as possible to: %(address)s") % {
            "address": petition.return_address
        }
        ret = _para(address, 8.5, bold=True, markup=f"<b>{escape(_one_line(address))}</b>")
    else:
        ret = None
    question = eligibility_line(petition.target)
    ask = _para(question, 8, bold=True, markup=f"<b>{escape(question)}</b>") if question else None
    below = [p for p in (ask, ret) if p is not None]
    room = L.TEXT_BOTTOM - flow.y - sum(flow.height_of(p) + 1.2 * mm for p in below)
    # The body shrinks to fit; a very long one ends with where to read the rest.
    chosen = []
    for size in (8.5, 8, 7.5, SMALLEST):
        paras = _body_paragraphs(petition, size)
        if sum(flow.height_of(p) + 1.2 * mm for p in paras) <= room:
            chosen = paras
            break
    else:
        more = _para(
            gettext("Read the full petition at %(url)s") % {"url": petition.display_short_url},
            SMALLEST,
            bold=True,
        )
        used = flow.height_of(more) + 1.2 * mm
        for p in _body_paragraphs(petition, SMALLEST):
            h = flow.height_of(p) + 1.2 * mm
            if used + h > room:
                break
            chosen.append(p)
            used += h
        chosen.append(more)
    for p in chosen:
        flow.draw(p, gap=1.2 * mm)
    if below:
        flow.y = max(flow.y, L.TEXT_BOTTOM - sum(flow.height_of(p) + 1.2 * mm for p in below))
        for p in below:
            flow.draw(p, gap=1.2 * mm)


def eligibility_line(target) -> str:
    """The scheme's eligibility question as the sheet asks it, over its "Yes"
    column; "" when the scheme asks none."""
    if not L.asks_eligibility(target):
        return ""
    # The scheme's own question when it has one (the online form asks it);
    # otherwise the areas its residents, workers and students count in.
    if not target.eligibility_question.strip():
        codes = target.eligible_area_codes
        named = dict(Area.objects.filter(code__in=codes).values_list("code", "name"))
        names = [named.get(code) or code for code in codes]
        areas = names[0] if len(names) == 1 else gettext("%(first)s or %(last)s") % {
            "first": ", ".join(names[:-1]), "last": names[-1]}  # fmt: skip
        question = gettext("Do you live, work or study in %(areas)s?") % {"areas": areas}
    else:
        question = target.eligibility_question
    return gettext("%(question)s If so, tick the “Yes” column.") % {"question": question.strip()}


def _draw_marks(c: Canvas) -> None:
    """The registration marks a scan is straightened by."""
    c.setFillColor(black)
    for cx, cy in L.mark_centres():
        path = c.beginPath()
        half, hole = L.MARK_SIZE / 2, L.MARK_HOLE / 2
        path.rect(cx - half, L.PAGE_H - cy - half, L.MARK_SIZE, L.MARK_SIZE)
        path.rect(cx - hole, L.PAGE_H - cy - hole, L.MARK_HOLE, L.MARK_HOLE)
        c.drawPath(path, stroke=0, fill=1, fillMode=0)  # even-odd: the hole stays white


def _draw_table(c: Canvas, petition) -> None:
    cols = L.columns(petition.target)
    top, bottom = L.TABLE_TOP, L.TABLE_BOTTOM
    left, right = cols[0].x, cols[-1].x + cols[-1].width
    c.setStrokeColor(black)
    c.setLineWidth(0.8)
    c.rect(left, L.PAGE_H - bottom, right - left, bottom - top)
    c.setLineWidth(0.5)
    for row in range(0, L.ROWS + 1):
        y = L.row_top(row + 1) if row < L.ROWS else bottom
        c.line(left, L.PAGE_H - y, right, L.PAGE_H - y)
    ticks = [col for col in cols if col.width == L.TICK_W]
    eligible = next((col for col in cols if col.key == "eligible"), None)
    for col in cols[1:]:
        y_from = top if col not in ticks[1:] else top + L.HEADER_H / 2
        c.line(col.x, L.PAGE_H - y_from, col.x, L.PAGE_H - bottom)
    # Header: labels, and "Contact me by" over the tick boxes.
    c.setFont(SANS_BOLD, 7.5)
    for col in cols:
        if col in ticks or col is eligible or not col.label:
            continue
        c.drawString(col.x + 1.2 * mm, L.PAGE_H - top - 6 * mm, col.label)
    if eligible is not None:
        c.drawCentredString(eligible.x + eligible.width / 2, L.PAGE_H - top - 6 * mm,
                            eligible.label)  # fmt: skip
    c.setFont(SANS_BOLD, SMALLEST)
    c.drawCentredString(
        ticks[0].x + 2 * L.TICK_W, L.PAGE_H - top - 3.6 * mm, gettext("Contact me by")
    )
    c.line(ticks[0].x, L.PAGE_H - top - L.HEADER_H / 2, right, L.PAGE_H - top - L.HEADER_H / 2)
    c.setFont(SANS, SMALLEST)
    for col in ticks:
        c.drawCentredString(col.x + L.TICK_W / 2, L.PAGE_H - top - 8.3 * mm, col.label)
    # Row numbers and empty (never pre-ticked) boxes.
    box = 3.6 * mm
    for row in range(1, L.ROWS + 1):
        y = L.row_top(row)
        c.setFont(SANS, 7)
        c.drawCentredString(cols[0].x + cols[0].width / 2, L.PAGE_H - y - 6.5 * mm, str(row))
        for col in ticks + ([eligible] if eligible else []):
            bx = col.x + (col.width - box) / 2
            by = y + (L.ROW_H - box) / 2
            c.rect(bx, L.PAGE_H - by - box, box, box)


def _draw_footer(c: Canvas, petition, notice) -> None:
    flow = _Flow(c, L.MARGIN, L.FOOTER_TOP, L.FOOTER_W)
    room = gettext(
        "No more room? Sign online or print more sheets at %(url)s "
        "or scan the QR code on your phone"
    ) % {"url": petition.display_short_url}
    flow.draw(_para(room, 8.5, bold=True, markup=f"<b>{escape(room)}</b>"), gap=1.5 * mm)
    ticks = gettext(
        "Tick a box only if you want %(organisation)s to contact you that way. "
        "Leave it empty if not: signing does not sign you up."
    ) % {"organisation": petition.organisation.name}
    flow.draw(_para(ticks, SMALLEST), gap=1.2 * mm)
    imprint = imprint_line(petition) + " " + printer_line(petition)
    flow.draw(_para(imprint, SMALLEST), gap=1.2 * mm)
    if notice is not None:
        for text in (p for p in notice.text.split("\n") if p.strip()):
            flow.draw(_para(text, SMALLEST, leading=8.2), gap=0.8 * mm)
        flow.draw(
            _para(gettext("Privacy notice %(code)s") % {"code": notice.code}, SMALLEST, bold=True),
            gap=0,
        )


def _draw_static(c: Canvas, petition, notice) -> None:
    _draw_text(c, petition)
    _draw_marks(c)
    _draw_table(c, petition)
    _draw_footer(c, petition, notice)


def _draw_qr(c: Canvas, data: str) -> None:
    """The QR code as vector squares: sharp at any printer resolution."""
    qr = segno.make(data, error="m", micro=False)
    matrix = [list(row) for row in qr.matrix]
    n = len(matrix)
    module = L.QR_SIZE / n
    quiet = 2 * module
    c.setFillColor(white)
    c.rect(L.QR_X - quiet, L.PAGE_H - L.QR_Y - L.QR_SIZE - quiet, L.QR_SIZE + 2 * quiet,
           L.QR_SIZE + 2 * quiet, stroke=0, fill=1)  # fmt: skip
    c.setFillColor(black)
    path = c.beginPath()
    for r, row in enumerate(matrix):
        col = 0
        while col < n:
            if row[col]:
                start = col
                while col < n and row[col]:
                    col += 1
                y = L.PAGE_H - (L.QR_Y + (r + 1) * module)
                path.rect(L.QR_X + start * module, y, (col - start) * module, module)
            else:
                col += 1
    c.drawPath(path, stroke=0, fill=1)


def _draw_serial(c: Canvas, serial: str | None) -> None:
    y = L.PAGE_H - (L.QR_Y + L.QR_SIZE + 4 * mm)
    cx = L.QR_X + L.QR_SIZE / 2
    if serial:
        c.setFont(SANS_BOLD, 10)
        c.drawCentredString(cx, y, serial)
        c.setFont(SANS_BOLD, SMALLEST)
        c.drawString(L.PAGE_W - L.MARGIN - 40 * mm, L.PAGE_H - L.MARGIN + 2 * mm,
                     gettext("Sheet %(serial)s") % {"serial": serial})  # fmt: skip
        _draw_barcode(c, serial)
    else:
        c.setFont(SANS, SMALLEST)
        c.drawCentredString(cx, y, gettext("Sheet number given"))
        c.drawCentredString(cx, y - 2.8 * mm, gettext("when it is returned"))


def _draw_barcode(c: Canvas, serial: str) -> None:
    """The serial as Code 128 under the printed serial, with white quiet
    zones either side so nothing printed runs into it."""
    code = Code128(L.barcode_digits(serial), barWidth=L.BARCODE_MODULE,
                   barHeight=L.BARCODE_H, quiet=0, humanReadable=False)  # fmt: skip
    x = L.BARCODE_RIGHT - code.width
    y = L.PAGE_H - L.BARCODE_TOP - L.BARCODE_H
    quiet = 10 * L.BARCODE_MODULE
    c.setFillColor(white)
    c.rect(x - quiet, y, code.width + 2 * quiet, L.BARCODE_H, stroke=0, fill=1)
    c.setFillColor(black)
    code.drawOn(c, x, y)


def render_sheets(
    petition,
    serials: Iterable[str | None],
    notice=None,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """One A4 page per serial (None: a generic sheet with no serial)."""
    register_fonts()
    if notice is None:
        notice = petition.current_notice
    out = io.BytesIO()
    c = Canvas(out, pagesize=(L.PAGE_W, L.PAGE_H), pageCompression=1)
    c.setTitle(
        gettext("Petition %(number)s: %(title)s")
        % {"number": petition.number, "title": petition.shown_title}
    )
    c.setAuthor(petition.organisation.name)
    c.setSubject(gettext("Petition sheet"))
    c.beginForm("sheet")
    _draw_static(c, petition, notice)
    c.endForm()
    for i, serial in enumerate(serials, start=1):
        c.doForm("sheet")
        _draw_qr(c, sheet_url(petition, serial))
        _draw_serial(c, serial)
        c.showPage()
        if progress:
            progress(i)
    c.save()
    return out.getvalue()
