"""Run SignMe's benchmarks (`make bench`).

By default each benchmark runs at a small size, on SQLite, so the whole run
takes a few minutes on two cores and shows that every benchmark still works.
Small runs are not the documented figures: `--full` uses the sizes those were
measured at (a million signatures; tens of minutes). Each benchmark runs as its
own process exactly as its page in docs/ describes, and prints its figures.

    .venv/bin/python bench/run.py [--only paper,email] [--db sqlite,postgres] [--full]

PostgreSQL runs use a fresh database on the server in BENCH_PG_ADMIN
(default postgres://postgres@127.0.0.1:5432/postgres) and drop it afterwards.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")


@dataclass
class Benchmark:
    name: str
    script: str
    measures: str
    small: list[str]
    full: list[str]
    docs: str
    # http_bench.py makes its own databases and takes --db; the others read
    # DATABASE_URL and SIGNME_HOME like the app does.
    own_databases: bool = False
    needs: list[str] = field(default_factory=list)


BENCHMARKS = [
    Benchmark(
        name="http",
        script="http_bench.py",
        measures="signing and reading through granian under wrk",
        small=["--seed", "20000", "--duration", "5"],
        full=["--seed", "1000000", "--duration", "20"],
        docs="docs/benchmarks.md, section HTTP",
        own_databases=True,
        needs=["wrk"],
    ),
    Benchmark(
        name="paper",
        script="paper_bench.py",
        measures="printing sheets, reading a scan, saving a typed row",
        small=["--signatures", "20000"],
        full=["--signatures", "1000000"],
        docs="docs/bench-paper.md",
    ),
    Benchmark(
        name="email",
        script="email_bench.py",
        measures="an update to every signer, the worker killed half-way",
        small=["--people", "2000"],
        full=["--people", "100000"],
        docs="docs/bench-email.md",
    ),
    Benchmark(
        name="worker",
        script="worker_bench.py",
        measures="the worker storing received signatures and sending confirmations",
        small=["--signatures", "2000", "--workers", "1"],
        full=["--signatures", "20000", "--workers", "1,2"],
        docs="docs/benchmarks.md, section Storing and confirming",
        own_databases=True,
    ),
    Benchmark(
        name="sign-timing",
        script="sign_timing.py",
        measures="whether signing again takes a different time from signing first",
        small=["--n", "60"],
        full=["--n", "300"],
        docs="docs/benchmarks.md, section Signing again",
        own_databases=True,
    ),
    Benchmark(
        name="sign-stack",
        script="sign_stack.py",
        measures="what Django's middleware costs a signature, in one process",
        small=["--n", "300", "--rounds", "1"],
        full=["--n", "2000", "--rounds", "3"],
        docs="docs/benchmarks.md, section The form's rules without the form",
    ),
    Benchmark(
        name="postcodes",
        script="postcodes.py",
        measures="loading the postcode directory: rows a second and peak memory",
        small=["--rows", "20000"],
        full=["--rows", "2700000"],
        docs="docs/benchmarks.md, section Loading the postcode directory",
    ),
    Benchmark(
        name="areas",
        script="area_lookup.py",
        measures="placing signatures in their areas: a batch's postcodes, one postcode",
        small=["--rows", "20000", "--batches", "5", "--singles", "300"],
        full=["--rows", "2700000"],
        docs="docs/benchmarks.md, section What placing a signature in its areas costs",
    ),
    Benchmark(
        name="scans",
        script="scan_bench.py",
        measures="filing and reading returned sheets: flatbed scans and phone photos",
        small=["--pages", "4", "--seed", "1"],
        full=["--pages", "40", "--seed", "1"],
        docs="docs/benchmarks.md, section Reading returned sheets",
    ),
    Benchmark(
        name="import",
        script="import_signatures.py",
        measures="import-signatures on another platform's export (a dry run)",
        small=["--rows", "500", "--runs", "1"],
        full=["--rows", "5000", "--runs", "3"],
        docs="docs/benchmarks.md, section Importing signatures",
    ),
    Benchmark(
        name="submission",
        script="submission_bench.py",
        measures="the submission pack's CSV and PDF, and peak memory",
        small=["--count", "20000"],
        full=["--count", "1000000"],
        docs="docs/bench-submission.md",
    ),
]
NAMES = [b.name for b in BENCHMARKS]


def fresh_database(name: str) -> str:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name


def drop_database(name: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def run_one(bench: Benchmark, db: str, full: bool) -> tuple[str, float]:
    """Runs one benchmark on one database; returns how it ended and its seconds."""
    missing = [tool for tool in bench.needs if not shutil.which(tool)]
    if missing:
        print(f"skipped: {', '.join(missing)} missing (scripts/system-packages installs it)")
        return "skipped", 0.0
    args = bench.full if full else bench.small
    home = Path(tempfile.mkdtemp(prefix=f"signme-bench-{bench.name}-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNME_")}
    env.update(SIGNME_HOME=str(home), DATABASE_URL="", PYTHONUNBUFFERED="1")
    database = "signme_bench_" + bench.name.replace("-", "_")
    if bench.own_databases:
        args = [*args, "--db", db]
    elif db == "postgres":
        env["DATABASE_URL"] = fresh_database(database)
    if bench.name == "submission":
        args = [*args, "--out", str(home / "pack")]
    cmd = [sys.executable, str(ROOT / "bench" / bench.script), *args]
    print("$", " ".join(["bench/" + bench.script, *args]), flush=True)
    started = time.monotonic()
    try:
        code = subprocess.run(cmd, cwd=ROOT, env=env).returncode
    finally:
        shutil.rmtree(home, ignore_errors=True)
        if db == "postgres" and not bench.own_databases:
            drop_database(database)
    return ("ok" if code == 0 else f"failed (exit {code})"), time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--only", default=",".join(NAMES), help=f"comma-separated, of: {', '.join(NAMES)}"
    )
    parser.add_argument("--db", default="sqlite", help="sqlite, postgres or sqlite,postgres")
    parser.add_argument(
        "--full", action="store_true", help="the documented sizes (tens of minutes)"
    )
    args = parser.parse_args()
    chosen = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = sorted(set(chosen) - set(NAMES))
    if unknown:
        parser.error(f"no benchmark called {', '.join(unknown)}; choose from {', '.join(NAMES)}")
    dbs = [d.strip() for d in args.db.split(",") if d.strip()]
    if not dbs or set(dbs) - {"sqlite", "postgres"}:
        parser.error("--db takes sqlite, postgres or both, comma-separated")
    if "postgres" in dbs:
        try:
            psycopg.connect(PG_ADMIN, connect_timeout=3).close()
        except psycopg.OperationalError as e:
            parser.error(f"PostgreSQL is not reachable at {PG_ADMIN}: {e}")

    size = "full sizes" if args.full else "small sizes (--full for the documented ones)"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"SignMe benchmarks, {size}; {os.cpu_count()} cores, load average {load}")
    results = []
    for bench in (b for b in BENCHMARKS if b.name in chosen):
        for db in dbs:
            print(f"\n=== {bench.name} on {db}: {bench.measures}", flush=True)
            outcome, seconds = run_one(bench, db, args.full)
            results.append((bench, db, outcome, seconds))

    print("\n| benchmark | database | result | took | figures documented in |")
    print("| --- | --- | --- | --- | --- |")
    for bench, db, outcome, seconds in results:
        print(f"| {bench.name} | {db} | {outcome} | {seconds:.0f} s | {bench.docs} |")
    return 0 if all(r[2] in ("ok", "skipped") for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
