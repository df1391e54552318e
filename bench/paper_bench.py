"""Paper benchmarks: print 500 numbered sheets, read serials back from a
50-page scan, and save a typed row against a petition with 1 million
signatures.

    SIGNME_HOME=$(mktemp -d) .venv/bin/python bench/paper_bench.py [--signatures N]

Uses DATABASE_URL when set (PostgreSQL: rows seeded with COPY), otherwise a
fresh SQLite file under SIGNME_HOME. Prints the figures as Markdown.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SIGNME_HOME", tempfile.mkdtemp(prefix="signme-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "signme.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from signme.paper import scans  # noqa: E402
from signme.paper.pdf import render_sheets  # noqa: E402
from signme.paper.sheets import issue_sheets, log_return  # noqa: E402
from signme.petitions.models import Signature  # noqa: E402
from signme.web.demo import load_demo  # noqa: E402
from tests.paper.synthetic import as_scanned, fill_rows, images_to_pdf, pdf_to_images  # noqa: E402


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def bench_print(petition) -> float:
    def run():
        sheets = issue_sheets(petition, 500, "Benchmark")
        return render_sheets(petition, [s.serial for s in sheets], notice=sheets[0].notice)

    seconds, pdf = timed(run)
    print(
        f"| 500 numbered sheets to one PDF ({len(pdf) / 1e6:.1f} MB) | {seconds:.2f} s | < 10 s |"
    )
    return seconds


def bench_scan(petition) -> float:
    sheets = issue_sheets(petition, 50, "Scan benchmark")
    blank = pdf_to_images(render_sheets(petition, [s.serial for s in sheets]))
    rng = random.Random(5)
    pages = [
        as_scanned(
            fill_rows(img, petition.target, sorted(rng.sample(range(1, 11), rng.randint(1, 10)))),
            angle=rng.uniform(-2.5, 2.5),
            seed=i,
        )
        for i, img in enumerate(blank)
    ]
    pdf = images_to_pdf(pages)

    class Upload:
        name, size = "scan.pdf", len(pdf)

        def read(self, n):
            return pdf

    def run():
        found = []
        for page in scans.pages_from_upload(Upload()):
            reading = scans.read_code(page.image)
            rows = scans.rows_with_ink(page.image, reading.corners, petition.target)
            found.append((reading.serial, len(rows)))
        return found

    seconds, found = timed(run)
    read = sum(
        1 for (serial, _), sheet in zip(found, sheets, strict=True) if serial == sheet.serial
    )
    print(
        f"| serials and ink from a 50-page scanned PDF at 150 dpi ({len(pdf) / 1e6:.1f} MB) "
        f"| {seconds:.2f} s ({read}/50 read) | < 10 s |"
    )
    return seconds


def seed_signatures(petition, n: int) -> float:
    notice_id = petition.current_notice.pk
    now = timezone.now()
    areas = ["NR1", "NR2", "NR3", "NR4", "NR5", "NR6", "NR7", "NR8", "NR9", "NR10", "NR25"]
    letters = "ABDEFGHJLNPQRSTUWXYZ"

    def rows():
        rng = random.Random(1)
        for i in range(n):
            unit = rng.choice(letters) + rng.choice(letters)
            postcode = f"{rng.choice(areas)} {rng.randint(1, 9)}{unit}"
            yield (
                petition.pk, f"Signer {i}", f"signer{i}@example.org", f"signer{i}@example.org",
                f"{i} Some Street", postcode, "", True, "web", "verified", notice_id, now, now,
            )  # fmt: skip

    cols = (
        "petition_id, name, email, email_canonical, address, postcode, phone, eligible, "
        "source, status, notice_id, created_at, verified_at"
    )
    table = Signature._meta.db_table
    start = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows():
                    copy.write_row(row)
        else:
            sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * 13)})"
            batch = []
            for row in rows():
                batch.append(row)
                if len(batch) == 20_000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - start


def bench_rows(petition, user, n_signatures: int) -> list[float]:
    seed_seconds = seed_signatures(petition, n_signatures)
    sheets = issue_sheets(petition, 40, "Row benchmark")
    sheets = issue_sheets(petition, 1, "Warm-up") + sheets
    for sheet in sheets:
        log_return(petition, sheet.serial, 10)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    times = []
    rng = random.Random(9)
    warm_up = 5  # the first requests open the connection and fill caches
    for i in range(400 + warm_up):
        sheet, row = (
            (sheets[0], i + 1)
            if i < warm_up
            else (sheets[1 + (i - warm_up) // 10], (i - warm_up) % 10 + 1)
        )
        data = {
            f"r{row}-name": f"Paper Signer {i}",
            f"r{row}-address": f"{i} Paper Lane, Holt",
            f"r{row}-postcode": f"NR{rng.randint(1, 9)} {rng.randint(1, 9)}AB",
            f"r{row}-email": f"paper{i}@example.org" if i % 2 else "",
            f"r{row}-tick_post": "on" if i % 3 == 0 else "",
        }
        url = f"/organise/petitions/{petition.number}/paper/sheets/{sheet.serial}/rows/{row}"
        start = time.perf_counter()
        response = client.post(url, data)
        if i >= warm_up:
            times.append(time.perf_counter() - start)
        assert response.status_code == 303, response.status_code
    times.sort()
    p50 = statistics.median(times) * 1000
    p99 = times[int(len(times) * 0.99) - 1] * 1000
    total = Signature.objects.filter(petition=petition).count()
    print(
        f"| save a typed row, petition with {total:,} signatures "
        f"({connection.vendor}; seeded in {seed_seconds:.0f} s) "
        f"| p50 {p50:.1f} ms, p99 {p99:.1f} ms (400 rows) | p99 < 50 ms |"
    )
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--signatures", type=int, default=1_000_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    petition = load_demo("bench@example.org", "bench-pass-1")
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="bench@example.org")
    print("| what | measured | target |")
    print("| --- | --- | --- |")
    bench_print(petition)
    bench_scan(petition)
    bench_rows(petition, user, args.signatures)


if __name__ == "__main__":
    main()
