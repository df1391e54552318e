"""StreamingCanvas: reportlab's output, made without holding it all in memory."""

import io
import logging
import threading

import pytest
import reportlab
from pypdf import PdfReader
from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas

from signme.lib import pdfstream
from signme.lib.fonts import SANS, register_fonts
from signme.lib.pdfstream import TESTED_REPORTLAB_VERSIONS, StreamingCanvas

PAGES = 30


class CountingFile(io.BytesIO):
    def __init__(self):
        super().__init__()
        self.writes = 0

    def write(self, data):
        self.writes += 1
        return super().write(data)


def draw(canvas: Canvas, pages: int = PAGES) -> Canvas:
    register_fonts()
    canvas.setTitle("Petition 1500: Stop the Closure")
    for n in range(1, pages + 1):
        canvas.setFont(SANS, 11)
        canvas.drawString(72, 760, f"Page {n} of {pages}")
        for row in range(40):
            canvas.drawString(72, 740 - row * 16, f"Siân Ŵyn ap Rhŷs {n}-{row}, 12 Market Place")
        canvas.showPage()
    return canvas


def ordinary_pdf(pages: int = PAGES, ascii85: bool = False) -> bytes:
    """What reportlab's own Canvas makes; unless asked, without the ASCII85
    layer on page streams that StreamingCanvas leaves out."""
    out = io.BytesIO()
    default = rl_config.useA85
    rl_config.useA85 = int(ascii85)
    try:
        draw(Canvas(out, invariant=1, pageCompression=1), pages).save()
    finally:
        rl_config.useA85 = default
    return out.getvalue()


def streamed_pdf(out, pages: int = PAGES) -> StreamingCanvas:
    canvas = draw(StreamingCanvas(out, invariant=1, pageCompression=1), pages)
    canvas.save()
    return canvas


def test_a_streamed_pdf_reads_back_with_every_page_and_its_text(tmp_path):
    out = CountingFile()
    streamed_pdf(out)
    pdf = PdfReader(io.BytesIO(out.getvalue()))
    assert len(pdf.pages) == PAGES
    text = pdf.pages[6].extract_text()
    assert "Page 7 of 30" in text
    assert "Siân Ŵyn ap Rhŷs 7-39, 12 Market Place" in text
    assert pdf.metadata.title == "Petition 1500: Stop the Closure"


def test_a_streamed_pdf_is_byte_for_byte_what_reportlab_makes_in_invariant_mode():
    out = io.BytesIO()
    streamed_pdf(out)
    assert out.getvalue() == ordinary_pdf()
    # The one difference from reportlab's defaults: no ASCII85 layer on pages.
    assert b"/ASCII85Decode" in ordinary_pdf(ascii85=True)
    assert b"/ASCII85Decode" not in out.getvalue()


def test_pages_are_compressed_as_they_are_finished_and_the_file_written_as_it_is_formatted():
    canvas = draw(StreamingCanvas(CountingFile(), invariant=1, pageCompression=1), pages=3)
    # Deflated when finished: no page keeps its drawing commands as text.
    assert [page.stream for page in canvas._doc.Pages.pages] == [None, None, None]
    out = canvas._filename
    canvas.save()
    # Written piece by piece, where reportlab's own save writes one block.
    assert out.writes > 3
    ordinary = CountingFile()
    draw(Canvas(ordinary, invariant=1, pageCompression=1), pages=3).save()
    assert ordinary.writes == 1
    assert out.getvalue() == ordinary_pdf(pages=3)


def test_a_streamed_pdf_can_be_saved_to_a_path(tmp_path):
    streamed_pdf(tmp_path / "list.pdf")
    streamed_pdf(str(tmp_path / "list-again.pdf"))
    assert (tmp_path / "list.pdf").read_bytes() == ordinary_pdf()
    assert (tmp_path / "list-again.pdf").read_bytes() == ordinary_pdf()


def test_another_thread_making_an_ordinary_pdf_meanwhile_gets_reportlabs_usual_output():
    reference = ordinary_pdf(pages=5, ascii85=True)  # reportlab's defaults
    saving, other_done = threading.Event(), threading.Event()

    class PausingFile(io.BytesIO):
        """Holds the streamed save at its first write until the other thread is done."""

        def write(self, data):
            if not saving.is_set():
                saving.set()
                other_done.wait(timeout=30)
            return super().write(data)

    streamed, errors = PausingFile(), []

    def save_streamed():
        try:
            streamed_pdf(streamed)
        except Exception as e:  # noqa: BLE001 - reported by the test below
            errors.append(e)
        finally:
            saving.set()

    worker = threading.Thread(target=save_streamed)
    worker.start()
    try:
        saving.wait(timeout=30)
        out = CountingFile()
        draw(Canvas(out, invariant=1, pageCompression=1), pages=5).save()
    finally:
        other_done.set()
        worker.join(timeout=30)
    assert errors == []
    assert out.getvalue() == reference and out.writes == 1
    assert streamed.getvalue() == ordinary_pdf()


def test_on_an_untested_reportlab_version_the_canvas_is_reportlabs_own_with_a_warning(
    monkeypatch, caplog
):
    monkeypatch.setattr(pdfstream, "TESTED_REPORTLAB_VERSIONS", frozenset({"0.0.1"}))
    with caplog.at_level(logging.WARNING, logger="signme.lib.pdfstream"):
        canvas = draw(StreamingCanvas(CountingFile(), invariant=1, pageCompression=1), pages=3)
    assert f"reportlab {reportlab.Version} is not among the versions" in caplog.text
    assert "0.0.1" in caplog.text
    assert all(page.stream for page in canvas._doc.Pages.pages)  # kept as text, as usual
    out = canvas._filename
    canvas.save()
    assert out.writes == 1
    assert out.getvalue() == ordinary_pdf(pages=3, ascii85=True)


def test_the_installed_reportlab_is_a_version_the_streaming_was_tested_with():
    assert reportlab.Version in TESTED_REPORTLAB_VERSIONS, (
        f"reportlab {reportlab.Version} is installed but StreamingCanvas was tested with "
        f"{sorted(TESTED_REPORTLAB_VERSIONS)} only, so submission packs are being built in "
        "memory. Run bench/submission_bench.py (peak memory must stay flat) and this test "
        "module, then add the version to TESTED_REPORTLAB_VERSIONS in signme/lib/pdfstream.py."
    )


@pytest.mark.parametrize("pages", [0, 1])
def test_a_canvas_with_no_or_one_page_saves_like_reportlabs(pages):
    out = io.BytesIO()
    streamed_pdf(out, pages=pages)
    assert out.getvalue() == ordinary_pdf(pages=pages)
