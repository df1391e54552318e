"""Load test of the real server: signing and reading, on SQLite and PostgreSQL.

Starts `signme serve` (granian, 2 workers) and `signme worker` (sending to
the SMTP sink of bench/smtp_sink.py) on a fresh database holding a petition
with N verified signatures already, then drives the server with wrk:
  1. full signing POSTs with unique emails and client addresses;
  2. GETs of the petition page;
  3. GETs of count.json.
Prints signatures/s, reads/s, p50/p99 latency and errors, and checks that every
signature acknowledged with a 303 is in the database. For each signing run it
also prints the machine's CPU per request, by program (bench/cpu_share.py).

With --baseline it then serves bench/baseline.py (a bare Django view doing
one INSERT per POST) the same way, on the same database, drives it with the
same wrk script, and prints signing as a ratio to it.

    .venv/bin/python bench/http_bench.py [--db sqlite,postgres] [--seed 1000000]
        [--duration 15] [--connections 32] [--sign-only] [--baseline]
        [--pg-db signme_bench]
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from cpu_share import CpuShare

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
COUNT_PATH = "/petitions/1500/count.json"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def signme(env, *args, capture=False):
    cmd = [sys.executable, "-m", "signme.cli", *args]
    if capture:
        return subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    subprocess.run(cmd, env=env, check=True)


def prepare(db: str, home: Path, seed: int, pg_db: str) -> dict:
    env = dict(os.environ, SIGNME_HOME=str(home), SIGNME_TRUSTED_PROXIES="1")
    env.pop("SIGNME_DEMO", None)
    if db == "postgres":
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{pg_db}"')
            conn.execute(f'CREATE DATABASE "{pg_db}"')
        env["DATABASE_URL"] = PG_ADMIN.rsplit("/", 1)[0] + "/" + pg_db
    else:
        env["DATABASE_URL"] = ""
    signme(env, "manage", "migrate", "-v0")
    signme(env, "manage", "load_demo")
    t0 = time.perf_counter()
    seed_signatures(db, env, seed)
    print(f"  seeded {seed:,} verified signatures in {time.perf_counter() - t0:.1f} s")
    return env


def seed_signatures(db: str, env: dict, n: int) -> None:
    now = datetime.now(UTC)
    cols = (
        "petition_id, notice_id, name, email, email_canonical, address, postcode, phone, "
        "source, status, created_at, verified_at, eligible, validity"
    )
    if db == "postgres":
        import psycopg

        with psycopg.connect(env["DATABASE_URL"]) as conn:
            pid, nid = conn.execute(
                "SELECT p.id, n.id FROM petitions_petition p JOIN petitions_privacynotice n "
                "ON n.petition_id = p.id WHERE p.number = 1500"
            ).fetchone()
            with conn.cursor().copy(f"COPY petitions_signature ({cols}) FROM STDIN") as copy:
                for i in range(n):
                    email = f"seed{i}@example.org"
                    copy.write_row(
                        (pid, nid, f"Seeded Signer {i}", email, email, "1 Market Place",
                         "NR25 6BW", "", "web", "verified", now, now, True, "counted")
                    )  # fmt: skip
            conn.execute("ANALYZE petitions_signature")
    else:
        import sqlite3

        conn = sqlite3.connect(Path(env["SIGNME_HOME"]) / "signme.sqlite3")
        pid, nid = conn.execute(
            "SELECT p.id, n.id FROM petitions_petition p JOIN petitions_privacynotice n "
            "ON n.petition_id = p.id WHERE p.number = 1500"
        ).fetchone()
        stamp = now.isoformat(sep=" ")
        rows = (
            (pid, nid, f"Seeded Signer {i}", f"seed{i}@example.org", f"seed{i}@example.org",
             "1 Market Place", "NR25 6BW", "", "web", "verified", stamp, stamp, 1, "counted")
            for i in range(n)
        )  # fmt: skip
        with conn:
            marks = ",".join("?" * 14)
            conn.executemany(f"INSERT INTO petitions_signature ({cols}) VALUES ({marks})", rows)
        conn.execute("ANALYZE")
        conn.close()


def wait_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except Exception:  # noqa: BLE001
            time.sleep(0.2)
    raise SystemExit(f"server did not come up at {url}")


def wrk(url: str, script: str, duration: int, connections: int, env: dict) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-s",
         str(HERE / script), url],
        capture_output=True, text=True, env=env, check=True,
    ).stdout  # fmt: skip
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    m = re.search(r"LATENCY p50=([\d.]+) p99=([\d.]+)", out)
    result["p50"], result["p99"] = float(m.group(1)), float(m.group(2))
    m = re.search(r"STATUS 303=(\d+) other=(\d+)", out)
    if m:
        result["ok"], result["errors"] = int(m.group(1)), int(m.group(2))
    m = re.search(r"STATUS non200=(\d+)", out)
    if m:
        result["errors"] = int(m.group(1))
    sock = re.search(r"Socket errors: (.*)", out)
    result["socket_errors"] = sock.group(1) if sock else ""
    return result


def stored_bench_signatures(env: dict, prefix: str) -> tuple[int, int]:
    """(signatures stored, signatures still waiting in the intake), read in
    one statement: two would each see the database at its own moment, and
    a batch the worker committed between them (its rows leaving the intake
    and becoming signatures at once) would be in neither count."""
    code = (
        "from django.db import connection;"
        "from signme.petitions.models import Signature, SignatureIntake;"
        "c = connection.cursor();"
        "c.execute(f'SELECT (SELECT count(*) FROM {Signature._meta.db_table} WHERE email LIKE %s),"
        " (SELECT count(*) FROM {SignatureIntake._meta.db_table} WHERE email_canonical LIKE %s)',"
        f" ['{prefix}.%'] * 2);"
        "print(*c.fetchone())"
    )
    stored, waiting = signme(env, "manage", "shell", "-c", code, capture=True).split()[-2:]
    return int(stored), int(waiting)


def drain(env: dict, prefix: str, timeout: float = 120) -> tuple[int, float]:
    """Wait for the worker to store every signature taken; (stored, seconds)."""
    t0 = time.perf_counter()
    while True:
        stored, waiting = stored_bench_signatures(env, prefix)
        if not waiting or time.perf_counter() - t0 > timeout:
            return stored + waiting, time.perf_counter() - t0
        time.sleep(0.5)


def run(db: str, args) -> dict:
    print(f"== {db}")
    home = Path(tempfile.mkdtemp(prefix=f"signme-bench-{db}-"))
    try:
        env = prepare(db, home, args.seed, args.pg_db)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env["SIGNME_BASE_URL"] = base
        token = signme(
            env, "manage", "shell", "-c",
            "from signme.lib.tokens import make_token; print(make_token('signform', 1500))",
            capture=True,
        ).split()[-1]  # fmt: skip
        server = subprocess.Popen(
            [sys.executable, "-m", "signme.cli", "serve", "--port", str(port), "--workers",
             str(args.workers), "--threads", str(args.threads)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        # The worker runs as in production: it aggregates counts every few
        # seconds and sends the confirmation emails, here to the SMTP sink
        # on loopback (--eml-files: to .eml files, as before issue 14).
        sink = None
        if not args.eml_files:
            sink_port = free_port()
            sink = subprocess.Popen(
                [sys.executable, str(HERE / "smtp_sink.py"), str(sink_port), home / "sink.txt"]
            )
            env["EMAIL_URL"] = f"smtp://127.0.0.1:{sink_port}"
        worker = subprocess.Popen(
            [sys.executable, "-m", "signme.cli", "worker" if not args.no_worker else "help"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_up(f"{base}/petitions/1500/count.json")
            prefix = f"b{int(time.time())}"
            wenv = dict(env, SIGNME_FORM_TOKEN=token, SIGNME_BENCH_PREFIX=prefix)
            roots = {"app server": server.pid, "worker": worker.pid}
            if sink is not None:
                roots["SMTP sink"] = sink.pid
            with CpuShare(roots) as share:
                sign = wrk(f"{base}/petitions/1500/sign", "sign.lua", args.duration,
                           args.connections, wenv)  # fmt: skip
            sign["cpu"] = share.line(sign["ok"] + sign["errors"])
            # Every 303 is a committed intake row; the worker stores them.
            sign["stored"], sign["drained"] = drain(env, prefix, 0 if args.no_worker else 120)
            reads = {}
            if args.baseline:
                baseline = serve_baseline(env, home, args)
                reads["baseline"] = baseline
            if not args.sign_only:
                for name, path in [("page", "/petitions/1500/"), ("count.json", COUNT_PATH)]:
                    reads[name] = wrk(
                        base + path, "read.lua", args.duration, args.connections, env
                    )
        finally:
            for proc in (server, worker, sink):
                if proc is not None:
                    proc.terminate()
                    proc.wait(timeout=30)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(
        f"  sign:       {sign['rps']:8.0f} signatures/s  p50 {sign['p50']:6.1f} ms  "
        f"p99 {sign['p99']:6.1f} ms  303s {sign['ok']:,}  errors {sign['errors']}  "
        f"stored {sign['stored']:,} {'OK' if sign['stored'] >= sign['ok'] else 'MISSING'} "
        f"(the worker finished storing {sign['drained']:.1f} s after the load ended)"
    )
    print(f"              {sign['cpu']}")
    if "baseline" in reads:
        b = reads.pop("baseline")
        print(
            f"  baseline:   {b['rps']:8.0f} INSERTs/s     p50 {b['p50']:6.1f} ms  "
            f"p99 {b['p99']:6.1f} ms  303s {b['ok']:,}  errors {b['errors']}  "
            f"stored {b['stored']:,} {'OK' if b['stored'] >= b['ok'] else 'MISSING'}"
        )
        print(f"              {b['cpu']}")
        print(f"  signing / baseline: {sign['rps'] / b['rps']:.2f}")
        sign["baseline"] = b
    for name, r in reads.items():
        print(
            f"  {name:11} {r['rps']:8.0f} reads/s       p50 {r['p50']:6.1f} ms  "
            f"p99 {r['p99']:6.1f} ms  errors {r['errors']} {r['socket_errors']}"
        )
    return {"sign": sign, **reads}


def serve_baseline(env: dict, home: Path, args) -> dict:
    """bench/baseline.py served as `signme serve` serves SignMe (the SignMe
    server is still up, idle: each side has the machine as the other had it)."""
    port = free_port()
    benv = dict(env, PYTHONPATH=str(ROOT), BASELINE_SQLITE=str(home / "signme.sqlite3"))
    code = "import bench.baseline as b; b.create_table()"
    subprocess.run([sys.executable, "-c", code], env=benv, check=True, cwd=ROOT)
    server = subprocess.Popen(
        [sys.executable, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(args.workers), "--blocking-threads",
         str(args.threads), "--no-ws", "bench.baseline:application"],
        env=benv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        wenv = dict(env, SIGNME_FORM_TOKEN="-", SIGNME_BENCH_PREFIX="baseline")
        with CpuShare({"app server": server.pid}) as share:
            result = wrk(f"{base}/petitions/1500/sign", "sign.lua", args.duration,
                         args.connections, wenv)  # fmt: skip
        result["cpu"] = share.line(result["ok"] + result["errors"])
    finally:
        server.terminate()
        server.wait(timeout=30)
    code = (
        "import bench.baseline; from django.db import connection; c = connection.cursor();"
        "c.execute('SELECT count(*) FROM baseline_row'); print(c.fetchone()[0])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=benv, cwd=ROOT, capture_output=True, text=True
    )
    result["stored"] = int(out.stdout.split()[-1])
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--seed", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--sign-only", action="store_true", help="skip the read runs")
    parser.add_argument(
        "--baseline", action="store_true", help="also serve bench/baseline.py and compare"
    )
    parser.add_argument(
        "--eml-files", action="store_true", help="the worker writes emails to files, not SMTP"
    )
    parser.add_argument("--pg-db", default="signme_bench", help="the PostgreSQL database made")
    parser.add_argument(
        "--no-worker", action="store_true", help="measure the web server alone, no worker"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: run scripts/system-packages (Debian package wrk)")
    os.chdir(ROOT)
    print(f"{os.cpu_count()} cores; wrk -t2 -c{args.connections} -d{args.duration}s; "
          f"granian --workers {args.workers} --blocking-threads {args.threads}")  # fmt: skip
    for db in args.db.split(","):
        run(db.strip(), args)


if __name__ == "__main__":
    main()
