"""Scans and photos whose declared size is far larger than their file: every
page is sized before anything is decoded or rendered, refused with a message
naming it, and nothing is left behind."""

import functools
import io
import json
import os
import struct
import subprocess
import sys
import tempfile
import zlib

import pypdfium2
import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from signme.paper import scans
from signme.paper.models import Scan, Sheet
from signme.paper.pdf import render_sheets

from .synthetic import fill_rows, pdf_to_images

SCANS = "/organise/petitions/1500/paper/scans/"
PHOTO = "/organise/petitions/1500/paper/returns/photo"


# --- Files that are small on disk and huge once opened ------------------------


def tiny_pdf(*pages: str, objects: tuple[bytes, ...] = ()) -> bytes:
    """A PDF written by hand: one page per entry, each the inside of its page
    dictionary; `objects` are numbered after the pages."""
    body = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + i} 0 R" for i in range(len(pages)))
    body.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    body += [f"<< /Type /Page /Parent 2 0 R {page} >>".encode() for page in pages]
    body += objects
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, text in enumerate(body, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, text)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(body) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(body) + 1, xref)
    return bytes(out)


def huge_page_pdf() -> bytes:
    """Two pages five metres square: 333 bytes that rendered whole took 5.4 GB."""
    return tiny_pdf("/MediaBox [0 0 14400 14400]", "/MediaBox [0 0 14400 14400]")


def huge_image_pdf() -> bytes:
    """An A4 page drawing one image that says it is 20,000 pixels square."""
    content = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
    pixels = zlib.compress(b"\xff" * 20_000)  # its first row: enough to decode from
    return tiny_pdf(
        "/MediaBox [0 0 595 842] /Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R",
        objects=(
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
            b"<< /Type /XObject /Subtype /Image /Width 20000 /Height 20000 "
            b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode "
            b"/Length %d >>\nstream\n%s\nendstream" % (len(pixels), pixels),
        ),
    )


@functools.cache
def flat_png(width: int, height: int, mode: str = "L") -> bytes:
    """A real PNG of one colour: a few kilobytes for millions of pixels."""
    out = io.BytesIO()
    Image.new(mode, (width, height), "white").save(out, "PNG")
    return out.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims any size: its header and one empty row."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0"))
        + chunk(b"IEND", b"")
    )


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small JPEG whose frame header is rewritten to claim another size."""
    out = io.BytesIO()
    Image.new("L", (16, 16), "white").save(out, "JPEG")
    data = bytearray(out.getvalue())
    frame = data.index(b"\xff\xc0")
    data[frame + 5 : frame + 9] = struct.pack(">HH", height, width)
    return bytes(data)


# --- What a refused upload must leave behind: nothing ---------------------------


@pytest.fixture
def disk(settings, tmp_path, monkeypatch):
    """Stored scans and temporary files go under tmp_path; returns the files
    there, to show none is left."""
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    return lambda: sorted(p for p in tmp_path.rglob("*") if p.is_file())


def upload_scans(client, *files):
    return client.post(SCANS, {"files": [SimpleUploadedFile(n, d) for n, d in files]})


def read_photo(client, name, data):
    return client.post(PHOTO, {"photo": SimpleUploadedFile(name, data)})


def assert_refused(response, message, disk, sheets=None):
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Scan.objects.exists()
    assert disk() == []
    if sheets is not None:
        assert list(Sheet.objects.order_by("pk").values()) == sheets


@pytest.fixture
def blank_sheets(petition, sheets):
    return list(Sheet.objects.order_by("pk").values())


# --- The view for organisers: many files, every page -------------------------


def test_pdf_page_five_metres_wide_is_refused_before_it_is_rendered(
    client, organiser, petition, disk
):
    client.force_login(organiser)
    good = flat_png(600, 800)
    response = upload_scans(client, ("good.png", good), ("bomb.pdf", huge_page_pdf()))
    assert_refused(
        response,
        "bomb.pdf, page 1 is 5,080 × 5,080 mm, larger than any paper: it cannot be a scan of "
        "a sheet. Scan the sheets at their real size. Nothing was stored.",
        disk,
    )
    # Without the bomb, the same good file is stored.
    assert upload_scans(client, ("good.png", good)).status_code == 303
    assert Scan.objects.count() == 1


def test_six_huge_pngs_are_refused_at_the_first(client, organiser, petition, disk):
    client.force_login(organiser)
    huge = flat_png(7740, 7740)
    response = upload_scans(client, *[(f"scan-{n}.png", huge) for n in range(1, 7)])
    assert_refused(response, "scan-1.png is 7740 × 7740 pixels, too large to read.", disk)


def test_upload_over_the_pixel_budget_is_refused_naming_the_page_that_crosses_it(
    client, organiser, petition, disk
):
    # Each image may be read on its own; 34 of them are more than one request
    # should decode.
    client.force_login(organiser)
    large = flat_png(6000, 6000)
    response = upload_scans(client, *[(f"scan-{n}.png", large) for n in range(1, 35)])
    assert_refused(
        response,
        "Reading every page up to scan-34.png comes to 1,224 million pixels, more than the "
        "1,200 million one upload may hold.",
        disk,
    )


def test_more_pages_than_one_upload_may_hold_are_refused(client, organiser, petition, disk):
    client.force_login(organiser)
    a4 = "/MediaBox [0 0 595 842]"
    response = upload_scans(client, ("long.pdf", tiny_pdf(*[a4] * 101)))
    assert_refused(response, "long.pdf has 101 pages; upload at most 100 at once.", disk)
    fifty = tiny_pdf(*[a4] * 50)
    response = upload_scans(client, ("a.pdf", fifty), ("b.pdf", fifty), ("c.png", flat_png(9, 9)))
    assert_refused(response, "That is more than 100 pages; upload at most 100 at once.", disk)


def test_pdf_page_drawing_a_huge_image_is_refused(client, organiser, petition, disk):
    client.force_login(organiser)
    response = upload_scans(client, ("drawn.pdf", huge_image_pdf()))
    assert_refused(
        response,
        "drawn.pdf, page 1 holds images of 400 million pixels; a page may hold at most "
        "36 million.",
        disk,
    )


@pytest.mark.parametrize(
    "name, data",
    [
        ("bomb.png", png_header(100_000, 100_000)),
        ("bomb.jpg", jpeg_claiming(65_000, 65_000)),
        ("large.jpg", jpeg_claiming(12_000, 9_000)),  # only a warning, to Pillow
    ],
)
def test_pillow_decompression_bomb_is_refused(client, organiser, petition, disk, name, data):
    client.force_login(organiser)
    response = upload_scans(client, (name, data))
    assert_refused(response, f"{name} has more than 89 million pixels, too large to read.", disk)


class FullDisk(FileSystemStorage):
    """A disk that fills up after one file."""

    saved = 0

    def _save(self, name, content):
        if FullDisk.saved:
            raise OSError(28, "No space left on device")
        FullDisk.saved += 1
        return super()._save(name, content)


@pytest.fixture(autouse=True)
def _empty_disk():
    FullDisk.saved = 0


def test_store_that_fails_part_way_leaves_no_rows_and_no_files(
    client, organiser, petition, disk, settings
):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.FullDisk"}}
    client.force_login(organiser)
    with pytest.raises(OSError, match="No space left"):
        upload_scans(client, ("a.png", flat_png(600, 800)), ("b.png", flat_png(601, 800)))
    assert FullDisk.saved == 1
    assert not Scan.objects.exists()
    assert disk() == []


def test_page_larger_than_a2_is_scaled_down_and_still_read(
    client, organiser, petition, sheets, disk
):
    # A PDF made from a scan at one pixel per point: its page is 875 × 1,237 mm.
    page = fill_rows(pdf_to_images(render_sheets(petition, [sheets[0].serial]))[0],
                     petition.target, [1, 2])  # fmt: skip
    pdf = io.BytesIO()
    page.save(pdf, "PDF", resolution=36)
    client.force_login(organiser)
    assert upload_scans(client, ("large.pdf", pdf.getvalue())).status_code == 303
    scan = Scan.objects.get()
    assert scan.sheet == sheets[0] and scan.suggested_tally == 2
    with Image.open(scan.image.path) as stored:
        assert stored.width * stored.height <= scans.PAGE_PIXELS
        assert stored.width > page.width  # scaled down from 5,167 pixels wide, not shrunk


def test_image_with_more_pixels_than_a_page_needs_is_scaled_down_and_still_read(
    client, organiser, petition, sheets, disk
):
    page = fill_rows(pdf_to_images(render_sheets(petition, [sheets[0].serial]))[0],
                     petition.target, [1, 2, 3])  # fmt: skip
    large = page.resize((page.width * 5 // 2, page.height * 5 // 2))  # 375 dpi
    client.force_login(organiser)
    png = io.BytesIO()
    large.save(png, "PNG", compress_level=1)  # the fastest: the size is not what is tested
    assert upload_scans(client, ("large.png", png.getvalue())).status_code == 303
    scan = Scan.objects.get()
    assert scan.sheet == sheets[0] and scan.suggested_tally == 3
    with Image.open(scan.image.path) as stored:
        assert stored.width * stored.height <= scans.PAGE_PIXELS


# --- The returns page's "read photo", for volunteers: the first page only ------


def test_volunteer_photo_of_a_huge_page_is_refused(client, volunteer, blank_sheets, disk):
    client.force_login(volunteer)
    response = read_photo(client, "bomb.pdf", huge_page_pdf())
    assert_refused(response, "bomb.pdf, page 1 is 5,080 × 5,080 mm", disk, blank_sheets)
    response = read_photo(client, "huge.png", flat_png(7740, 7740))
    assert_refused(response, "huge.png is 7740 × 7740 pixels, too large to read.", disk)


def test_read_photo_renders_only_the_first_page(client, volunteer, petition, sheets, disk):
    # Page 2 is five metres square: never sized, never rendered.
    pdf = pypdfium2.PdfDocument(render_sheets(petition, [sheets[1].serial]))
    pdf.import_pages(pypdfium2.PdfDocument(huge_page_pdf()))
    out = io.BytesIO()
    pdf.save(out)
    client.force_login(volunteer)
    response = read_photo(client, "sheet.pdf", out.getvalue())
    assert response.status_code == 200
    assert f'value="{sheets[1].serial}"' in response.content.decode()
    assert not Scan.objects.exists() and disk() == []


# --- Memory, measured in a process of its own ---------------------------------

CHILD = """
import json
import sys
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from signme.paper import scans

def status(field):
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(field + ":"))
    return int(line.split()[1]) // 1024

kind = sys.argv[1]
for paths in json.loads(sys.argv[2]):
    # The peak so far back to what the process holds now: each case is
    # measured on its own (Linux: "5" in clear_refs resets VmHWM).
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")
    uploads = [SimpleUploadedFile(p.rsplit("/", 1)[-1], open(p, "rb").read()) for p in paths]
    try:
        if kind == "photo":
            scans.read_code(scans.first_page(uploads[0]).image)
        else:
            plans = scans.check_upload(uploads)
            for upload, file_plans in zip(uploads, plans):
                for page in scans.pages_from_upload(upload, file_plans):
                    scans.read_code(page.image)
        print("read")
    except scans.ScanRefused as e:
        print("refused:", e)
    # The peak of this process's own memory: getrusage's maxrss would include the
    # parent's, since Linux carries it across fork and exec.
    print(status("VmHWM"))
    del uploads
"""


def peak_megabytes(tmp_path, kind: str, *cases: dict[str, bytes]) -> list[tuple[str, int]]:
    """For each case (files read together), the outcome of reading it and the
    most memory it took (MB). One process reads every case, one after the
    other: starting a process for each cost more than the reading."""
    paths = []
    for number, files in enumerate(cases):
        (tmp_path / str(number)).mkdir()
        for name, data in files.items():
            (tmp_path / str(number) / name).write_bytes(data)
        paths.append([str(tmp_path / str(number) / name) for name in files])
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "signme.settings"}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, kind, json.dumps(paths)],
        capture_output=True, text=True, env=env, check=True, timeout=120,
    )  # fmt: skip
    lines = done.stdout.strip().splitlines()[-2 * len(cases) :]
    return [(outcome, int(peak)) for outcome, peak in zip(lines[::2], lines[1::2], strict=True)]


@pytest.mark.parametrize("kind", ["scans", "photo"])
def test_refusing_the_bombs_takes_little_memory(tmp_path, kind):
    huge = flat_png(7740, 7740)
    pages, pngs, drawn = peak_megabytes(
        tmp_path, kind,
        {"bomb.pdf": huge_page_pdf()},
        {f"{n}.png": huge for n in range(1, 7)},
        {"drawn.pdf": huge_image_pdf()},
    )  # fmt: skip
    assert pages[0].startswith("refused: bomb.pdf, page 1 is 5,080 × 5,080 mm")
    assert pages[1] < 400
    assert pngs[0].startswith("refused: 1.png is 7740 × 7740 pixels")
    assert pngs[1] < 400
    assert drawn[0].startswith("refused: drawn.pdf, page 1 holds images of 400 million")
    assert drawn[1] < 400


def test_reading_the_largest_image_accepted_takes_bounded_memory(tmp_path):
    [(outcome, peak)] = peak_megabytes(tmp_path, "photo", {"max.png": flat_png(6000, 6000, "RGB")})
    assert outcome == "read"
    assert peak < 400
