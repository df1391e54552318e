"""A reportlab canvas whose memory stays flat however many pages it draws.

reportlab keeps every page's drawing commands as text until save(), then
assembles the whole file in memory before writing it: for a 25,000-page
submission pack that is gigabytes. StreamingCanvas deflates each page as it
is finished and, on save(), writes the file piece by piece as reportlab
formats it. The bytes are the same as an ordinary Canvas's made with
rl_config.useA85 off (see _deflate_finished_page).

Both tricks lean on reportlab internals (a page's `stream`, the document's
`__accum__` output collector), so they are used only on reportlab versions
listed in TESTED_REPORTLAB_VERSIONS; on any other, StreamingCanvas is an
ordinary Canvas and logs a warning. Nothing is patched process-wide: only the
documents of StreamingCanvases behave differently.
"""

import logging
import os

import reportlab
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

log = logging.getLogger(__name__)

# Add a version only after running bench/submission_bench.py with it (peak
# memory must stay flat) and the tests in tests/lib/test_pdfstream.py.
TESTED_REPORTLAB_VERSIONS = frozenset({"5.1.0"})


def streaming_supported() -> bool:
    return reportlab.Version in TESTED_REPORTLAB_VERSIONS


class _Encoded:
    """A filter whose work was done when the page was finished: it only
    names itself in the stream's /Filter."""

    def __init__(self, pdfname: str):
        self.pdfname = pdfname

    def encode(self, data):
        return data


def _deflate_finished_page(page: pdfdoc.PDFPage):
    if not page.stream or not page.compression:
        return
    # Encoded as reportlab's PDFPage would at save time, less its default
    # ASCII85 layer: that makes a binary file's pages a quarter bigger and
    # slower to write, and can only be turned off process-wide.
    flate = pdfdoc.PDFZCompress
    stream = pdfdoc.PDFStream(content=flate.encode(page.stream), filters=[_Encoded(flate.pdfname)])
    stream.__Comment__ = "page stream"
    page.Contents = stream
    page.stream = None


class _StreamingDocument(pdfdoc.PDFDocument):
    """While `out` is set, the file reportlab formats goes straight to it.

    PDFDocument.format() builds its output collector (a PDFFile that appends
    every piece to a list) and hands it over as `self.__accum__`. Catching
    that assignment lets this one document redirect its collector's writes,
    where replacing pdfdoc.PDFFile would change every PDF in the process."""

    out = None

    @property
    def __accum__(self):
        return self._collector

    @__accum__.setter
    def __accum__(self, collector: pdfdoc.PDFFile):
        if self.out is not None:
            self.out.write(b"".join(collector.strings))
            collector.strings.clear()
            collector.write = self.out.write  # format() then returns b""
        self._collector = collector

    @__accum__.deleter
    def __accum__(self):
        del self._collector


class StreamingCanvas(Canvas):
    """A Canvas for `out` (a path or a binary file) that deflates each page
    as it is finished and streams the file on save()."""

    def __init__(self, out, **kwargs):
        super().__init__(os.fspath(out) if isinstance(out, os.PathLike) else out, **kwargs)
        self.streaming = streaming_supported()
        if self.streaming:
            # Canvas builds a plain PDFDocument itself and takes no class to
            # use instead; the subclass adds behaviour but no state, so
            # retagging this one instance is safe.
            self._doc.__class__ = _StreamingDocument
        else:
            log.warning(
                "reportlab %s is not among the versions PDF streaming was tested with (%s): "
                "this PDF is built in memory",
                reportlab.Version,
                ", ".join(sorted(TESTED_REPORTLAB_VERSIONS)),
            )

    def showPage(self):
        super().showPage()
        if self.streaming:
            _deflate_finished_page(self._doc.Pages.pages[-1])

    def save(self):
        if not self.streaming:
            super().save()
            return
        if len(self._code):
            self.showPage()
        if hasattr(self._filename, "write"):
            self._stream_to(self._filename)
        else:
            with open(self._filename, "wb") as fh:
                self._stream_to(fh)

    def _stream_to(self, fh):
        self._doc.out = fh
        try:
            self._doc.SaveToFile(fh, self)
        finally:
            self._doc.out = None
