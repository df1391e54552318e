"""Fonts embedded in SignMe's PDFs, and drawn into its share images.

reportlab's built-in fonts cover Latin-1 only, so a Welsh ŵ or a Vietnamese
name would print as boxes. We embed DejaVu Sans (every Latin, Greek and
Cyrillic letter) and fall back to WenQuanYi Micro Hei for Chinese, Japanese
and Korean, both from
Debian packages that scripts/system-packages installs.
"""

import functools
import os
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

SANS = "SignMeSans"
SANS_BOLD = "SignMeSans-Bold"
CJK = "SignMeCJK"

_SEARCH = [
    Path(os.environ.get("SIGNME_FONT_DIR", "/nonexistent")),
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/truetype/wqy"),
    Path("/usr/local/share/fonts"),
]
_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    CJK: "wqy-microhei.ttc",
}


class FontMissing(RuntimeError):
    pass


def _find(filename: str) -> Path:
    for folder in _SEARCH:
        if (folder / filename).exists():
            return folder / filename
    raise FontMissing(
        f"{filename} not found. Install Debian's fonts-dejavu-core and fonts-wqy-microhei "
        "(scripts/system-packages), or set SIGNME_FONT_DIR to a folder holding it."
    )


def font_file(name: str) -> Path:
    """The file of one of the fonts above (SANS, SANS_BOLD, CJK), for drawing
    with something other than reportlab (the share image)."""
    return _find(_FILES[name])


@functools.cache
def register_fonts() -> None:
    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(_find(filename)), subfontIndex=0))
    pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=SANS_BOLD)


@functools.cache
def _has_glyph(font_name: str, codepoint: int) -> bool:
    return codepoint in pdfmetrics.getFont(font_name).face.charToGlyph


# Up to Latin Extended-B: DejaVu draws all of it, so no lookup is needed.
_LATIN_END = 0x24F


def font_for(text: str, bold: bool = False) -> str:
    """The font to draw `text` in: DejaVu unless it holds a character DejaVu
    lacks (CJK, mostly), then the fallback."""
    register_fonts()
    base = SANS_BOLD if bold else SANS
    for ch in text:
        if ord(ch) > _LATIN_END and not ch.isspace() and not _has_glyph(base, ord(ch)):
            return CJK
    return base


def image_font_for(text: str, bold: bool = False) -> str:
    """font_for() for drawing outside a PDF: Latin text gets DejaVu without
    loading every font into reportlab first (half a second per process)."""
    if all(ord(ch) <= _LATIN_END for ch in text):
        return SANS_BOLD if bold else SANS
    return font_for(text, bold=bold)


def missing_glyphs(text: str) -> set[str]:
    """Characters no embedded font can draw (tests use this)."""
    register_fonts()
    return {
        ch
        for ch in text
        if not ch.isspace() and not _has_glyph(SANS, ord(ch)) and not _has_glyph(CJK, ord(ch))
    }
