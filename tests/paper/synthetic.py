"""Scans made on this machine: sheets SignMe draws, filled in with
handwriting-like strokes, printed to an image, turned slightly and speckled."""

import hashlib
import io

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
    """Turned slightly on the glass, with sensor noise, as a scanner returns it."""

    def scan():
        rng = np.random.default_rng(seed)
        turned = image.rotate(
            angle, resample=Image.BICUBIC, expand=True, fillcolor=(255, 255, 255)
        )
        arr = np.asarray(turned).astype(np.float32)
        arr += rng.normal(0, noise, arr.shape)
        return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))

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
