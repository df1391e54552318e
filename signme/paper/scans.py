"""Reading scans of returned sheets: pages, serials, and ink in the rows.

PDF pages are rasterised with pypdfium2 (PDFium, the engine in Chromium): it
is a wheel from PyPI, so it installs with pip on any machine, and it renders in
process, without starting a pdftoppm per upload. QR codes are read with
zxing-cpp.
"""

import hashlib
import io
import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import pypdfium2
import zxingcpp
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from signme.petitions.models import Sheet

from . import layout as L
from .models import Scan

MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_PAGES = 100
MAX_PIXELS = 60_000_000
RASTER_DPI = 150
# Share of dark pixels in a cell above which it holds writing, not just specks.
INK_THRESHOLD = 0.012

_SERIAL_IN_URL = re.compile(r"/(\d+)\?(?:.*&)?sheet=(S\d+-\d{6})\b")
_PETITION_URL = re.compile(r"^https?://[^/]+/(\d+)/?$")


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


def pages_from_upload(upload) -> list[Page]:
    """Every page of an uploaded PDF, PNG or JPEG, or ScanRefused."""
    name = (getattr(upload, "name", "") or "upload")[:200]
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_FILE_BYTES:
        raise ScanRefused(
            f"{name} is {size / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_FILE_BYTES / 1024 / 1024:.1f} MB a file. Scan at 150 to 300 dpi, or split it."
        )
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ScanRefused(f"{name} is larger than {MAX_FILE_BYTES / 1024 / 1024:.1f} MB.")
    if not data:
        raise ScanRefused(f"{name} is empty.")
    if data.startswith(b"%PDF"):
        return _pdf_pages(data, name)
    if data.startswith(b"\x89PNG") or data.startswith(b"\xff\xd8"):
        return [Page(_open_image(data, name), name, 1)]
    raise ScanRefused(f"{name} is not a PDF, PNG or JPEG file.")


def _open_image(data: bytes, name: str) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                raise ScanRefused(
                    f"{name} is {image.width} × {image.height} pixels, too large to read. "
                    "Scan at 150 to 300 dpi."
                )
            image.load()
    except ScanRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):  # fmt: skip
        raise ScanRefused(f"{name} is damaged or is not an image we can read.") from None
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    return image


def _pdf_pages(data: bytes, name: str) -> list[Page]:
    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        raise ScanRefused(f"{name} is damaged or is not a PDF we can read.") from None
    try:
        if len(pdf) == 0:
            raise ScanRefused(f"{name} has no pages.")
        if len(pdf) > MAX_PAGES:
            raise ScanRefused(f"{name} has {len(pdf)} pages; upload at most {MAX_PAGES} at once.")
        pages = []
        for i in range(len(pdf)):
            bitmap = pdf[i].render(scale=RASTER_DPI / 72, grayscale=True)
            pages.append(Page(bitmap.to_pil().convert("L"), name, i + 1))
        return pages
    except pypdfium2.PdfiumError:
        raise ScanRefused(f"{name} is damaged: a page could not be read.") from None
    finally:
        pdf.close()


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


def _page_to_image(corners_img: list[tuple[float, float]]) -> np.ndarray:
    """The affine map from sheet points to scan pixels, fitted to the QR corners."""
    src = np.array([[x, y, 1.0] for x, y in L.qr_corners()])
    dst = np.array(corners_img, dtype=float)
    matrix, *_ = np.linalg.lstsq(src, dst, rcond=None)
    return matrix  # (3, 2)


def rows_with_ink(image: Image.Image, corners: list[tuple[float, float]], target) -> list[int]:
    """Rows whose name or signature cell holds writing, judged from the scan."""
    # No denoising filter: sensor noise never reaches the ink threshold, and a
    # few specks of dust stay far below INK_THRESHOLD of a cell.
    pixels = np.asarray(image.convert("L"))
    h, w = pixels.shape
    dark = pixels < 140
    matrix = _page_to_image(corners)
    inset = 1.6 * 2.8346  # stay clear of the printed grid lines
    cells = [c for c in L.columns(target) if c.key in ("name", "signature")]
    found = []
    for row in range(1, L.ROWS + 1):
        top = L.row_top(row)
        for col in cells:
            xs = np.arange(col.x + inset, col.x + col.width - inset, 1.4)
            ys = np.arange(top + inset, top + L.ROW_H - inset, 1.4)
            gx, gy = np.meshgrid(xs, ys)
            pts = np.column_stack([gx.ravel(), gy.ravel(), np.ones(gx.size)]) @ matrix
            u = np.clip(np.rint(pts[:, 0]).astype(int), 0, w - 1)
            v = np.clip(np.rint(pts[:, 1]).astype(int), 0, h - 1)
            if dark[v, u].mean() > INK_THRESHOLD:
                found.append(row)
                break
    return found


def png_bytes(image: Image.Image) -> tuple[bytes, str]:
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False, compress_level=1)
    data = out.getvalue()
    return data, hashlib.sha256(data).hexdigest()


@dataclass
class Filing:
    filed: list = field(default_factory=list)
    unidentified: list = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def file_scans(petition, uploads, user=None) -> Filing:
    """Read every page of every upload, then store them. A file that cannot be
    read refuses the whole upload before anything is stored; a page that is not
    one of this petition's sheets is refused on its own."""
    if not uploads:
        raise ScanRefused("Choose at least one PDF, PNG or JPEG file to upload.")
    pages = []
    for upload in uploads:
        pages.extend(pages_from_upload(upload))
    if len(pages) > MAX_PAGES:
        raise ScanRefused(f"That is {len(pages)} pages; upload at most {MAX_PAGES} at once.")
    result = Filing()
    ready = []
    for page in pages:
        where = f"{page.source_name}, page {page.page_number}"
        reading = read_code(page.image)
        sheet, suggested, ink = None, None, ""
        if reading.kind == "foreign":
            result.refused.append(f"{where}: its QR code is not one of this petition's sheets.")
            continue
        if reading.kind in ("sheet", "generic") and reading.petition_number != petition.number:
            result.refused.append(f"{where}: it is a sheet of another petition.")
            continue
        if reading.kind == "sheet":
            sheet = Sheet.objects.filter(petition=petition, serial=reading.serial).first()
            if sheet is None:
                result.refused.append(f"{where}: there is no sheet {reading.serial}.")
                continue
        if reading.corners:
            rows = rows_with_ink(page.image, reading.corners, petition.target)
            suggested, ink = len(rows), ",".join(map(str, rows))
        data, digest = png_bytes(page.image)
        ready.append((page, sheet, suggested, ink, data, digest))
    with transaction.atomic():
        for page, sheet, suggested, ink, data, digest in ready:
            if Scan.objects.filter(petition=petition, sha256=digest).exists():
                result.already.append(f"{page.source_name}, page {page.page_number}")
                continue
            scan = Scan(
                petition=petition,
                sheet=sheet,
                sha256=digest,
                source_name=page.source_name,
                page_number=page.page_number,
                status=Scan.Status.FILED if sheet else Scan.Status.UNIDENTIFIED,
                suggested_tally=suggested,
                rows_with_ink=ink,
                uploaded_by=user,
            )
            scan.image.save(f"{digest}.png", ContentFile(data), save=False)
            scan.save()
            (result.filed if sheet else result.unidentified).append(scan)
    return result
