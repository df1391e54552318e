"""Does signing again take longer than signing for the first time?

Someone who signs again gets the same answer as a new signer: the same status,
headers and body. If the answer took measurably longer, timing the form would
tell anyone whether an address has signed. This signs N new addresses and N
repeats of addresses that signed already (N still waiting for confirmation,
N confirmed), interleaved in random order, through Django's test client in
one process (no network, so the smallest difference shows), and reports the
median time of each kind and a Mann-Whitney z-score of each repeat kind
against new signatures: positive means repeats are slower; |z| under 2 is no
difference this many tries can see, 3 or more is a leak.

    .venv/bin/python bench/sign_timing.py [--db sqlite|postgres] [--n 200] [--seed 1]

Each run uses a fresh database: SQLite in a temporary directory, or on
PostgreSQL a database signme_timing on the server in BENCH_PG_ADMIN (default
postgres://postgres@127.0.0.1:5432/postgres), dropped afterwards.
"""

import argparse
import gc
import math
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
PG_DB = "signme_timing"
WARM_UP = 20
KINDS = ("new", "pending", "verified")


def configure(db: str, home: str) -> None:
    """Environment for a fresh database, read by signme.settings on import."""
    os.environ["SIGNME_HOME"] = home
    os.environ["SIGNME_TRUSTED_PROXIES"] = "1"  # one client address per request
    os.environ.pop("SIGNME_DEMO", None)
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "signme.settings")
    if db == "postgres":
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
            conn.execute(f"CREATE DATABASE {PG_DB}")
        os.environ["DATABASE_URL"] = PG_ADMIN.rsplit("/", 1)[0] + f"/{PG_DB}"
    else:
        os.environ["DATABASE_URL"] = ""


def drop(db: str) -> None:
    if db == "postgres":
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")


def mann_whitney_z(a: list[float], b: list[float]) -> float:
    """z of the Mann-Whitney U test, normal approximation with ties
    corrected: positive when values in `b` tend to be larger than in `a`."""
    ranked = sorted([(v, 0) for v in a] + [(v, 1) for v in b])
    ranks = [0.0] * len(ranked)
    ties = 0.0
    i = 0
    while i < len(ranked):
        j = i
        while j + 1 < len(ranked) and ranked[j + 1][0] == ranked[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[k] = (i + j) / 2 + 1
        t = j - i + 1
        ties += t**3 - t
        i = j + 1
    n1, n2 = len(a), len(b)
    rank_sum_b = sum(r for r, (_, group) in zip(ranks, ranked, strict=True) if group == 1)
    u = rank_sum_b - n2 * (n2 + 1) / 2
    n = n1 + n2
    sigma = math.sqrt(n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))))
    return (u - n1 * n2 / 2) / sigma


def run(n: int, seed: int) -> dict[str, list[float]]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from signme.petitions.links import form_token
    from signme.petitions.models import Signature
    from signme.petitions.signing import confirm, take_in
    from signme.web.demo import load_demo

    call_command("migrate", verbosity=0)
    petition = load_demo(username="organiser@example.org", password="bench-only-password")
    client = Client(HTTP_HOST="localhost")
    token = form_token(petition.number)
    addresses = iter(range(1, 10**7))

    def post(email: str):
        a = next(addresses)
        return client.post(
            f"/petitions/{petition.number}/sign",
            {
                "form_token": token,
                "name": "Siân Evans",
                "email": email,
                "address": "12 Market Place, Holt",
                "postcode": "NR25 6BW",
                "eligible": "yes",
                "consent_email": "on",
            },
            HTTP_SEC_FETCH_SITE="same-origin",
            HTTP_X_FORWARDED_FOR=f"10.{a >> 16 & 255}.{a >> 8 & 255}.{a & 255}",
        )

    total = n + WARM_UP
    # Everyone who signs again signed once already; half of them confirmed.
    for i in range(total):
        assert post(f"pending{i}@example.org").status_code == 303
        assert post(f"verified{i}@example.org").status_code == 303
    while take_in():  # the worker stores them
        pass
    for signature in Signature.objects.filter(email__startswith="verified"):
        confirm(signature)
    time.sleep(1.1)  # past the too-fast-to-be-a-person check, for every kind alike

    rng = random.Random(seed)
    times: dict[str, list[float]] = {k: [] for k in KINDS}
    answers: dict[str, set] = {k: set() for k in KINDS}
    for i in range(total):
        order = list(KINDS)
        rng.shuffle(order)
        for kind in order:
            email = f"{kind}{i}@example.org"
            gc.collect()
            gc.disable()
            t0 = time.perf_counter_ns()
            response = post(email)
            elapsed = time.perf_counter_ns() - t0
            gc.enable()
            answers[kind].add(
                (response.status_code, tuple(sorted(response.items())), response.content)
            )
            if i >= WARM_UP:
                times[kind].append(elapsed / 1e6)
    if len({frozenset(a) for a in answers.values()}) != 1 or len(answers["new"]) != 1:
        sys.exit("the answers differ between new and repeat signatures")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--n", type=int, default=200, help="timed signatures of each kind")
    parser.add_argument("--seed", type=int, default=1, help="for the random interleaving")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="signme-timing-") as home:
        configure(args.db, home)
        try:
            times = run(args.n, args.seed)
        finally:
            drop(args.db)
    new = times["new"]
    print(f"{args.db}, {args.n} of each kind, interleaved (seed {args.seed}); the answers match")
    print(f"{'kind':<22} {'median ms':>10} {'p25':>8} {'p75':>8} {'z vs new':>9}")
    for kind, label in [
        ("new", "new signature"),
        ("pending", "again, not confirmed"),
        ("verified", "again, confirmed"),
    ]:
        q = statistics.quantiles(times[kind], n=4)
        z = "" if kind == "new" else f"{mann_whitney_z(new, times[kind]):+.1f}"
        print(
            f"{label:<22} {statistics.median(times[kind]):>10.3f} {q[0]:>8.3f} {q[2]:>8.3f} {z:>9}"
        )


if __name__ == "__main__":
    main()
