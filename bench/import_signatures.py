"""Importing another platform's export: write N synthetic rows (a tenth the
same person twice, one in fifty with a postcode that is not one), then time
`import-signatures --dry-run` on petition 1500 of the demo, which does every
check and insert and rolls them back, so each run meets the same database.
Reports rows/s per run, their median, and peak memory.

    SIGNME_HOME=var/bench-import .venv/bin/python bench/import_signatures.py --rows 5000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/signme_bench_import \
        .venv/bin/python bench/import_signatures.py --rows 5000
"""

import argparse
import csv
import io
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SIGNME_HOME", "var/bench-import")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "signme.settings")

UNIT = "ABDEFGHJLNPQRSTUWXYZ"


def postcode(n: int) -> str:
    # About 15 signers a postcode, as in a town: each row is compared with
    # every signature sharing its postcode.
    n //= 15
    return f"NR{n % 30 + 1} {n // 30 % 10}{UNIT[n // 300 % 20]}{UNIT[n // 6000 % 20]}"


def write_file(path: Path, count: int) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["Full Name", "Email", "Address", "Post Code", "Date Signed", "Opt in"])
        for i in range(count):
            n = i - 7 if i % 10 == 9 else i  # a tenth: someone seven rows back, again
            code = "ZZ9 9ZZ" if i % 50 == 49 else postcode(n)
            out.writerow([f"Person {n}", f"person{n}@example.org", f"{n} High Street", code,
                          "2025-03-01", "yes" if n % 3 else ""])  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--file", type=Path, default=None)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    from signme.web.demo import load_demo

    call_command("migrate", verbosity=0)
    load_demo(username="bench@example.org", password="bench-pass-1")
    path = args.file or Path(os.environ["SIGNME_HOME"]) / f"import-{args.rows}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_file(path, args.rows)
    rates = []
    for _ in range(args.runs):
        out = io.StringIO()
        started = time.perf_counter()
        call_command("import_signatures", "1500", str(path), "--dry-run", "--quiet", stdout=out)
        elapsed = time.perf_counter() - started
        rates.append(args.rows / elapsed)
        print(f"{args.rows:,} rows in {elapsed:.1f} s: {rates[-1]:,.0f} rows/s")
    print(out.getvalue())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"median {statistics.median(rates):,.0f} rows/s over {args.runs} runs; "
          f"peak {peak:.0f} MB")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
