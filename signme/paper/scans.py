"""Reading scans of returned sheets: pages, serials, and ink in the rows.

PDF pages are rasterised with pypdfium2 (PDFium, the engine in Chromium): it
is a wheel from PyPI, so it installs with pip on any machine, and it renders in
process, without starting a pdftoppm per upload. QR codes and the serial's
barcode are read with zxing-cpp; reading.py finds the page and reads its rows.

A page is filed with a sheet only when what it says is unambiguous: by its QR
code, or by its barcode when the QR code cannot be read; when the two name
different sheets it waits for a person.
"""

import contextlib
import hashlib
import io
import math
import os
import re
import tempfile
import typing
import warnings
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import cv2
import numpy as np
import pypdfium2
import pypdfium2.raw as pdfium_c
import zxingcpp
from django.core.files import File
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext, gettext_noop
from PIL import Image, ImageOps, UnidentifiedImageError

from signme.petitions.models import Sheet, Signature

from . import reading as R
from .models import BlankedRow, Scan
from .sheets import returned_by_scan

MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_PAGES = 100
# Every size is checked before anything is decoded or rendered: a file of a
# few hundred bytes can declare a page five metres wide, or an image of a
# billion pixels, and memory follows what is declared, not the file's size.
#
# What one image may decode to, and what the images on one PDF page may come
# to together: an A4 page scanned at 600 dpi is 35 million pixels. Read, 36
# million take at most about 300 MB.
MAX_PIXELS = 36_000_000
# What a page is read and stored at: A4 at 300 dpi is 8.7 million pixels,
# twice what reading the code and the ink needs. A larger image is scaled
# down to it, and a PDF page larger than A2 is rendered below RASTER_DPI to
# fit it: that loses nothing for a PDF made from a photo at one pixel per
# point, the usual reason for a page that large.
PAGE_PIXELS = 9_000_000
RASTER_DPI = 150
# A PDF page larger than 4A0 (1682 × 2378 mm, the largest paper size there is)
# is refused rather than shrunk: it is not a scan of anything, and shrunk to
# PAGE_PIXELS a sheet on it would be too small to read.
MAX_PAGE_AREA = 4 * 2384 * 3370  # square points
# What one upload may decode and render in all: a hundred A4 pages scanned at
# 300 dpi come to 1,090 million. It bounds the time one request takes; the
# memory is bounded by reading one page at a time.
UPLOAD_PIXELS = 1_200_000_000

_SERIAL_IN_URL = re.compile(r"/(\d+)\?(?:.*&)?sheet=(S\d+-\d{6})\b")
_PETITION_URL = re.compile(r"^https?://[^/]+/(\d+)/?$")
_ADVICE = gettext_noop("Scan at 150 to 300 dpi.")


class ScanRefused(ValueError):
    """An upload that is not something we can file; the message says why."""


@dataclass
class Page:
    image: Image.Image
    source_name: str
    page_number: int


@dataclass
class Reading:
    """What a page's QR code says."""

    kind: str  # "sheet" (has a serial), "generic" (a petition's link), "foreign", "none"
    serial: str = ""
    petition_number: int | None = None
    text: str = ""
    corners: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class PagePlan:
    """How one page will be read, decided before it is rendered."""

    number: int
    pixels: int  # decoded and rendered to read it
    scale: float = 1.0  # PDF pixels per point


def _millions(pixels: int) -> str:
    return gettext("%(n)s million") % {"n": f"{pixels / 1e6:,.0f}"}


class ScanFile:
    """One uploaded PDF, PNG or JPEG, opened far enough to know the size of
    each page without decoding or rendering any."""

    def __init__(self, upload):
        self.name = (getattr(upload, "name", "") or "upload")[:200]
        self.pdf, self.image = None, None
        size = getattr(upload, "size", None)
        if size is not None and size > MAX_FILE_BYTES:
            raise ScanRefused(
                gettext(
                    "%(name)s is %(size).1f MB; the limit is %(limit).1f MB a file. "
                    "Scan at 150 to 300 dpi, or split it."
                )
                % {
                    "name": self.name,
                    "size": size / 1024 / 1024,
                    "limit": MAX_FILE_BYTES / 1024 / 1024,
                }
            )
        if hasattr(upload, "seek"):
            upload.seek(0)  # read a second time, after sizing every file
        data = upload.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise ScanRefused(
                gettext("%(name)s is larger than %(limit).1f MB.")
                % {"name": self.name, "limit": MAX_FILE_BYTES / 1024 / 1024}
            )
        if not data:
            raise ScanRefused(gettext("%(name)s is empty.") % {"name": self.name})
        if data.startswith(b"%PDF"):
            self._open_pdf(data)
        elif data.startswith(b"\x89PNG"):
            self._open_image(data, "PNG")
        elif data.startswith(b"\xff\xd8"):
            self._open_image(data, "JPEG")
        else:
            raise ScanRefused(
                gettext("%(name)s is not a PDF, PNG or JPEG file.") % {"name": self.name}
            )

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self.pdf is not None:
            self.pdf.close()
        if self.image is not None:
            self.image.close()
        self.pdf = self.image = None

    @property
    def page_count(self) -> int:
        return len(self.pdf) if self.pdf is not None else 1

    def _damaged(self, number: int) -> ScanRefused:
        return ScanRefused(
            gettext("%(name)s is damaged: page %(page)s could not be read.")
            % {"name": self.name, "page": number}
        )

    def where(self, number: int) -> str:
        if self.pdf is None:
            return self.name
        return gettext("%(name)s, page %(page)s") % {"name": self.name, "page": number}

    # --- Sizing, before anything is decoded ---------------------------------

    def _open_pdf(self, data: bytes):
        try:
            self.pdf = pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError:
            raise ScanRefused(
                gettext("%(name)s is damaged or is not a PDF we can read.") % {"name": self.name}
            ) from None
        pages = len(self.pdf)
        if not 0 < pages <= MAX_PAGES:
            self.close()
            raise ScanRefused(
                gettext("%(name)s has %(pages)s pages; upload at most %(most)s at once.")
                % {"name": self.name, "pages": pages, "most": MAX_PAGES}
                if pages
                else gettext("%(name)s has no pages.") % {"name": self.name}
            )

    def _open_image(self, data: bytes, kind: str):
        try:
            with warnings.catch_warnings():
                # Pillow only warns about a decompression bomb below twice its
                # limit; refuse those too.
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                self.image = Image.open(io.BytesIO(data), formats=[kind])
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ScanRefused(
                gettext("%(name)s has more than %(pixels)s pixels, too large to read.")
                % {"name": self.name, "pixels": _millions(Image.MAX_IMAGE_PIXELS)}
                + f" {gettext(_ADVICE)}"
            ) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise ScanRefused(f"{self.name} is damaged or is not an image we can read.") from None
        if kind == "JPEG":
            # JPEG decodes at a half, a quarter or an eighth of its size for
            # almost nothing: a 48-megapixel photo needs only 12 million.
            self.image.draft(None, _fit(self.image.width, self.image.height, PAGE_PIXELS))

    def plan(self, number: int) -> PagePlan:
        """How page `number` (from 1) will be read, or ScanRefused naming it."""
        if self.pdf is None:
            w, h = self.image.size
            if w * h > MAX_PIXELS:
                raise ScanRefused(
                    gettext("%(name)s is %(w)s × %(h)s pixels, too large to read.")
                    % {"name": self.name, "w": w, "h": h}
                    + f" {gettext(_ADVICE)}"
                )
            return PagePlan(number, w * h)
        where = self.where(number)
        try:
            w, h = self.pdf.get_page_size(number - 1)
        except pypdfium2.PdfiumError:
            raise self._damaged(number) from None
        if not (w > 0 and h > 0):
            raise ScanRefused(
                gettext("%(name)s is damaged: page %(page)s has no size.")
                % {"name": self.name, "page": number}
            )
        if w * h > MAX_PAGE_AREA:
            mm = 25.4 / 72
            raise ScanRefused(
                gettext(
                    "%(where)s is %(w)s × %(h)s mm, larger than any paper: it "
                    "cannot be a scan of a sheet. Scan the sheets at their real size."
                )
                % {"where": where, "w": f"{w * mm:,.0f}", "h": f"{h * mm:,.0f}"}
            )
        scale = min(RASTER_DPI / 72, math.sqrt(PAGE_PIXELS / (w * h)))
        while math.ceil(w * scale) * math.ceil(h * scale) > PAGE_PIXELS:
            scale *= 0.999  # the renderer rounds each side up
        images = self._image_pixels(number)
        if images > MAX_PIXELS:
            raise ScanRefused(
                gettext(
                    "%(where)s holds images of %(pixels)s pixels; "
                    "a page may hold at most %(most)s."
                )
                % {"where": where, "pixels": _millions(images), "most": _millions(MAX_PIXELS)}
                + f" {gettext(_ADVICE)}"
            )
        return PagePlan(number, math.ceil(w * scale) * math.ceil(h * scale) + images, scale)

    def _image_pixels(self, number: int) -> int:
        """What the images drawn on a PDF page decode to: PDFium decodes each
        one whole, whatever the scale it renders the page at."""
        try:
            page = self.pdf[number - 1]
        except pypdfium2.PdfiumError:
            raise self._damaged(number) from None
        try:
            total = 0
            for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
                try:
                    w, h = obj.get_px_size()
                except pypdfium2.PdfiumError:
                    continue  # nothing PDFium can decode either
                total += w * h
            return total
        finally:
            page.close()

    # --- Rendering, one page at a time ---------------------------------------

    def render(self, plan: PagePlan) -> Page:
        if self.pdf is None:
            return Page(self._decode_image(), self.name, 1)
        try:
            page = self.pdf[plan.number - 1]
            try:
                bitmap = page.render(scale=plan.scale, grayscale=True)
                image = bitmap.to_pil().convert("L")  # a copy, so the bitmap can go
                bitmap.close()
            finally:
                page.close()
        except pypdfium2.PdfiumError:
            raise self._damaged(plan.number) from None
        return Page(image, self.name, plan.number)

    def _decode_image(self) -> Image.Image:
        image, self.image = self.image, None  # the caller's now, to close
        try:
            image.load()
        except (OSError, SyntaxError, ValueError):
            raise ScanRefused(f"{self.name} is damaged or is not an image we can read.") from None
        if image.mode not in ("L", "RGB"):
            # Before scaling: Pillow copies an image with alpha to scale it,
            # and scales a palette image by nearest neighbour.
            image = image.convert("L" if image.mode in ("1", "I", "I;16") else "RGB")
        factor = math.isqrt(image.width * image.height // PAGE_PIXELS)
        if factor > 1:
            # Averaging whole blocks of pixels first is quick, and the only
            # new memory it takes is the result.
            image = image.reduce(factor)
        if image.width * image.height > PAGE_PIXELS:
            image.thumbnail(_fit(image.width, image.height, PAGE_PIXELS))
        ImageOps.exif_transpose(image, in_place=True)
        return image


def _fit(width: int, height: int, pixels: int) -> tuple[int, int]:
    """The largest width and height of this shape within `pixels`."""
    if width * height <= pixels:
        return width, height
    scale = math.sqrt(pixels / (width * height))
    return max(1, math.floor(width * scale)), max(1, math.floor(height * scale))


class _Budget:
    """Pages and pixels counted across the files of one upload."""

    def __init__(self):
        self.pages = self.pixels = 0

    def plan(self, scan_file: ScanFile) -> list[PagePlan]:
        self.pages += scan_file.page_count
        if self.pages > MAX_PAGES:
            raise ScanRefused(
                gettext("That is more than %(most)s pages; upload at most %(most)s at once.")
                % {"most": MAX_PAGES}
            )
        plans = []
        for number in range(1, scan_file.page_count + 1):
            plans.append(scan_file.plan(number))
            self.pixels += plans[-1].pixels
            if self.pixels > UPLOAD_PIXELS:
                raise ScanRefused(
                    gettext(
                        "Reading every page up to %(where)s comes to %(pixels)s pixels, more "
                        "than the %(most)s one upload may hold. Upload fewer pages at once."
                    )
                    % {
                        "where": scan_file.where(number),
                        "pixels": _millions(self.pixels),
                        "most": _millions(UPLOAD_PIXELS),
                    }
                    + f" {gettext(_ADVICE)}"
                )
        return plans


def check_upload(uploads) -> list[list[PagePlan]]:
    """Size every page of every file, without rendering any, and refuse the
    whole upload if it is more than one request should read."""
    budget = _Budget()
    plans = []
    for upload in uploads:
        with ScanFile(upload) as scan_file:
            plans.append(budget.plan(scan_file))
    return plans


def pages_from_upload(upload, plans: list[PagePlan] | None = None) -> Iterator[Page]:
    """Every page of an uploaded PDF, PNG or JPEG, rendered one at a time, so
    each can be let go before the next; all are sized first."""
    with ScanFile(upload) as scan_file:
        for plan in plans if plans is not None else _Budget().plan(scan_file):
            yield scan_file.render(plan)


def first_page(upload) -> Page:
    """Only the first page: a photo of a sheet is read from that one."""
    with ScanFile(upload) as scan_file:
        return scan_file.render(scan_file.plan(1))


def read_code(image: Image.Image, petition_number: int | None = None) -> Reading:
    """The page's SignMe QR code, if it has one."""
    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    if not results:
        # A faint or small code often reads after boosting contrast.
        gray = ImageOps.autocontrast(image.convert("L"))
        results = zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode)
    if not results:
        return Reading("none")
    fallback = None
    for result in results:
        p = result.position
        corners = [(pt.x, pt.y) for pt in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)]
        m = _SERIAL_IN_URL.search(result.text)
        if m:
            return Reading("sheet", m.group(2), int(m.group(1)), result.text, corners)
        m = _PETITION_URL.match(result.text)
        if m:
            fallback = Reading("generic", "", int(m.group(1)), result.text, corners)
    return fallback or Reading("foreign", text=results[0].text[:200])


def read_sheet(image: Image.Image, target, corners=None) -> R.SheetReading:
    return R.read_sheet(image, target, corners or None)


def rows_with_ink(image: Image.Image, corners: list[tuple[float, float]], target) -> list[int]:
    """Rows judged written (sure or not), from the scan."""
    sheet = R.read_sheet(image, target, corners or None)
    return [r.row for r in sheet.rows if r.state != R.BLANK_STATE]


def save_png(image: Image.Image | np.ndarray, out) -> str:
    """Write the page as a greyscale PNG to the file `out`; its SHA-256.

    Greyscale, as PDF pages are rendered: the evidence is the writing, not
    the pen's colour. Encoded by OpenCV with run-length compression, three
    times quicker than Pillow's on a scan's noisy paper, and as small."""
    gray = image if isinstance(image, np.ndarray) else np.asarray(image.convert("L"))
    ok, data = cv2.imencode(
        ".png", gray, [cv2.IMWRITE_PNG_COMPRESSION, 1, cv2.IMWRITE_PNG_STRATEGY,
                       cv2.IMWRITE_PNG_STRATEGY_RLE]
    )  # fmt: skip
    if not ok:
        raise OSError("The page could not be encoded as PNG.")
    out.write(data.tobytes())
    out.seek(0)
    return hashlib.file_digest(out, "sha256").hexdigest()


@dataclass
class Filing:
    filed: list = field(default_factory=list)
    unidentified: list = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


@dataclass
class _Ready:
    """A page read and waiting to be stored."""

    source_name: str
    page_number: int
    sheet: Sheet | None
    reading: R.SheetReading
    note: str
    png: typing.BinaryIO
    encoded: Future  # the PNG's SHA-256, once written

    @property
    def digest(self) -> str:
        return self.encoded.result()


def file_scans(petition, uploads, user=None) -> Filing:
    """Read every page of every upload, then store them. A file that cannot be
    read refuses the whole upload before anything is stored; a page that is not
    one of this petition's sheets is refused on its own."""
    if not uploads:
        raise ScanRefused(gettext("Choose at least one PDF, PNG or JPEG file to upload."))
    plans = check_upload(uploads)
    result = Filing()
    # Each page waits as a PNG in an unnamed temporary file, not in memory:
    # the system removes it when it is closed, or if the process dies. A
    # second thread encodes each page while the next is read (OpenCV lets go
    # of the interpreter while it encodes); at most two wait for it.
    with (
        contextlib.ExitStack() as pngs,
        ThreadPoolExecutor(1, thread_name_prefix="scan-png") as encoder,  # ends first
    ):
        ready = []
        for upload, file_plans in zip(uploads, plans, strict=True):
            for page in pages_from_upload(upload, file_plans):
                read = _read_page(petition, page, result, pngs, encoder)
                page.image.close()  # gone before the next page is rendered
                if read is not None:
                    ready.append(read)
                if len(ready) > 2:
                    ready[-3].encoded.result()
        _store(petition, ready, user, result)
    return result


def _read_page(petition, page: Page, result: Filing, pngs, encoder) -> _Ready | None:
    where = gettext("%(name)s, page %(page)s") % {
        "name": page.source_name,
        "page": page.page_number,
    }
    reading = read_code(page.image)
    if reading.kind == "foreign":
        result.refused.append(
            gettext("%(where)s: its QR code is not one of this petition's sheets.")
            % {"where": where}
        )
        return None
    if reading.kind in ("sheet", "generic") and reading.petition_number != petition.number:
        result.refused.append(
            gettext("%(where)s: it is a sheet of another petition.") % {"where": where}
        )
        return None
    sheet_reading = R.read_sheet(page.image, petition.target, reading.corners or None)
    serial, note = serial_of(reading, sheet_reading.barcode_serial)
    sheet = None
    if serial:
        sheet = Sheet.objects.filter(petition=petition, serial=serial).first()
        if sheet is None and reading.kind == "sheet":
            result.refused.append(
                gettext("%(where)s: there is no sheet %(serial)s.")
                % {"where": where, "serial": reading.serial}
            )
            return None
        if sheet is None:
            note = gettext(
                "Its barcode reads %(serial)s, which is not a sheet of this petition."
            ) % {"serial": serial}
    png = pngs.enter_context(tempfile.TemporaryFile())
    encoded = encoder.submit(save_png, np.array(page.image.convert("L")), png)
    return _Ready(page.source_name, page.page_number, sheet, sheet_reading, note, png, encoded)


def serial_of(reading: Reading, barcode: str) -> tuple[str, str]:
    """The serial to file the page by, or why there is none. The QR code and
    the barcode must not disagree: a page is never filed on a guess."""
    qr = reading.serial if reading.kind == "sheet" else ""
    if qr and barcode and qr != barcode:
        return "", gettext(
            "Its QR code reads %(qr)s but its barcode %(barcode)s: check the printed number."
        ) % {"qr": qr, "barcode": barcode}
    return qr or barcode, ""


def _store(petition, ready: list[_Ready], user, result: Filing) -> None:
    stored = []
    try:
        # Durable: this is the real commit, never a savepoint inside someone
        # else's transaction that could still roll back after the files are
        # written and leave them behind.
        with transaction.atomic(durable=True):
            for page in ready:
                if Scan.objects.filter(petition=petition, sha256=page.digest).exists():
                    result.already.append(
                        gettext("%(name)s, page %(page)s")
                        % {"name": page.source_name, "page": page.page_number}
                    )
                    continue
                scan = Scan(
                    petition=petition,
                    sheet=page.sheet,
                    sha256=page.digest,
                    source_name=page.source_name,
                    page_number=page.page_number,
                    status=Scan.Status.FILED if page.sheet else Scan.Status.UNIDENTIFIED,
                    suggested_tally=page.reading.tally,
                    rows_with_ink=",".join(map(str, page.reading.written)),
                    rows=[r.as_json() for r in page.reading.rows],
                    note=page.note,
                    uploaded_by=user,
                )
                page.png.seek(0)
                scan.image.save(f"{page.digest}.png", File(page.png), save=False)
                stored.append(scan.image)
                scan.save()
                if page.sheet is not None:
                    returned_by_scan(page.sheet, user)
                (result.filed if page.sheet else result.unidentified).append(scan)
    except BaseException:
        # The rows are rolled back; the files they named must go too.
        for image in stored:
            image.storage.delete(image.name)
        result.filed.clear()
        result.unidentified.clear()
        raise


def row_crop(scan: Scan, row: int) -> bytes | None:
    """The row's crop from the stored page, as PNG; None if it was not read."""
    reading = scan.row_reading(row)
    if reading is None:
        return None
    left, top, right, bottom = reading["box"]
    with scan.image.open("rb") as f, Image.open(f) as image:
        crop = image.crop((left, top, right, bottom))
        out = io.BytesIO()
        crop.save(out, "PNG", compress_level=1)
    return out.getvalue()


def blank_erased_rows(limit: int = 50) -> int:
    """Worker job: paint white, in the stored scans, the rows of paper signers
    who were erased (people.rights blanks their details but cannot reach the
    scans, which sit above it). Each painted row is recorded, so it is done
    once; the count of rows painted."""
    pending = (
        Scan.objects.filter(
            sheet__signatures__source=Signature.Source.PAPER,
            sheet__signatures__erased_at__isnull=False,
            sheet__signatures__sheet_row__isnull=False,
        )
        .annotate(erased_row=F("sheet__signatures__sheet_row"))
        .filter(
            ~Exists(BlankedRow.objects.filter(scan=OuterRef("pk"), row=OuterRef("erased_row")))
        )
        .values_list("pk", "erased_row")[:limit]
    )
    rows_by_scan: dict[int, set[int]] = {}
    for scan_id, row in pending:
        rows_by_scan.setdefault(scan_id, set()).add(row)
    painted = 0
    for scan_id, rows in rows_by_scan.items():
        painted += _blank_rows(scan_id, rows)
    return painted


def _blank_rows(scan_id: int, rows: set[int]) -> int:
    with transaction.atomic():
        # One worker at a time rewrites a page, so no painted row is lost.
        scan = Scan.objects.select_for_update().get(pk=scan_id)
        done = set(
            BlankedRow.objects.filter(scan=scan, row__in=rows).values_list("row", flat=True)
        )
        todo = sorted(rows - done)
        if not todo:
            return 0
        with scan.image.open("rb") as f, Image.open(f) as stored:
            image = stored.copy()
        if any(scan.row_reading(row) is None for row in todo):
            # Stored before rows were read: read them now.
            reading = read_code(image)
            scan.rows = [r.as_json() for r in read_sheet(image, scan.petition.target,
                                                          reading.corners).rows]  # fmt: skip
            scan.save(update_fields=["rows"])
        located = [row for row in todo if scan.row_reading(row) is not None]
        for row in located:
            image = R.blank_row(image, scan.row_reading(row)["quad"])
        if not located:
            return 0
        out = io.BytesIO()
        save_png(image, out)
        _replace_file(scan.image, out.getvalue())
        BlankedRow.objects.bulk_create(BlankedRow(scan=scan, row=row) for row in located)
    return len(located)


def _replace_file(field_file, data: bytes) -> None:
    """Overwrite a stored file whole: written beside it, then renamed over it,
    so a reader never sees half a page."""
    storage, name = field_file.storage, field_file.name
    try:
        path = storage.path(name)
    except NotImplementedError:
        storage.delete(name)
        storage.save(name, io.BytesIO(data))
        return
    with tempfile.NamedTemporaryFile(dir=os.path.dirname(path), delete=False) as tmp:
        tmp.write(data)
    os.replace(tmp.name, path)
