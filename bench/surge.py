"""A surge replayed against a cluster on loopback: nginx in front of N
`signme serve` processes, PostgreSQL as the system of record, Redis for the
cache and the rate limits, W `signme worker` processes sending the
confirmations to an SMTP sink (bench/smtp_sink.py).

    make surge                                  # or:
    .venv/bin/python bench/surge.py [--peak 400] [--servers 2] [--workers 2]
        [--minutes 3] [--pg-db signme_surge]

The surge has the shape of the Revoke Article 50 petition (March 2019)
compressed into three minutes: a ramp to the peak, the peak held, a slow
tail. Each step is one wrk run at a set rate (bench/sign.lua, the signing
script of the other benchmarks). Afterwards it checks that every signature
answered 303 is stored exactly once and that every confirmation reached the
sink exactly once, and prints signatures/s
per phase, p50/p99, errors, and the time from signing to the email at the
sink. Everything runs in a temporary directory and is stopped at the end.

PostgreSQL is the server in BENCH_PG_ADMIN (default
postgres://postgres@127.0.0.1:5432/postgres); the --pg-db database is dropped
and made afresh (never point it at real data), and dropped again at the end."""

import argparse
import collections
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from surge_plot import surge_svg

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"

# (phase, share of the surge's duration, share of the peak rate): a day's
# climb, the peak held, then days of slowing down, squeezed into minutes.
SHAPE = [
    ("ramp", 1 / 12, 0.15),
    ("ramp", 1 / 12, 0.35),
    ("ramp", 1 / 12, 0.6),
    ("ramp", 1 / 12, 0.85),
    ("peak", 1 / 3, 1.0),
    ("tail", 1 / 9, 0.6),
    ("tail", 1 / 9, 0.35),
    ("tail", 1 / 9, 0.15),
]
CONNECTIONS = 32

NGINX_CONF = """\
worker_processes 1;
pid {home}/nginx.pid;
error_log {home}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {home}/nginx-tmp/body;
    proxy_temp_path {home}/nginx-tmp/proxy;
    fastcgi_temp_path {home}/nginx-tmp/fastcgi;
    uwsgi_temp_path {home}/nginx-tmp/uwsgi;
    scgi_temp_path {home}/nginx-tmp/scgi;
    # The cache of public pages, as deploy/nginx/signme.conf has it.
    proxy_cache_path {home}/nginx-cache levels=1:2 keys_zone=signme_pages:10m
                     max_size=512m inactive=10m use_temp_path=off;
    upstream signme {{
        least_conn;
{servers}
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://signme;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_cache signme_pages;
            proxy_cache_key $scheme$host$request_uri;
            proxy_cache_bypass $cookie_sessionid $http_authorization;
            proxy_no_cache $cookie_sessionid $http_authorization;
            proxy_cache_lock on;
            proxy_cache_lock_timeout 5s;
            proxy_cache_background_update on;
            proxy_cache_use_stale updating error timeout http_500 http_502 http_503 http_504;
            add_header X-Cache-Status $upstream_cache_status always;
        }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except Exception:  # noqa: BLE001
            time.sleep(0.2)
    raise SystemExit(f"nothing answered at {url}")


def wait_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listening on port {port}")


class Cluster:
    """The processes of the surge, each stopped cleanly at the end."""

    def __init__(self, home: Path, env: dict):
        self.home, self.env = home, env
        self.procs: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, cmd: list[str], **kwargs) -> subprocess.Popen:
        log = open(self.home / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            cmd, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, **kwargs
        )
        self.procs.append((name, proc))
        return proc

    def stop(self) -> None:
        for name, proc in reversed(self.procs):
            if proc.poll() is None:
                # nginx finishes its requests on SIGQUIT; the others on SIGTERM.
                proc.send_signal(signal.SIGQUIT if name == "nginx" else signal.SIGTERM)
        for name, proc in reversed(self.procs):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                print(f"  {name} did not stop in 30 s: killed")
                proc.kill()
                proc.wait()


def signme(env: dict, *args) -> str:
    cmd = [sys.executable, "-m", "signme.cli", *args]
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"signme {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def wrk_step(url: str, step: int, seconds: int, rate: float, env: dict) -> dict:
    # Each connection waits this long after each answer (wrk's delay()).
    delay_ms = int(CONNECTIONS * 1000 / rate)
    wenv = dict(env, SIGNME_SURGE_STEP=str(step), SIGNME_SURGE_DELAY_MS=str(delay_ms))
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-s",
         str(HERE / "sign.lua"), url],
        capture_output=True, text=True, env=wenv, check=True,
    ).stdout  # fmt: skip
    m = re.search(r"STATUS 303=(\d+) other=(\d+)", out)
    lat = re.search(r"LATENCY p50=([\d.]+) p99=([\d.]+)", out)
    sock = re.search(r"Socket errors: (.*)", out)
    return {
        "ok": int(m.group(1)),
        "errors": int(m.group(2)),
        "p50": float(lat.group(1)),
        "p99": float(lat.group(2)),
        "socket": sock.group(1) if sock else "",
    }


def wrk_reads(url: str, seconds: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-s",
         str(HERE / "read.lua"), url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    lat = re.search(r"LATENCY p50=([\d.]+) p99=([\d.]+)", out)
    cached = re.search(r"CACHE hits=(\d+) of=(\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": float(lat.group(1)),
        "p99": float(lat.group(2)),
        "errors": int(re.search(r"STATUS non200=(\d+)", out).group(1)),
        "hits": int(cached.group(1)) / max(int(cached.group(2)), 1),
    }


def measure_reads(base: str, server: str, seconds: int) -> None:
    """The petition page and count.json through nginx's cache, and from one
    app server directly (no cache in between), with wrk."""
    print(f"Reads, {seconds} s each, wrk -t2 -c{CONNECTIONS}:")
    for name, path in (("page", "/petitions/1500/"), ("count.json", "/petitions/1500/count.json")):
        for where, url in (("nginx cache", base), ("one app server", server)):
            r = wrk_reads(url + path, seconds)
            print(
                f"  {name:10} via {where:14} {r['rps']:8.0f}/s  p50 {r['p50']:6.2f} ms  "
                f"p99 {r['p99']:6.2f} ms  errors {r['errors']}  "
                f"from the cache {r['hits']:.1%}",
                flush=True,
            )


def db_query(url: str, sql: str, params=()) -> list[tuple]:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(sql, params).fetchall()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--peak", type=float, default=400, help="signatures/s at the peak")
    parser.add_argument("--servers", type=int, default=2, help="signme serve processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per server process")
    parser.add_argument("--workers", type=int, default=2, help="signme worker processes")
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--pg-db", default="signme_surge")
    parser.add_argument("--keep", action="store_true", help="keep the database and directory")
    parser.add_argument(
        "--plot", type=Path, help="write the rate and latency over the surge to this SVG file"
    )
    parser.add_argument(
        "--reads", type=int, default=0, metavar="SECONDS",
        help="first measure page and count.json reads through nginx's cache and without it",
    )  # fmt: skip
    parser.add_argument("--reads-only", action="store_true", help="no surge after the reads")
    args = parser.parse_args()
    for tool, path in (("wrk", shutil.which("wrk")), ("nginx", NGINX), ("redis-server", REDIS)):
        if not path or not Path(path).exists():
            raise SystemExit(f"{tool} is missing: run scripts/system-packages")

    home = Path(tempfile.mkdtemp(prefix="signme-surge-"))
    home.chmod(0o755)  # nginx's workers may run as another user
    (home / "nginx-tmp").mkdir()
    db_url = PG_ADMIN.rsplit("/", 1)[0] + "/" + args.pg_db
    ports = {name: free_port() for name in ("nginx", "redis", "smtp")}
    server_ports = [free_port() for _ in range(args.servers)]
    base = f"http://127.0.0.1:{ports['nginx']}"
    env = dict(
        os.environ,
        SIGNME_HOME=str(home),
        DATABASE_URL=db_url,
        REDIS_URL=f"redis://127.0.0.1:{ports['redis']}/0",
        EMAIL_URL=f"smtp://127.0.0.1:{ports['smtp']}",
        SIGNME_BASE_URL=base,
        # wrk plays a proxy in front of nginx: its X-Forwarded-For is the client.
        SIGNME_TRUSTED_PROXIES="2",
        SIGNME_LOG_LEVEL="WARNING",
    )
    env.pop("SIGNME_DEMO", None)
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.pg_db}"')
        conn.execute(f'CREATE DATABASE "{args.pg_db}"')
    cluster = Cluster(home, env)
    ok = False
    try:
        redis = [REDIS, "--port", str(ports["redis"]), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--dir", str(home)]  # fmt: skip
        cluster.start("redis", redis)
        sink_file = home / "received.txt"
        cluster.start("smtp-sink", [sys.executable, str(HERE / "smtp_sink.py"),
                                    str(ports["smtp"]), str(sink_file)])  # fmt: skip
        wait_port(ports["redis"])
        signme(env, "manage", "migrate", "-v0")
        signme(env, "manage", "load_demo")
        token = signme(
            env, "manage", "shell", "-c",
            "from signme.lib.tokens import make_token; print(make_token('signform', 1500))",
        ).split()[-1]  # fmt: skip
        for i, port in enumerate(server_ports):
            cluster.start(f"serve-{i}", [sys.executable, "-m", "signme.cli", "serve", "--port",
                                         str(port), "--workers", "1", "--threads",
                                         str(args.threads)])  # fmt: skip
        servers = "\n".join(f"        server 127.0.0.1:{p};" for p in server_ports)
        conf = home / "nginx.conf"
        conf.write_text(NGINX_CONF.format(home=home, servers=servers, port=ports["nginx"]))
        cluster.start("nginx", [NGINX, "-p", str(home), "-c", str(conf), "-g", "daemon off;"])
        for i in range(args.workers):
            cluster.start(f"worker-{i}", [sys.executable, "-m", "signme.cli", "worker"])
        wait_port(ports["smtp"])
        for port in server_ports:
            wait_up(f"http://127.0.0.1:{port}/petitions/1500/count.json")
        wait_up(f"{base}/petitions/1500/count.json")

        if args.reads:
            measure_reads(base, f"http://127.0.0.1:{server_ports[0]}", args.reads)
        if args.reads_only:
            return 0
        prefix = f"surge{int(time.time())}"
        wenv = dict(env, SIGNME_FORM_TOKEN=token, SIGNME_BENCH_PREFIX=prefix)
        total = args.minutes * 60
        print(
            f"{os.cpu_count()} cores; nginx -> {args.servers} x signme serve (1 process, "
            f"{args.threads} threads); {args.workers} workers; PostgreSQL, Redis; "
            f"peak {args.peak:.0f}/s; {total:.0f} s; wrk -t2 -c{CONNECTIONS}"
        )
        steps = []
        t_start = time.time()
        for i, (phase, share, level) in enumerate(SHAPE):
            seconds = max(1, round(total * share))
            t0 = time.time()
            r = wrk_step(f"{base}/petitions/1500/sign", i, seconds, args.peak * level, wenv)
            r.update(phase=phase, target=args.peak * level, seconds=time.time() - t0)
            steps.append(r)
            print(
                f"  {phase:4} {r['target']:6.0f}/s asked: {r['ok'] / r['seconds']:6.0f}/s "
                f"answered 303, p50 {r['p50']:6.1f} ms, p99 {r['p99']:6.1f} ms, "
                f"errors {r['errors']} {r['socket']}",
                flush=True,
            )
        t_end = time.time()
        acknowledged = sum(r["ok"] for r in steps)

        # Every 303 stored, exactly once; then every confirmation at the sink.
        like = f"{prefix}.%"
        deadline = time.time() + 300
        while time.time() < deadline:
            [(waiting,)] = db_query(
                db_url,
                "SELECT count(*) FROM petitions_signatureintake WHERE email_canonical LIKE %s",
                [like],
            )
            if not waiting:
                break
            time.sleep(0.5)
        t_stored = time.time()
        [(stored, distinct)] = db_query(
            db_url,
            "SELECT count(*), count(DISTINCT email_canonical) FROM petitions_signature"
            " WHERE email LIKE %s",
            [like],
        )
        emails = dict(
            db_query(
                db_url,
                "SELECT o.message_id, extract(epoch FROM s.created_at)::float"
                " FROM mailing_outboundemail o JOIN petitions_signature s"
                " ON s.id = o.signature_id WHERE s.email LIKE %s AND o.kind = 'confirm_signature'",
                [like],
            )
        )
        while time.time() < deadline:
            received = collections.Counter(
                line.split()[0].decode() for line in sink_file.read_bytes().splitlines()
            )
            if all(received[m] for m in emails if m):
                break
            time.sleep(0.5)
        t_mailed = time.time()
        [(queued,)] = db_query(
            db_url,
            "SELECT count(*) FROM mailing_outboundemail o JOIN petitions_signature s"
            " ON s.id = o.signature_id WHERE s.email LIKE %s",
            [like],
        )
        arrivals = {
            line.split()[0].decode(): float(line.split()[1])
            for line in sink_file.read_bytes().splitlines()
        }
        delays = [arrivals[m] - signed for m, signed in emails.items() if m in arrivals]
        lost = sum(1 for m in emails if not received[m])
        duplicated = sum(1 for m in emails if received[m] > 1)
        in_flight = stored - acknowledged
        print("\nPer phase (signatures answered 303 a second; latency as wrk measured it):")
        for phase in ("ramp", "peak", "tail"):
            rs = [r for r in steps if r["phase"] == phase]
            secs = sum(r["seconds"] for r in rs)
            print(
                f"  {phase}: {sum(r['ok'] for r in rs) / secs:6.0f}/s over {secs:.0f} s, "
                f"p50 {statistics.median(r['p50'] for r in rs):.1f} ms, "
                f"p99 up to {max(r['p99'] for r in rs):.1f} ms, "
                f"errors {sum(r['errors'] for r in rs)}"
            )
        print(
            f"\nAnswered 303:               {acknowledged:,} in {t_end - t_start:.0f} s\n"
            f"Stored:                     {stored:,} ({distinct:,} distinct addresses; "
            f"{in_flight} more than the 303s: answers in flight when a wrk step ended; "
            f"the intake was empty {t_stored - t_end:.1f} s after the load ended)\n"
            f"Confirmations queued:       {queued:,}\n"
            f"At the SMTP sink:           {len(emails) - lost:,} "
            f"(lost {lost}, duplicated {duplicated}; the last "
            f"{t_mailed - t_end:.1f} s after the load ended)\n"
            f"Signing to email at sink:   p50 {percentile(delays, 50):.2f} s, "
            f"p99 {percentile(delays, 99):.2f} s, max {max(delays, default=0):.2f} s"
        )
        # wrk drops the answers still on their way when a step ends: those
        # signatures are stored but not counted as 303s, at most one per
        # connection per step.
        in_flight = stored - acknowledged
        ok = 0 <= in_flight <= CONNECTIONS * len(steps) and stored == distinct == len(emails)
        ok = ok and not lost and not duplicated and not any(r["errors"] for r in steps)
        print("OK" if ok else "FAILED")
        if args.plot:
            caption = (
                f"make surge, peak {args.peak:.0f}/s: {acknowledged:,} signatures answered "
                f"in {t_end - t_start:.0f} s, lost {lost}, duplicated {duplicated}"
            )
            args.plot.write_text(surge_svg(steps, caption))
            print(f"plot: {args.plot}")
    finally:
        cluster.stop()
        if not args.keep:
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{args.pg_db}" WITH (FORCE)')
            shutil.rmtree(home, ignore_errors=True)
        else:
            print(f"kept: {home}, database {args.pg_db}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
