"""Submission pack at scale: seed N verified signatures, then time the CSV and
the PDF and report peak memory.

    SIGNME_HOME=var/bench-submission \
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/signme_bench_submissions \
        .venv/bin/python bench/submission_bench.py --count 1000000

Without DATABASE_URL it runs on SQLite under SIGNME_HOME. Seeding uses COPY
(PostgreSQL) or batched executemany (SQLite) and is skipped when the petition
already holds the signatures.
"""

import argparse
import os
import resource
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SIGNME_HOME", "var/bench-submission")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "signme.settings")

FIRST = ["Siân", "Zbigniew", "Nguyễn", "Ann", "Mohammed", "Olivia", "李", "Łucja", "Rhys", "Amé"]
LAST = ["Evans", "Łukasiewicz", "Văn Ánh", "Smith", "Khan", "Brown", "小龍", "Nowak", "ap Rhys"]
STREETS = ["Market Place", "Ffordd y Bryn", "Station Road", "Church Lane", "The Old Maltings"]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rows(petition_id: int, notice_id: int, start: int, count: int):
    t0 = datetime(2026, 9, 1, tzinfo=UTC)
    for i in range(start, start + count):
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i // 10) % len(LAST)]} {i}"
        email = f"signer{i}@example.org"
        address = f"{i % 300 + 1} {STREETS[i % len(STREETS)]}, Holt, Norfolk"
        at = t0 + timedelta(seconds=i * 3)
        yield (petition_id, name, email, email, address, "NR25 6BW", "", True, "web",
               "verified", notice_id, at, at)  # fmt: skip


COLUMNS = (
    "petition_id, name, email, email_canonical, address, postcode, phone, eligible, source, "
    "status, notice_id, created_at, verified_at"
)


def seed(petition, count: int) -> float:
    from django.db import connection, transaction

    from signme.petitions.models import Signature

    have = Signature.objects.filter(petition=petition).count()
    if have >= count:
        return 0.0
    t = time.perf_counter()
    notice_id = petition.current_notice.pk
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY petitions_signature ({COLUMNS}) FROM STDIN") as copy:
                for row in rows(petition.pk, notice_id, have, count - have):
                    copy.write_row(row)
        else:
            sql = f"INSERT INTO petitions_signature ({COLUMNS}) VALUES ({', '.join(['%s'] * 13)})"
            batch = []
            for row in rows(petition.pk, notice_id, have, count - have):
                batch.append(row)
                if len(batch) == 10_000:
                    cursor.executemany(sql, batch)
                    batch = []
            cursor.executemany(sql, batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE petitions_signature")
    return time.perf_counter() - t


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path("var/bench-submission/pack"))
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from signme.submissions.pack import gather_facts, write_csv, write_pdf
    from signme.web.demo import load_demo

    call_command("migrate", verbosity=0)
    petition = load_demo("organiser@example.org", "bench-pass-1")
    seeded = seed(petition, args.count)
    print(f"database: {connection.vendor}; seeded {args.count:,} in {seeded:.0f}s (0 = already)")
    args.out.mkdir(parents=True, exist_ok=True)
    rss_before = peak_rss_mb()

    t = time.perf_counter()
    facts = gather_facts(petition)
    t_facts = time.perf_counter() - t
    t = time.perf_counter()
    with open(args.out / "list.csv", "w", encoding="utf-8-sig", newline="") as fh:
        n = write_csv(petition, facts, fh)
    t_csv = time.perf_counter() - t
    rss_after_csv = peak_rss_mb()
    t = time.perf_counter()
    with open(args.out / "list.pdf", "wb") as fh:
        pages = write_pdf(petition, facts, fh)
    t_pdf = time.perf_counter() - t
    size = (args.out / "list.pdf").stat().st_size

    print(f"facts (counts for the cover): {t_facts:.1f}s")
    print(f"CSV: {n:,} rows in {t_csv:.1f}s = {n / t_csv:,.0f} rows/s")
    print(
        f"PDF: {pages:,} pages ({n:,} rows) in {t_pdf:.1f}s = "
        f"{pages / t_pdf * 60:,.0f} pages/min, {size / 1e6:,.0f} MB"
    )
    print(
        f"peak RSS: {rss_before:.0f} MB before the pack, {rss_after_csv:.0f} MB after the CSV, "
        f"{peak_rss_mb():.0f} MB after the PDF"
    )


if __name__ == "__main__":
    main()
