"""The submission pack: what goes to the target.

A PDF (cover page, the list of signatories, the scans of the paper sheets), a
CSV of the same list and a manifest of SHA-256 hashes that `sha256sum -c`
checks. Only the fields the target's scheme needs, never consent flags, phone
numbers or internal ids.

Built for a million signatures: rows stream from the database in chunks, the
PDF list is drawn page by page on a canvas that compresses each finished page
and streams the file as it saves (signme.lib.pdfstream), so memory stays flat.
The same data gives the same bytes: reportlab's invariant mode fixes the PDF's
timestamps and ids, and every date printed comes from the data.
"""

import csv
import hashlib
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db.models import CharField, Count, Max, Min, Q, Sum
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth

from signme.lib.fonts import SANS, SANS_BOLD, font_for
from signme.lib.pdfstream import StreamingCanvas
from signme.paper.models import Scan
from signme.people.suppression import email_digest, stop_notice_digests
from signme.petitions.compliance import notice_shares_email
from signme.petitions.counting import ONLINE
from signme.petitions.models import Petition, PrivacyNotice, Sheet, Signature

CHUNK = 5000
Progress = Callable[[int], None]

_CSV_DANGER = frozenset("=+-@\t\r")


def neutralise(cell: str) -> str:
    """A spreadsheet runs a cell starting with = + - @ (or a tab or CR) as a
    formula; a leading apostrophe makes it text."""
    return "'" + cell if cell and cell[0] in _CSV_DANGER else cell


@dataclass
class PackFacts:
    """Everything the cover page states, read before the list is drawn."""

    online: int = 0
    imported: int = 0
    imported_from: list[str] = field(default_factory=list)
    paper: int = 0
    paper_tallied: int = 0
    tallied_sheets: int = 0
    duplicates_removed: int = 0
    ineligible_removed: int = 0
    invalidated: int = 0
    held_for_review: int = 0
    pending_left_out: int = 0
    kept_apart: int = 0
    withheld: tuple[int, ...] = ()
    withheld_counted: int = 0
    erased: int = 0
    # Paper rows erased at their signer's request, as (serial, row): their
    # sheet's scan still shows the row, so the clerk is told why it is not listed.
    erased_rows: list[tuple[str, int]] = field(default_factory=list)
    scans: int = 0
    typed_without_scan: list[str] = field(default_factory=list)
    first: date | None = None
    last: date | None = None
    columns: list[tuple[str, str]] = field(default_factory=list)
    email_notices: frozenset = frozenset()
    notice_codes: list[str] = field(default_factory=list)

    @property
    def listed(self) -> int:
        return self.online + self.imported + self.paper

    @property
    def not_listed(self) -> int:
        """Counted, but their details may not be handed over."""
        return self.erased + self.withheld_counted

    @property
    def total(self) -> int:
        """The petition's public count: what is listed, what is counted by
        the tally of sheets not yet typed up, and what may not be listed."""
        return self.listed + self.paper_tallied + self.not_listed


def _n(count: int, singular: str, plural: str) -> str:
    return f"{count:,} {singular if count == 1 else plural}"


def counted(petition: Petition):
    """Exactly the signatures the public count counts (see
    petitions.counting): stored validity "counted", and paper rows only once
    their sheet is typed up (until then the sheet's tally counts)."""
    return Signature.objects.filter(petition=petition, validity=Signature.Validity.COUNTED).filter(
        Q(source__in=ONLINE)
        | Q(source=Signature.Source.PAPER, sheet__transcribed_at__isnull=False)
    )


def listed(petition: Petition, withheld=()):
    """The counted signatures whose details can be handed over: not erased,
    not under a stop notice."""
    return counted(petition).filter(erased_at=None).exclude(id__in=withheld)


def withheld_signatures(petition: Petition) -> tuple[int, ...]:
    """Signers who gave a stop notice: their political opinions may no longer
    be processed, so they are not handed to the target. Stop notices are
    rare; when there are none this costs one query."""
    digests = stop_notice_digests(petition.organisation_id)
    if not digests:
        return ()
    people = (
        Signature.objects.filter(petition=petition)
        .exclude(email_canonical="")
        .values_list("id", "email_canonical")
    )
    return tuple(pk for pk, email in people.iterator() if email_digest(email) in digests)


def _local_date(dt) -> date | None:
    return timezone.localtime(dt).date() if dt else None


def gather_facts(petition: Petition) -> PackFacts:
    target = petition.target
    facts = PackFacts(withheld=withheld_signatures(petition))
    on_list = Q(erased_at=None) & ~Q(id__in=facts.withheld)
    agg = counted(petition).aggregate(
        online=Count("id", filter=Q(source="web") & on_list),
        imported=Count("id", filter=Q(source="import") & on_list),
        paper=Count("id", filter=Q(source="paper") & on_list),
        erased=Count("id", filter=Q(erased_at__isnull=False)),
        withheld=Count("id", filter=Q(erased_at=None, id__in=facts.withheld)),
        kept_apart=Count("id", filter=Q(kept_apart_from__isnull=False) & on_list),
        first=Min("created_at", filter=on_list),
        last=Max("created_at", filter=on_list),
    )
    facts.online, facts.imported, facts.paper = agg["online"], agg["imported"], agg["paper"]
    if facts.imported:
        facts.imported_from = sorted(
            set(
                counted(petition)
                .filter(source="import")
                .values_list("imported_from", flat=True)
                .distinct()
            )
            - {""}
        )
    facts.erased_rows = list(
        Signature.objects.filter(
            petition=petition, source=Signature.Source.PAPER, erased_at__isnull=False
        )
        .exclude(sheet=None)
        .order_by("sheet__serial", "sheet_row")
        .values_list("sheet__serial", "sheet_row")
    )
    facts.erased, facts.withheld_counted = agg["erased"], agg["withheld"]
    facts.kept_apart = agg["kept_apart"]
    facts.first, facts.last = _local_date(agg["first"]), _local_date(agg["last"])
    V = Signature.Validity
    left_out = dict(
        Signature.objects.filter(petition=petition)
        .exclude(validity=V.COUNTED)
        .values_list("validity")
        .annotate(n=Count("id"))
    )
    facts.duplicates_removed = left_out.get(V.DUPLICATE, 0)
    facts.ineligible_removed = left_out.get(V.NOT_ELIGIBLE, 0)
    facts.invalidated = left_out.get(V.INVALIDATED, 0)
    facts.held_for_review = left_out.get(V.REVIEW, 0)
    facts.pending_left_out = left_out.get(V.PENDING, 0)
    facts.typed_without_scan = list(
        Sheet.objects.filter(petition=petition, transcribed_at__isnull=False, scans=None)
        .order_by("serial")
        .values_list("serial", flat=True)
    )
    tallied = Sheet.objects.filter(
        petition=petition, transcribed_at=None, tally__isnull=False
    ).aggregate(n=Sum("tally"), sheets=Count("id"))
    facts.paper_tallied, facts.tallied_sheets = tallied["n"] or 0, tallied["sheets"]
    facts.scans = _scans(petition).count()

    notices = PrivacyNotice.objects.filter(petition=petition).order_by("version")
    facts.notice_codes = [n.code for n in notices]
    facts.email_notices = frozenset(
        n.pk for n in notices if notice_shares_email(n.text, target.name)
    )
    columns = []
    if target.requires_name:
        columns.append(("name", "Name"))
    if target.requires_address:
        columns.append(("address", "Address"))
    if target.requires_postcode:
        columns.append(("postcode", "Postcode"))
    if target.requires_email and facts.email_notices:
        columns.append(("email", "Email"))
    columns += [("date", "Date signed"), ("channel", "Channel")]
    facts.columns = columns
    return facts


ALL_COLUMNS = ["name", "address", "postcode", "email", "date", "channel"]


def signatory_rows(petition: Petition, facts: PackFacts) -> Iterator[tuple[str, ...]]:
    """The list in a stable order, the order the signatures were stored
    (which is the order they were made, or typed up): one tuple per
    signatory holding the pack's columns. Ordering by the primary key lets the
    database stream rows from its index instead of sorting a million first."""
    # The database turns each timestamp into a local date as text: decoding a
    # million timestamps in Python would cost more than the rest of the CSV.
    signed_on = Cast(TruncDate("created_at", tzinfo=timezone.get_current_timezone()), CharField())
    qs = (
        listed(petition, facts.withheld)
        .order_by("id")
        .annotate(signed_on=signed_on)
        .values_list(
            "name",
            "address",
            "postcode",
            "email",
            "signed_on",
            "source",
            "sheet__serial",
            "sheet_row",
            "notice_id",
            "imported_from",
        )  # fmt: skip
    )
    email_notices = facts.email_notices
    pick = operator.itemgetter(*[ALL_COLUMNS.index(key) for key, _ in facts.columns])
    for (
        name,
        address,
        postcode,
        email,
        day,
        source,
        serial,
        row,
        notice_id,
        imported_from,
    ) in qs.iterator(chunk_size=CHUNK):
        yield pick(
            (
                name,
                address,
                postcode,
                email if notice_id in email_notices else "",
                day,
                _channel(source, serial, row, imported_from),
            )
        )


def _channel(source: str, serial: str, row: int, imported_from: str) -> str:
    if source == "web":
        return "Online"
    if source == "import":
        return f"Online at {imported_from}, imported" if imported_from else "Online, imported"
    return f"Paper, sheet {serial} row {row}"


def erased_row_notes(facts: PackFacts) -> list[str]:
    """One line per paper row erased at its signer's request: the scan still
    shows the row (or its blanked place), and the clerk should see why it is
    not in the list."""
    return [f"Row {row} of {serial}: erased at the signer's request" for serial, row in
            facts.erased_rows]  # fmt: skip


def _scans(petition: Petition):
    # Only sheets that came back: a scan of a sheet never logged as returned
    # backs no signature in the list and would puzzle the clerk checking it.
    return (
        Scan.objects.filter(petition=petition, sheet__returned_at__isnull=False)
        .select_related("sheet")
        .order_by("sheet__serial", "page_number", "id")
    )


# --- CSV ----------------------------------------------------------------------


def write_csv(petition: Petition, facts: PackFacts, out, progress: Progress | None = None):
    """Write the list as CSV (UTF-8 with a byte-order mark, so spreadsheets
    read accents right) to a text file opened with newline=""."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([label for _, label in facts.columns])
    danger = _CSV_DANGER
    n = 0
    for row in signatory_rows(petition, facts):
        writer.writerow(["'" + c if c and c[0] in danger else c for c in row])
        n += 1
        if progress and n % CHUNK == 0:
            progress(CHUNK)
    if progress:
        progress(n % CHUNK)
    return n


# --- PDF ----------------------------------------------------------------------

PAGE = landscape(A4)
MARGIN = 15 * mm
SIZE = 8.5
LEADING = 11
ROW_GAP = 3
_WIDEST = 1.0  # no DejaVu glyph is wider than 1 em: shorter text needs no measuring

# Share of the table's width per column.
_WEIGHTS = {"name": 20, "address": 32, "postcode": 9, "email": 20, "date": 10, "channel": 26}


class PdfWriter:
    def __init__(self, out, petition: Petition, facts: PackFacts):
        self.petition = petition
        self.facts = facts
        self.c = StreamingCanvas(out, pagesize=PAGE, invariant=1, pageCompression=1)
        self.c.setTitle(f"Petition {petition.number}: {petition.title}")
        self.c.setAuthor(petition.organisation.name)
        self.c.setSubject(f"Petition to {petition.target.name}")
        self.c.setCreator("SignMe")
        self.page = 0
        self.width, self.height = PAGE

    # Text helpers.
    def text(self, x, y, text, size=10, bold=False):
        self.c.setFont(font_for(text, bold=bold), size)
        self.c.drawString(x, y, text)

    def paragraph(self, y, text, size=10, bold=False, width=None, leading=None, x=MARGIN):
        """Draw wrapped text from y downwards, turning the page when full."""
        width = width or self.width - MARGIN - x
        leading = leading or size * 1.35
        for para in text.split("\n"):
            font = font_for(para, bold=bold)
            for line in simpleSplit(para, font, size, width) or [""]:
                if y < MARGIN + 20:
                    self.finish_page()
                    y = self.height - MARGIN
                self.c.setFont(font, size)
                self.c.drawString(x, y, line)
                y -= leading
        return y

    def footer(self):
        self.page += 1
        label = (
            f"Petition {self.petition.number} to {self.petition.target.name} · page {self.page}"
        )
        self.c.setFont(font_for(label), 8)
        self.c.drawRightString(self.width - MARGIN, MARGIN / 2, label)

    def finish_page(self):
        self.footer()
        self.c.showPage()

    # The cover.
    def cover(self):
        p, f, target = self.petition, self.facts, self.petition.target
        y = self.height - MARGIN - 10
        y = self.paragraph(y, p.title, size=20, bold=True) - 6
        y = self.paragraph(
            y, f"We, the undersigned, petition {target.name} to {p.statement}", size=12
        )
        y -= 8
        org = p.organisation
        lines = [
            ("Organiser", f"{org.name}, {' '.join(org.address.split())}"),
            ("Contact", org.email or "—"),
            ("To", f"{target.name}, {' '.join(target.address.split()) or 'no address recorded'}"),
            ("Petition", f"Number {p.number}, {p.short_url}"),
            ("Collected", self._dates()),
        ]
        for label, value in lines:
            self.text(MARGIN, y, label, size=10, bold=True)
            y = self.paragraph(y, value, size=10, x=MARGIN + 25 * mm) - 2
        y -= 6
        y = self.paragraph(y, "Signatures", size=12, bold=True)
        counts = [
            (f"{f.online:,}", "online, each confirmed by email"),
            (f"{f.paper:,}", "on paper, typed up from the sheets (scans follow the list)"),
        ]
        if f.imported:
            where = ", ".join(f.imported_from) or "another platform"
            counts.insert(
                1,
                (
                    f"{f.imported:,}",
                    f"online at {where}, imported from its export and checked against the rest",
                ),
            )
        if f.paper_tallied:
            sheets = _n(f.tallied_sheets, "returned sheet", "returned sheets")
            counts.append(
                (
                    f"{f.paper_tallied:,}",
                    f"on paper, counted on {sheets} not yet typed up: their scans follow the "
                    "list, their names are not in it",
                )
            )
        if f.not_listed:
            counts.append(
                (
                    f"{f.not_listed:,}",
                    "counted, but not listed: their signers later had their details erased or "
                    "asked us to stop using them",
                )
            )
        counts.append((f"{f.total:,}", "in total, the same as the petition's public count"))
        for number, words in counts:
            self.text(MARGIN, y, number, size=10, bold=True)
            self.c.setFont(font_for(words), 10)
            self.c.drawString(MARGIN + 25 * mm, y, words)
            y -= 14
        y -= 6
        y = self.paragraph(y, "How the list was checked", size=12, bold=True)
        question = f" (“{target.eligibility_question}”)" if target.eligibility_question else ""
        removed = (
            "Each person is counted once. "
            f"{_n(f.duplicates_removed, 'duplicate signature was', 'duplicate signatures were')}"
            " removed (the same email address, or the same name and postcode, online or on "
            "paper), keeping the first. "
            f"{_n(f.ineligible_removed, 'signer', 'signers')} who answered that they are not "
            f"eligible{question} {'is' if f.ineligible_removed == 1 else 'are'} not counted. "
            f"{_n(f.pending_left_out, 'online signature', 'online signatures')} never "
            "confirmed by email "
            f"{'is' if f.pending_left_out == 1 else 'are'} not counted."
        )
        if f.invalidated:
            removed += (
                f" {_n(f.invalidated, 'signature was', 'signatures were')} invalidated by the "
                "organisers (each with its reason, in their audit log) and "
                f"{'is' if f.invalidated == 1 else 'are'} not counted."
            )
        if f.held_for_review:
            removed += (
                f" {_n(f.held_for_review, 'signature is', 'signatures are')} held for the "
                "organisers to review and not counted."
            )
        if f.kept_apart:
            removed += (
                f" {_n(f.kept_apart, 'signatory looks', 'signatories look')} like someone "
                "listed earlier (the same email address, or the same name and postcode), but "
                "the volunteer typing up the sheet judged them different people: both are listed."
            )
        if f.erased:
            removed += (
                f" {_n(f.erased, 'signer', 'signers')} later had their details erased at their "
                "request: counted in the total, but not listed here."
            )
            if f.erased_rows:
                removed += (
                    f" {_n(len(f.erased_rows), 'paper row', 'paper rows')} erased this way "
                    f"{'is' if len(f.erased_rows) == 1 else 'are'} named after the list, so "
                    "the scans can be checked."
                )
        if f.withheld_counted:
            removed += (
                f" {_n(f.withheld_counted, 'signer', 'signers')} later asked us to stop using "
                "their details: counted in the total, but not listed here."
            )
        y = self.paragraph(y, removed, size=10)
        if f.typed_without_scan:
            self.c.setFillColorRGB(0.7, 0.05, 0.1)
            y = self.paragraph(
                y,
                f"No scan is attached for {_n(len(f.typed_without_scan), 'sheet', 'sheets')} "
                f"typed up into this list ({', '.join(f.typed_without_scan[:20])}"
                f"{', …' if len(f.typed_without_scan) > 20 else ''}): the originals are held "
                "by the organiser.",
                size=10,
            )
            self.c.setFillColorRGB(0, 0, 0)
        columns = ", ".join(label.lower() for key, label in f.columns)
        y = self.paragraph(y, f"Each entry gives: {columns}.", size=10)
        if target.requires_email and not f.email_notices:
            y = self.paragraph(
                y,
                "Email addresses are left out: signers were not told they would be shared "
                f"with {target.name}.",
                size=10,
            )
        if f.notice_codes:
            y = self.paragraph(
                y, f"Privacy notices shown to signers: {', '.join(f.notice_codes)}.", size=10
            )
        if target.scheme_url:
            checked = (
                f", checked {target.scheme_checked_on:%-d %B %Y}"
                if target.scheme_checked_on
                else ""
            )
            y = self.paragraph(y, f"Petition scheme: {target.scheme_url}{checked}.", size=9)
        if target.minimum_signatures and f.total < target.minimum_signatures:
            y -= 6
            self.c.setFillColorRGB(0.7, 0.05, 0.1)
            y = self.paragraph(
                y,
                f"Warning: {_n(f.total, 'signature is', 'signatures are')} below the minimum of "
                f"{target.minimum_signatures:,} in {target.name}'s petition scheme.",
                size=12,
                bold=True,
            )
            self.c.setFillColorRGB(0, 0, 0)
        if not f.listed:
            y = self.paragraph(y - 6, "No signatures are listed in this pack.", size=12, bold=True)
        self.finish_page()

    def _dates(self) -> str:
        f = self.facts
        if not f.first:
            return "no signatures yet"
        if f.first == f.last:
            return f"{f.first:%-d %B %Y}"
        return f"{f.first:%-d %B %Y} to {f.last:%-d %B %Y}"

    # The list.
    def signatories(self, rows: Iterator[dict], progress: Progress | None = None):
        f = self.facts
        usable = self.width - 2 * MARGIN
        weights = sum(_WEIGHTS[k] for k, _ in f.columns)
        widths = [usable * _WEIGHTS[k] / weights for k, _ in f.columns]
        xs = [MARGIN + sum(widths[:i]) for i in range(len(widths))]
        cells = list(zip(xs, [w - 4 for w in widths], strict=True))
        top = self.height - MARGIN - 28
        bottom = MARGIN + 8
        c = self.c
        y = None
        n = 0
        text = None
        for row in rows:
            # Lines per cell: one, unless the text is too wide for its column.
            lines = []
            height = 1
            for value, (_, w) in zip(row, cells, strict=True):
                font = SANS if value.isascii() else font_for(value)
                if len(value) * SIZE * _WIDEST > w and stringWidth(value, font, SIZE) > w:
                    split = simpleSplit(value, font, SIZE, w)
                    height = max(height, len(split))
                    lines.append((font, split))
                else:
                    lines.append((font, (value,)))
            row_height = height * LEADING + ROW_GAP
            if y is None or y - row_height < bottom:
                if text is not None:
                    c.drawText(text)
                    self.finish_page()
                y = self._list_header(top)
                text = c.beginText()
                current = None
            for (font, split), (x, _) in zip(lines, cells, strict=True):
                if font != current:
                    text.setFont(font, SIZE)
                    current = font
                ly = y - SIZE
                for line in split:
                    text.setTextOrigin(x, ly)
                    text.textOut(line)
                    ly -= LEADING
            y -= row_height
            n += 1
            if progress and n % CHUNK == 0:
                progress(CHUNK)
        if text is not None:
            c.drawText(text)
            self.finish_page()
        if progress:
            progress(n % CHUNK)
        return n

    def _list_header(self, top: float) -> float:
        c, f = self.c, self.facts
        title = f"Signatories: petition {self.petition.number}, {self.petition.title}"
        c.setFont(font_for(title, bold=True), 11)
        c.drawString(MARGIN, self.height - MARGIN, title)
        usable = self.width - 2 * MARGIN
        weights = sum(_WEIGHTS[k] for k, _ in f.columns)
        x = MARGIN
        c.setFont(SANS_BOLD, SIZE)
        for key, label in f.columns:
            c.drawString(x, top + 6, label)
            x += usable * _WEIGHTS[key] / weights
        c.setLineWidth(0.5)
        c.line(MARGIN, top + 2, self.width - MARGIN, top + 2)
        return top

    # The scans.
    def scans(self, progress: Progress | None = None):
        for scan in _scans(self.petition).iterator(chunk_size=100):
            caption = (
                f"Scan of sheet {scan.sheet.serial}, page {scan.page_number} "
                f"(SHA-256 {scan.sha256})"
            )
            self.text(MARGIN, self.height - MARGIN, caption, size=9)
            with scan.image.open("rb") as fh:
                image = ImageReader(fh)
                iw, ih = image.getSize()
                box_w = self.width - 2 * MARGIN
                box_h = self.height - 2 * MARGIN - 14
                scale = min(box_w / iw, box_h / ih)
                w, h = iw * scale, ih * scale
                self.c.drawImage(image, MARGIN, MARGIN + (box_h - h), w, h)
            self.finish_page()
            if progress:
                progress(1)

    # Why rows seen in the scans are not listed.
    def erased_rows(self):
        notes = erased_row_notes(self.facts)
        if not notes:
            return
        y = self.height - MARGIN - 10
        y = self.paragraph(y, "Paper rows erased at the signer's request", size=12, bold=True)
        y = self.paragraph(
            y,
            "These rows appear on the sheets scanned below but are not in the list: their "
            "signers asked for their details to be erased. They are counted in the total.",
            size=10,
        )
        for line in notes:
            y = self.paragraph(y, line, size=SIZE + 1)
        self.finish_page()

    def save(self):
        self.c.save()


def write_pdf(petition: Petition, facts: PackFacts, out, progress: Progress | None = None):
    pdf = PdfWriter(out, petition, facts)
    pdf.cover()
    pdf.signatories(signatory_rows(petition, facts), progress)
    pdf.erased_rows()
    pdf.scans(progress)
    pdf.save()
    return pdf.page


# --- The pack -------------------------------------------------------------------


@dataclass
class Pack:
    facts: PackFacts
    files: dict[str, str]  # file name -> SHA-256
    pdf_pages: int

    @property
    def pdf_name(self):
        return next(n for n in self.files if n.endswith(".pdf"))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def file_names(petition: Petition) -> dict[str, str]:
    stem = f"petition-{petition.number}"
    return {
        "pdf": f"{stem}-signatories.pdf",
        "csv": f"{stem}-signatories.csv",
        "manifest": f"{stem}-manifest.sha256",
    }


def build_pack(
    petition: Petition,
    out_dir: Path,
    progress: Progress | None = None,
    facts: PackFacts | None = None,
) -> Pack:
    """Write the PDF, the CSV and the manifest into out_dir."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    facts = facts or gather_facts(petition)
    names = file_names(petition)
    with open(out_dir / names["csv"], "w", encoding="utf-8-sig", newline="") as fh:
        write_csv(petition, facts, fh, progress)
    with open(out_dir / names["pdf"], "wb") as fh:
        pages = write_pdf(petition, facts, fh, progress)
    hashes = {names[k]: sha256_file(out_dir / names[k]) for k in ("pdf", "csv")}
    # sha256sum's own format, so `sha256sum -c` checks the pack.
    manifest = "".join(f"{digest}  {name}\n" for name, digest in sorted(hashes.items()))
    (out_dir / names["manifest"]).write_text(manifest, encoding="ascii")
    hashes[names["manifest"]] = sha256_file(out_dir / names["manifest"])
    return Pack(facts=facts, files=hashes, pdf_pages=pages)


def work_units(facts: PackFacts) -> int:
    """How many progress steps build_pack reports: every row twice, every scan once."""
    return 2 * facts.listed + facts.scans
