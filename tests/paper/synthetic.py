"""Scans made on this machine: sheets SignMe draws, filled in with
handwriting-like strokes, printed to an image, turned slightly and speckled."""

import hashlib
import io

import cv2
import numpy as np
import pypdfium2
from PIL import Image, ImageDraw

from signme.paper import layout as L

DPI = 150


def pdf_to_images(pdf: bytes, dpi: int = DPI) -> list[Image.Image]:
    doc = pypdfium2.PdfDocument(pdf)
    try:
        return [doc[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(doc))]
    finally:
        doc.close()


def scribble(draw: ImageDraw.ImageDraw, box, rng: np.random.Generator, dpi: int = DPI):
    """A wavy pen stroke across most of a cell, like joined-up writing."""
    x0, y0, x1, y1 = box
    k = dpi / 72
    x0, y0, x1, y1 = x0 * k, y0 * k, x1 * k, y1 * k
    mid = (y0 + y1) / 2
    amp = (y1 - y0) * 0.25
    xs = np.linspace(x0 + 6, x0 + (x1 - x0) * rng.uniform(0.5, 0.9), 60)
    ys = mid + amp * np.sin(xs / rng.uniform(3, 6)) + rng.normal(0, 1, xs.size)
    draw.line(list(zip(xs.tolist(), ys.tolist(), strict=True)), fill=(20, 30, 120), width=3)


def fill_rows(image: Image.Image, target, rows: list[int], seed: int = 1) -> Image.Image:
    rng = np.random.default_rng(seed)
    image = image.copy()
    draw = ImageDraw.Draw(image)
    for col in L.columns(target):
        if col.key not in ("name", "address", "signature"):
            continue
        for row in rows:
            top = L.row_top(row)
            scribble(draw, (col.x, top, col.x + col.width, top + L.ROW_H), rng)
    return image


# Turning, speckling and saving a page each take about a second, and several
# tests scan the very same page: they share one result (each gets a copy of
# an image, since a test may draw on it). A few pages are kept, not every one
# a benchmark makes.
KEEP = 8
_scanned: dict[tuple, Image.Image] = {}
_files: dict[tuple, bytes] = {}


def _fingerprint(image: Image.Image) -> tuple:
    return hashlib.sha256(image.tobytes()).digest(), image.mode, image.size


def _remember(cache: dict, key: tuple, make):
    value = cache.pop(key) if key in cache else make()
    cache[key] = value  # the most recently used last
    while len(cache) > KEEP:
        del cache[next(iter(cache))]
    return value


def as_scanned(image: Image.Image, angle: float = 1.5, noise: float = 12, seed: int = 2):
    """Turned slightly on the glass, with sensor noise, as a scanner returns it.
    OpenCV turns and speckles the page in a tenth of the time Pillow and NumPy
    floats took; the suite scans a few dozen pages."""

    def scan():
        page = np.asarray(image.convert("RGB"))
        h, w = page.shape[:2]
        turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        cos, sin = abs(turn[0, 0]), abs(turn[0, 1])
        size = (int(np.ceil(h * sin + w * cos)), int(np.ceil(h * cos + w * sin)))
        turn[:, 2] += (size[0] - w) / 2, (size[1] - h) / 2  # the whole page stays in view
        turned = cv2.warpAffine(
            page, turn, size, flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255)
        )
        grain = np.empty(turned.shape, np.int16)
        cv2.setRNGSeed(seed)
        cv2.randn(grain, 0, noise)
        return Image.fromarray(cv2.add(turned, grain, dtype=cv2.CV_8U))

    return _remember(_scanned, (_fingerprint(image), angle, noise, seed), scan).copy()


def image_file(image: Image.Image, kind: str = "PNG") -> bytes:
    def save():
        out = io.BytesIO()
        # The fastest compression: the tests read these files, nobody keeps them.
        image.save(out, kind, **({"compress_level": 1} if kind == "PNG" else {}))
        return out.getvalue()

    return _remember(_files, (_fingerprint(image), kind), save)


def images_to_pdf(images: list[Image.Image]) -> bytes:
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=DPI)
    return out.getvalue()


# --- Kitchen-table photos and flatbed scans, for the scan benchmark ---------------


def handwrite(draw: ImageDraw.ImageDraw, box, rng: np.random.Generator, dpi: int = DPI):
    """Words of joined-up loops across part of a cell, in a pen of random
    colour and width; a signature is one long flourish."""
    x0, y0, x1, y1 = (v * dpi / 72 for v in box)
    k = dpi / 150
    ink = [(20, 30, 120), (15, 15, 20), (40, 40, 160), (30, 30, 30)][rng.integers(4)]
    width = max(1, round(rng.uniform(1.6, 3.2) * k))
    x = x0 + rng.uniform(4, 12) * k
    end = x0 + (x1 - x0) * rng.uniform(0.35, 0.92)
    mid = (y0 + y1) / 2 + rng.normal(0, (y1 - y0) * 0.05)
    while x < end:
        n = rng.integers(3, 9)  # letters in the word
        length = n * rng.uniform(7, 11) * k
        xs = np.linspace(x, min(x + length, end), int(n * 12))
        phase = rng.uniform(0, 6)
        amp = (y1 - y0) * rng.uniform(0.12, 0.3)
        ys = mid + amp * np.sin((xs - x) / (rng.uniform(2.5, 4.0) * k) + phase)
        ys += np.cumsum(rng.normal(0, 0.25 * k, xs.size))  # the hand drifts
        draw.line(list(zip(xs.tolist(), ys.tolist(), strict=True)), fill=ink, width=width)
        x += length + rng.uniform(6, 14) * k


def fill_like_people(image: Image.Image, target, rows: list[int], seed: int, dpi: int = DPI):
    """Name, most addresses and most signatures written in the given rows."""
    rng = np.random.default_rng(seed)
    image = image.copy()
    draw = ImageDraw.Draw(image)
    cols = {}
    for c in L.columns(target):
        cols.setdefault(c.key, c)  # the email column, not the email tick
    for row in rows:
        top = L.row_top(row)
        for key, chance in (("name", 1.0), ("address", 0.85), ("email", 0.4), ("signature", 0.9)):
            col = cols.get(key)
            if col is not None and rng.random() < chance:
                handwrite(draw, (col.x, top, col.x + col.width, top + L.ROW_H), rng, dpi)
    return image


def photographed(
    image: Image.Image,
    rng: np.random.Generator,
    keystone: float,
    angle: float,
    shadow: str = "soft",
    blur: float = 0.0,
    quality: int = 85,
    size: tuple[int, int] = (1500, 2000),
) -> bytes:
    """A phone photo of the page on a table, as a JPEG: the page's top edge
    narrower by `keystone` (a share of its width), turned by `angle` degrees,
    under a soft shadow or a hard-edged shadow band, blurred and compressed."""
    page = np.asarray(image.convert("RGB")).astype(np.float32)
    ph, pw = page.shape[:2]
    w, h = size
    table = np.empty((h, w, 3), np.float32)
    table[:] = rng.uniform(90, 150, 3)
    table += rng.normal(0, 6, (h, w, 1))
    # The page's corners on the photo: keystone, then a turn, then placed.
    fill = rng.uniform(0.8, 0.9)
    half_w, half_h = pw / 2, ph / 2
    shrink = keystone / 2
    corners = np.array(
        [[-half_w * (1 - shrink), -half_h], [half_w * (1 - shrink), -half_h],
         [half_w * (1 + shrink), half_h], [-half_w * (1 + shrink), half_h]]
    )  # fmt: skip
    corners += rng.normal(0, pw * 0.004, corners.shape)
    a = np.radians(angle)
    turn = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    corners = corners @ turn.T
    scale = fill * min(w / np.ptp(corners[:, 0]), h / np.ptp(corners[:, 1]))
    corners = corners * scale + [w / 2 + rng.normal(0, w * 0.01), h / 2 + rng.normal(0, h * 0.01)]
    src = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    matrix = cv2.getPerspectiveTransform(src, corners.astype(np.float32))
    warped = cv2.warpPerspective(page, matrix, (w, h), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.ones((ph, pw), np.float32), matrix, (w, h))[..., None]
    photo = warped * mask + table * (1 - mask)
    # Light: brighter on one side, and a shadow.
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    d = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(d) * (xx - w / 2) + np.sin(d) * (yy - h / 2)) / max(w, h)
    light = 0.92 + 0.16 * ramp
    if shadow == "soft":
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        light *= 1 - 0.3 * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * (0.35 * w) ** 2))
    else:
        d = rng.uniform(0, np.pi)
        across = np.cos(d) * (xx - rng.uniform(0.3, 0.7) * w) + np.sin(d) * (
            yy - rng.uniform(0.3, 0.7) * h
        )
        half = rng.uniform(0.08, 0.18) * w
        band = 1 / (1 + np.exp((np.abs(across) - half) / rng.uniform(6, 20)))
        light *= 1 - rng.uniform(0.4, 0.55) * band
    photo *= light[..., None]
    if blur:
        photo = cv2.GaussianBlur(photo, (0, 0), blur)
    photo += rng.normal(0, 3 if quality >= 80 else 5, photo.shape)
    out = io.BytesIO()
    Image.fromarray(np.clip(photo, 0, 255).astype(np.uint8)).save(out, "JPEG", quality=quality)
    return out.getvalue()


CONDITIONS = ("flatbed-pdf-300", "flatbed-jpeg-150", "gentle", "harsh", "qr-damaged")


def capture(condition: str, pdf: bytes, target, rows: list[int], seed: int, scale: float = 1.0):
    """One sheet (its PDF), filled in `rows`, captured as `condition` says:
    (file name suffix, file bytes). `scale` shrinks photos for quick tests."""
    rng = np.random.default_rng(seed)
    if condition == "flatbed-pdf-300":
        page = fill_like_people(pdf_to_images(pdf, 300)[0], target, rows, seed, 300)
        turned = as_scanned(page, angle=rng.uniform(-1.5, 1.5), noise=8, seed=seed)
        out = io.BytesIO()
        turned.save(out, "PDF", resolution=300)
        return ".pdf", out.getvalue()
    page = fill_like_people(pdf_to_images(pdf)[0], target, rows, seed)
    if condition == "flatbed-jpeg-150":
        turned = as_scanned(page, angle=rng.uniform(-1.5, 1.5), noise=8, seed=seed)
        out = io.BytesIO()
        turned.save(out, "JPEG", quality=85)
        return ".jpg", out.getvalue()
    size = (round(1500 * scale), round(2000 * scale))
    if condition in ("gentle", "qr-damaged"):
        if condition == "qr-damaged":
            page = smudge_qr(page, rng)
        return ".jpg", photographed(
            page, rng, keystone=rng.uniform(0.03, 0.08), angle=rng.uniform(-8, 8),
            shadow="soft", blur=0.6, quality=85, size=size,
        )  # fmt: skip
    if condition == "harsh":
        return ".jpg", photographed(
            page, rng, keystone=rng.uniform(0.10, 0.12), angle=rng.uniform(-8, 8),
            shadow="band", blur=rng.uniform(0.9, 1.3), quality=int(rng.integers(55, 70)),
            size=size,
        )  # fmt: skip
    raise ValueError(condition)


def smudge_qr(page: Image.Image, rng: np.random.Generator, dpi: int = DPI) -> Image.Image:
    """A coffee ring and a tear over the QR code's finder patterns."""
    page = page.copy()
    draw = ImageDraw.Draw(page)
    k = dpi / 72
    x, y, size = L.QR_X * k, L.QR_Y * k, L.QR_SIZE * k
    draw.rectangle((x - 4, y - 4, x + size * 0.45, y + size * 0.4), fill=(250, 250, 245))
    cx, cy, r = x + size * rng.uniform(0.6, 0.8), y + size * rng.uniform(0.6, 0.8), size * 0.25
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(150, 110, 70))
    return page
