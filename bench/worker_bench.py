"""How fast the worker stores received signatures and sends their
confirmation emails, on a fresh database.

    .venv/bin/python bench/worker_bench.py [--db postgres] [--signatures 20000]
        [--workers 1,2]

1. N signature forms are put in the intake (not timed), then take_in()
   stores them in batches, in this process: intake rows/s.
2. K `signme worker` processes send the N confirmation emails to a minimal
   SMTP sink on loopback (bench/smtp_sink.py, PIPELINING offered): emails/s,
   from the first email at the sink to the last. Checks that every
   email arrived exactly once.
Steps 1 and 2 are run again for each K in --workers.

    .venv/bin/python bench/worker_bench.py --profile [--signatures 2000]

instead sends one batch of N confirmations in this process under cProfile
and prints where its time went (the 25 costliest functions, cumulative).

PostgreSQL: a database named by --pg-db on the server in BENCH_PG_ADMIN is
dropped and made afresh (never point it at real data)."""

import argparse
import collections
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines() if path.exists() else []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="postgres", choices=["postgres", "sqlite"])
    parser.add_argument("--pg-db", default="signme_worker_bench")
    parser.add_argument("--signatures", type=int, default=20_000)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--profile", action="store_true", help="profile one batch in-process")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="signme-worker-bench-"))
    port = free_port()
    env = dict(
        os.environ,
        SIGNME_HOME=str(home),
        EMAIL_URL=f"smtp://127.0.0.1:{port}",
        SIGNME_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="signme.settings",
    )
    env.pop("SIGNME_DEMO", None)
    if args.db == "postgres":
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{args.pg_db}"')
            conn.execute(f'CREATE DATABASE "{args.pg_db}"')
        env["DATABASE_URL"] = PG_ADMIN.rsplit("/", 1)[0] + "/" + args.pg_db
    else:
        env["DATABASE_URL"] = ""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from signme.lib.emails import canonical_email
    from signme.mailing.models import OutboundEmail
    from signme.petitions.models import Petition, SignatureIntake
    from signme.petitions.signing import receive_signature, take_in

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    petition = Petition.objects.get(number=1500)
    petition.cached_notice = petition.current_notice  # as the public pages place it
    print(f"{os.cpu_count()} cores; {args.db}; {args.signatures:,} signatures per round")
    sink_file = home / "received.txt"
    sink = subprocess.Popen([sys.executable, str(HERE / "smtp_sink.py"), str(port), sink_file])

    def fill_intake(round_no: int):
        with transaction.atomic():
            for i in range(args.signatures):
                email = f"r{round_no}.s{i}@example.org"
                receive_signature(
                    petition,
                    {
                        "name": f"Signer {i}",
                        "email": email,
                        "email_canonical": canonical_email(email),
                        "address": "1 Market Place, Holt",
                        "postcode": "NR25 6BW",
                        "eligible": "yes",
                        "consent_email": True,
                        "areas": {},
                    },
                )

    ok = True
    try:
        if args.profile:
            return profile_one_batch(args.signatures, fill_intake, sink_file, port)
        for round_no, workers in enumerate(int(k) for k in args.workers.split(",")):
            fill_intake(round_no)
            t0 = time.perf_counter()
            while take_in():
                pass
            stored = time.perf_counter() - t0
            print(
                f"  take_in: {args.signatures:,} intake rows stored in {stored:.2f} s: "
                f"{args.signatures / stored:,.0f} rows/s (one process)"
            )
            assert not SignatureIntake.objects.exists()
            queued = OutboundEmail.objects.filter(sent_at=None).count()
            before = len(lines(sink_file))
            connection.close()
            t0 = time.perf_counter()
            procs = [
                subprocess.Popen([sys.executable, "-m", "signme.cli", "worker"], cwd=ROOT, env=env)
                for _ in range(workers)
            ]
            while len(lines(sink_file)) - before < queued:
                time.sleep(0.05)
                if time.perf_counter() - t0 > 600:
                    break
            # From the first email at the sink to the last (the sink notes
            # each one's arrival): the workers' start-up is left out.
            times = [float(line.split()[1]) for line in lines(sink_file)[before:]]
            elapsed = max(times) - min(times)
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            for proc in procs:
                proc.wait(timeout=30)
            received = lines(sink_file)[before:]
            ids = collections.Counter(line.split()[0] for line in received)
            duplicated = sum(1 for n in ids.values() if n > 1)
            unsent = OutboundEmail.objects.filter(sent_at=None).count()
            print(
                f"  {workers} worker(s): {queued:,} emails in {elapsed:.2f} s: "
                f"{queued / elapsed:,.0f} emails/s; received {len(received):,}, "
                f"duplicated {duplicated}, unsent {unsent}"
            )
            ok = ok and duplicated == 0 and unsent == 0 and len(received) == queued
    finally:
        sink.send_signal(signal.SIGTERM)
        sink.wait(timeout=10)
        shutil.rmtree(home, ignore_errors=True)
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


def profile_one_batch(n: int, fill_intake, sink_file: Path, port: int) -> int:
    """One batch of n confirmations sent in this process under cProfile, on
    a connection already open (as a running worker's is)."""
    import cProfile
    import pstats

    from django.core.mail import get_connection
    from django.urls import get_resolver

    from signme.mailing.outbox import deliver_batch
    from signme.petitions.signing import take_in

    fill_intake(0)
    while take_in():
        pass
    for _ in range(50):  # the sink starts in its own process
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    get_resolver().reverse_dict  # noqa: B018 - a running worker has the URLconf loaded
    mail = get_connection()
    mail.ensure_open()
    profiler = cProfile.Profile()
    t0 = time.perf_counter()
    profiler.enable()
    sent = deliver_batch("profile", n, backend=mail)
    profiler.disable()
    elapsed = time.perf_counter() - t0
    mail.close()
    print(
        f"  one batch: {sent:,} emails in {elapsed:.2f} s under cProfile: "
        f"{elapsed / max(sent, 1) * 1000:.3f} ms an email"
    )
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
    return 0 if sent == n else 1


if __name__ == "__main__":
    sys.exit(main())
