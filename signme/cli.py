"""The `signme` command: demo, serve, worker, and Django's management commands."""

import argparse
import os
import signal
import socket
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
    if _port_in_use(args.port):
        print(
            f"signme demo: port {args.port} is in use, perhaps by a demo still running. "
            f"Stop it, or choose another port: signme demo --port {args.port + 1}",
            file=sys.stderr,
        )
        return 1
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
    stop_signals = _catch_stop_signals()
    children: list[subprocess.Popen] = []
    try:
        children.append(_start_child(_granian("127.0.0.1", args.port, 1, 4), env))
        children.append(_start_child([sys.executable, "-m", "signme.cli", "worker"], env))
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
        while not stop_signals and all(child.poll() is None for child in children):
            time.sleep(0.2)
        exited = [child.returncode for child in children]
    finally:
        _stop_children(children, stop_signals)
    if stop_signals:
        return 0
    for name, code in zip(["web server", "worker"], exited, strict=True):
        if code is not None:
            print(
                f"signme demo: the {name} stopped (exit code {code}), so the demo stopped.",
                file=sys.stderr,
            )
    return 1


def _port_in_use(port: int) -> bool:
    # Checked before anything is prepared: granian would only fail after the
    # database work, with a stack trace.
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


# Seconds the web server and worker get to finish a request or a round of email
# once asked to stop; then whatever is left of them is killed, so a stopped demo
# never leaves a process holding the port.
STOP_GRACE_SECONDS = 2


def _catch_stop_signals() -> list[int]:
    """Record Ctrl-C, SIGTERM and a closed terminal instead of dying mid-way."""
    received: list[int] = []

    def record(signum, frame):
        received.append(signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, record)
    return received


def _start_child(cmd: list[str], env: dict) -> subprocess.Popen:
    # Each child leads a process group of its own, so Ctrl-C in the terminal
    # reaches only this process, which stops the children in order. When the
    # terminal's SIGINT also hit granian's worker directly, the worker could hang
    # while granian waited for it, and outlive the demo holding the port.
    return subprocess.Popen(cmd, env=env, process_group=0)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _stop_children(children: list[subprocess.Popen], stop_signals: list[int]) -> None:
    if stop_signals:
        try:
            print("\nStopping the demo…", flush=True)
        except OSError:
            pass  # the terminal is gone (SIGHUP); stop the children all the same
    for child in children:
        if child.poll() is None:
            child.terminate()  # granian stops its own workers; the worker ends its round
    asked = len(stop_signals)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    # poll() reaps each child that has exited, so an empty group means all of it is gone.
    while time.monotonic() < deadline and len(stop_signals) <= asked:
        if all(child.poll() is not None and not _group_alive(child.pid) for child in children):
            break
        time.sleep(0.05)
    # Past the grace period, or Ctrl-C pressed again: kill whatever is left,
    # granian's workers included (they share their parent's group).
    for child in children:
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # the whole group has stopped
    for child in children:
        child.wait()


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
