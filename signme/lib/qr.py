"""QR codes for petitions and sheets."""

import io

import segno


def qr_svg(data: str, scale: int = 4) -> bytes:
    out = io.BytesIO()
    # Medium error correction survives a creased or smudged sheet.
    segno.make(data, error="m", micro=False).save(
        out, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True, title="QR code"
    )
    return out.getvalue()
