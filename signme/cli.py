"""The `signme` command: demo, serve, worker, and Django's management commands."""

import argparse
import os
import signal
import subprocess
import sys
import time

DEMO_USER = "organiser@example.org"
DEMO_PASSWORD = "signme-demo"


def _django(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "signme.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["signme manage", *argv])


def _granian(host: str, port: int, workers: int, threads: int) -> list[str]:
    return [
        sys.executable, "-m", "granian", "--interface", "wsgi",
        "--host", host, "--port", str(port), "--workers", str(workers),
        "--blocking-threads", str(threads), "--no-ws", "signme.wsgi:application",
    ]  # fmt: skip


def serve(args) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "signme.settings")
    cmd = _granian(args.host, args.port, args.workers, args.threads)
    os.execv(sys.executable, cmd)
    return 0  # not reached


def demo(args) -> int:
    os.environ["SIGNME_DEMO"] = "1"
    os.environ.setdefault("SIGNME_HOME", "var")
    os.environ.setdefault("SIGNME_BASE_URL", f"http://localhost:{args.port}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "signme.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    print("Preparing the database…", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo", password=DEMO_PASSWORD, username=DEMO_USER)
    env = dict(os.environ)
    children = [
        subprocess.Popen(_granian("127.0.0.1", args.port, 1, 4), env=env),
        subprocess.Popen([sys.executable, "-m", "signme.cli", "worker"], env=env),
    ]
    where = "SQLite in " + str(settings.SIGNME_HOME)
    if os.environ.get("DATABASE_URL"):
        where = "the database in DATABASE_URL"
    print(
        f"""
SignMe demo is running on {where}.

  Petition 1500:   {settings.BASE_URL}/1500
  Demo outbox:     {settings.BASE_URL}/dev/outbox/   (every email sent, with its links)
  Organiser pages: {settings.BASE_URL}/organise/
  Staff login:     {DEMO_USER} / {DEMO_PASSWORD}

Press Ctrl-C to stop.
""",
        flush=True,
    )
    return _wait(children)


def _wait(children: list[subprocess.Popen]) -> int:
    def stop(*_):
        for child in children:
            if child.poll() is None:
                child.terminate()

    signal.signal(signal.SIGTERM, lambda *a: (stop(), sys.exit(0)))
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
    return max((child.returncode or 0) for child in children)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(
        prog="signme",
        description="SignMe: petitions online and on paper.",
        epilog="Any other command is a Django management command, e.g. "
        "`signme sheets 1500 --count 20 --to 'Holt market stall'`.",
    )
    sub = parser.add_subparsers(dest="command", metavar="command")
    p = sub.add_parser("demo", help="Demo data, web server and worker on this machine.")
    p.add_argument("--port", type=int, default=8000)
    p = sub.add_parser("serve", help="Run the web server (granian).")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    p.add_argument("--threads", type=int, default=4, help="Threads per worker process.")
    sub.add_parser("worker", help="Send queued email and run scheduled jobs.")
    sub.add_parser("manage", help="A Django management command: signme manage migrate")

    if not argv or argv[0] in {"-h", "--help"}:
        parser.print_help()
        return 0
    command, rest = argv[0], argv[1:]
    if command == "manage":
        _django(rest)
        return 0
    if command == "worker":
        _django(["run_worker", *rest])
        return 0
    if command not in {"demo", "serve"}:
        # `signme sheets …` is `signme manage sheets …`.
        _django([command.replace("-", "_"), *rest])
        return 0
    args = parser.parse_args(argv)
    return demo(args) if command == "demo" else serve(args)


if __name__ == "__main__":
    sys.exit(main())
