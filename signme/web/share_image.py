"""The share image (Open Graph, 1200 x 630) that social sites and messaging
apps show with a link to a petition: its title, its count and the imprint the
paper sheet carries, in the fonts the sheet is printed in.

Drawn with Pillow. The count on it is rounded down to two significant figures
once it passes a thousand, so the image is drawn again a few dozen times in a
petition's life rather than at every signature, and the cache keeps it."""

import functools
import io

from django.utils.translation import ngettext
from PIL import Image, ImageDraw, ImageFont

from signme.lib.fonts import font_file, image_font_for
from signme.paper.pdf import imprint_line

WIDTH, HEIGHT = 1200, 630
MARGIN = 64
INK, MUTED, BRAND, OK, WHITE = "#0b0c0c", "#484949", "#1d4e89", "#00703c", "#ffffff"


def shown_count(total: int) -> tuple[int, bool]:
    """The count to print and whether it was rounded down: exact under a
    thousand, then two significant figures (12,345 shows as 12,000)."""
    if total < 1000:
        return total, False
    step = 10 ** (len(str(total)) - 2)
    shown = total - total % step
    return shown, shown != total


def count_text(total: int) -> str:
    shown, rounded = shown_count(total)
    if rounded:
        return ngettext(
            "More than %(count)s signature", "More than %(count)s signatures", shown
        ) % {"count": f"{shown:,}"}
    return ngettext("%(count)s signature", "%(count)s signatures", shown) % {"count": f"{shown:,}"}


@functools.cache
def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_file(name)), size, index=0)


def font(text: str, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """DejaVu, or the CJK fallback for text DejaVu cannot draw (fonts.py decides)."""
    return _font(image_font_for(text, bold=bold), size)


def text_width(text: str, size: int, bold: bool = False) -> float:
    return font(text, size, bold).getlength(text)


def _wrap(text: str, fnt, width: int) -> list[str]:
    """Greedy line breaking at spaces; a word wider than the line (or text
    with no spaces, as in Chinese) is broken between characters."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if fnt.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for ch in word:
            if fnt.getlength(line + ch) > width and line:
                lines.append(line)
                line = ""
            line += ch
    if line:
        lines.append(line)
    return lines


def _fit(lines: list[str], fnt, width: int, most: int) -> list[str]:
    if len(lines) <= most:
        return lines
    last = lines[most - 1]
    while last and fnt.getlength(last + "…") > width:
        last = last[:-1]
    return [*lines[: most - 1], last.rstrip() + "…"]


def share_png(petition, total: int) -> bytes:
    """The PNG for this petition at this count (pass the count as the page shows it)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), WHITE)
    draw = ImageDraw.Draw(image)
    width = WIDTH - 2 * MARGIN
    draw.rectangle((0, 0, WIDTH, 16), fill=BRAND)

    caption = f"Petition {petition.number} to {petition.target.name}"
    caption_font = font(caption, 30)
    [caption] = _fit(_wrap(caption, caption_font, width), caption_font, width, 1)
    draw.text((MARGIN, 52), caption, font=caption_font, fill=MUTED)

    y = 104
    for size in (64, 54, 46):
        title_font = font(petition.title, size, bold=True)
        lines = _wrap(petition.title, title_font, width)
        if len(lines) <= 3:
            break
    lines = _fit(lines, title_font, width, 3)
    for line in lines:
        draw.text((MARGIN, y), line, font=title_font, fill=INK)
        y += int(title_font.size * 1.2)

    count = count_text(total)
    count_font = font(count, 60, bold=True)
    draw.text((MARGIN, 400), count, font=count_font, fill=OK)

    draw.rectangle((0, 500, WIDTH, HEIGHT), fill=BRAND)
    link = petition.display_short_url
    draw.text((MARGIN, 516), link, font=font(link, 36, bold=True), fill=WHITE)
    imprint = imprint_line(petition)
    imprint_font = font(imprint, 18)
    for i, line in enumerate(_fit(_wrap(imprint, imprint_font, width), imprint_font, width, 2)):
        draw.text((MARGIN, 568 + i * 24), line, font=imprint_font, fill=WHITE)

    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
