"""Reading returned sheets from scans and phone photos: are pages filed with
the right sheet, and is the suggested tally right?

    SIGNME_HOME=$(mktemp -d) .venv/bin/python bench/scan_bench.py [--pages 40] [--seed 1]

Makes its own captures with a seeded random generator: numbered sheets drawn
by SignMe, handwriting-like strokes in a random subset of rows, then

- flatbed-pdf-300: scanned at 300 dpi to PDF, turned up to 1.5°, sensor noise;
- flatbed-jpeg-150: the same at 150 dpi, as JPEG;
- gentle: a phone photo on a table, 3-8 % keystone, up to ±8°, a soft shadow;
- harsh: 10-12 % keystone, up to ±8°, a hard-edged shadow band, blur, JPEG
  quality 55-70;
- qr-damaged: a gentle photo with the QR code torn and stained (the barcode
  under it must be read instead).

Every capture is filed through scans.file_scans, as an upload is. Prints, per
condition: filed right, filed wrong, unidentified, tally exact (every row sure
and the count right), mean tally error (rows judged written against rows
written), unsure pages, and tallies offered as sure that were wrong; then the
time to read a 50-page upload (a 150 dpi PDF), median of three runs.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SIGNME_HOME", tempfile.mkdtemp(prefix="signme-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "signme.settings")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402

from signme.paper import scans  # noqa: E402
from signme.paper.models import Scan  # noqa: E402
from signme.paper.pdf import render_sheets  # noqa: E402
from signme.paper.sheets import issue_sheets  # noqa: E402
from signme.web.demo import load_demo  # noqa: E402
from tests.paper.synthetic import (  # noqa: E402
    CONDITIONS,
    as_scanned,
    capture,
    fill_like_people,
    pdf_to_images,
)


def rows_to_fill(rng: np.random.Generator) -> list[int]:
    n = int(rng.integers(0, 11))
    return sorted(int(r) for r in rng.choice(np.arange(1, 11), n, replace=False))


def run_condition(petition, condition: str, pages: int, seed: int) -> dict:
    sheets = issue_sheets(petition, pages, f"bench {condition}")
    rng = np.random.default_rng(seed)
    truth, uploads = {}, []
    for i, sheet in enumerate(sheets):
        rows = rows_to_fill(rng)
        pdf = render_sheets(petition, [sheet.serial], notice=sheet.notice)
        suffix, data = capture(condition, pdf, petition.target, rows, seed * 1000 + i)
        name = f"{condition}-{i:03d}{suffix}"
        truth[name] = (sheet.pk, len(rows))
        uploads.append(SimpleUploadedFile(name, data))
    start = time.perf_counter()
    result = scans.file_scans(petition, uploads)
    seconds = time.perf_counter() - start
    right = wrong = unidentified = exact = unsure = wrong_sure = 0
    errors = []
    stored = {s.source_name: s for s in Scan.objects.filter(source_name__startswith=condition)}
    for name, (sheet_id, written) in truth.items():
        scan = stored.get(name)
        if scan is None or scan.sheet_id is None:
            unidentified += 1
        elif scan.sheet_id == sheet_id:
            right += 1
        else:
            wrong += 1
        if scan is None or not scan.rows:
            continue
        judged = sum(1 for r in scan.rows if r["state"] == "written")
        errors.append(abs(judged - written))
        sure = all(r["state"] != "unsure" for r in scan.rows)
        unsure += not sure
        exact += sure and judged == written
        wrong_sure += sure and judged != written
    return {
        "condition": condition,
        "pages": pages,
        "right": right,
        "wrong": wrong,
        "unidentified": unidentified,
        "exact": exact,
        "mean_error": statistics.mean(errors) if errors else float("nan"),
        "unsure": unsure,
        "wrong_sure": wrong_sure,
        "refused": len(result.refused),
        "seconds_per_page": seconds / pages,
    }


def fifty_page_upload(petition, seed: int) -> tuple[float, int, int]:
    """A 50-page PDF at 150 dpi, read three times: the median seconds."""
    sheets = issue_sheets(petition, 50, "bench 50 pages")
    rng = np.random.default_rng(seed)
    blank = pdf_to_images(render_sheets(petition, [s.serial for s in sheets]))
    pages = [
        as_scanned(fill_like_people(img, petition.target, rows_to_fill(rng), seed + i),
                   angle=float(rng.uniform(-2, 2)), noise=8, seed=i)
        for i, img in enumerate(blank)
    ]  # fmt: skip
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=150)
    pdf = out.getvalue()
    times = []
    for _ in range(3):
        Scan.objects.filter(source_name="fifty.pdf").delete()
        start = time.perf_counter()
        result = scans.file_scans(petition, [SimpleUploadedFile("fifty.pdf", pdf)])
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(result.filed), len(pdf)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=40, help="captures per condition")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", default=",".join(CONDITIONS))
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    petition = load_demo("bench@example.org", "bench-pass-1")
    print(f"Seed {args.seed}, {args.pages} captures per condition.\n")
    print(
        "| condition | filed right | filed wrong | unidentified | tally exact | "
        "mean tally error | pages with unsure rows | sure but wrong | s/page |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for n, condition in enumerate(c for c in args.only.split(",") if c):
        r = run_condition(petition, condition, args.pages, args.seed + n)
        pct = 100 / r["pages"]
        print(
            f"| {condition} | {r['right']} ({r['right'] * pct:.0f} %) | {r['wrong']} | "
            f"{r['unidentified']} | {r['exact']} ({r['exact'] * pct:.0f} %) | "
            f"{r['mean_error']:.2f} | {r['unsure']} | {r['wrong_sure']} | "
            f"{r['seconds_per_page']:.2f} |",
            flush=True,
        )
    seconds, filed, size = fifty_page_upload(petition, args.seed)
    print(
        f"\n50-page upload (150 dpi PDF, {size / 1e6:.1f} MB): {seconds:.2f} s "
        f"(median of 3), {filed}/50 filed."
    )


if __name__ == "__main__":
    main()
