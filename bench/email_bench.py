"""Queue an organiser's update to 100,000 signers and deliver it to a local
SMTP server, killing the worker half-way (SIGKILL) and starting it again.

    .venv/bin/python bench/email_bench.py [--people 100000] [--kill-at 0.5]

Counts Message-IDs as the SMTP server receives them: none may arrive twice,
and every queued email must arrive once. Uses a fresh SQLite database in a
temporary SIGNME_HOME unless DATABASE_URL is set (then that database is
flushed first: never point it at real data)."""

import argparse
import collections
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_sink(port: int, path: str) -> None:
    """The SMTP server: writes each message's Message-ID, one a line."""
    from aiosmtpd.controller import Controller

    out = open(path, "ab", buffering=0)  # noqa: SIM115 - lives as long as the process
    mid = re.compile(rb"^Message-ID:\s*(\S+)", re.I | re.M)

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            found = mid.search(envelope.content)
            out.write((found.group(1) if found else b"?") + b"\n")
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


def count_lines(path: str) -> int:
    with open(path, "rb") as f:
        return sum(1 for _ in f)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--kill-at", type=float, default=0.5)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--sink", nargs=2, metavar=("PORT", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sink:
        run_sink(int(args.sink[0]), args.sink[1])
        return 0

    home = tempfile.mkdtemp(prefix="signme-email-bench-")
    port = free_port()
    received = os.path.join(home, "received.txt")
    open(received, "w").close()
    os.environ.update(
        SIGNME_HOME=home,
        EMAIL_URL=f"smtp://127.0.0.1:{port}",
        SIGNME_EMAIL_RATE="0",  # measure the ceiling; production sets a rate
        SIGNME_EMAIL_CLAIM_TIMEOUT="5",  # so the restarted worker picks up quickly
        SIGNME_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="signme.settings",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from signme.mailing.models import Campaign, OutboundEmail
    from signme.petitions.models import Consent, Signature
    from signme.updates import campaigns
    from signme.web.demo import load_demo

    call_command("migrate", verbosity=0)
    if os.environ.get("DATABASE_URL"):
        call_command("flush", interactive=False, verbosity=0)
    petition = load_demo("organiser@example.org", "bench-pass-1")
    notice = petition.current_notice
    now = timezone.now()
    print(f"Creating {args.people:,} verified signers who ticked the email box…", flush=True)
    step = 5000
    for start in range(0, args.people, step):
        sigs = Signature.objects.bulk_create(
            Signature(
                petition=petition,
                name=f"Signer {i}",
                email=f"signer{i}@example.org",
                email_canonical=f"signer{i}@example.org",
                address="1 High Street",
                postcode="NR1 1AA",
                status="verified",
                validity="counted",
                verified_at=now,
                notice=notice,
            )
            for i in range(start, min(start + step, args.people))
        )
        if not sigs[0].pk:  # backends that do not return ids
            sigs = Signature.objects.filter(petition=petition).order_by("-id")[: len(sigs)]
        Consent.objects.bulk_create(
            Consent(
                signature=s,
                organisation_id=petition.organisation_id,
                channel="email",
                given=True,
                wording="may email me",
                notice=notice,
                mechanism="web",
            )
            for s in sigs
        )

    sink = subprocess.Popen([sys.executable, __file__, "--sink", str(port), received])
    time.sleep(1)
    campaign = Campaign.objects.create(
        petition=petition, subject="An update", body="We **handed in** the petition.\n"
    )
    campaigns.start_sending(campaign)
    t0 = time.monotonic()
    while campaigns.fan_out("bench", budget=20_000):
        pass
    queue_seconds = time.monotonic() - t0
    queued = OutboundEmail.objects.filter(campaign=campaign).count()
    print(f"Queued {queued:,} in {queue_seconds:.1f}s ({queued / queue_seconds:,.0f}/s)")

    worker_cmd = [sys.executable, "-m", "signme.cli", "worker", "--batch", str(args.batch)]
    unsent = OutboundEmail.objects.filter(campaign=campaign, sent_at=None)
    worker = subprocess.Popen(worker_cmd, cwd=ROOT)
    t_start = time.monotonic()
    kill_at = int(queued * args.kill_at)
    while count_lines(received) < kill_at:
        time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    t_kill = time.monotonic()
    at_kill = count_lines(received)
    first_rate = at_kill / (t_kill - t_start)
    print(f"SIGKILL after {at_kill:,} received ({first_rate:,.0f}/s); restarting", flush=True)
    worker = subprocess.Popen(worker_cmd, cwd=ROOT)
    t_restart = time.monotonic()
    while unsent.exists():
        time.sleep(0.2)
    t_done = time.monotonic()
    time.sleep(1)
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=30)
    sink.send_signal(signal.SIGTERM)
    sink.wait(timeout=10)

    ids = collections.Counter(Path(received).read_bytes().split())
    expected = set(
        OutboundEmail.objects.filter(campaign=campaign).values_list("message_id", flat=True)
    )
    duplicated = sum(1 for n in ids.values() if n > 1)
    lost = len({m.encode() for m in expected} - set(ids))
    # The worker also tells the organiser the petition passed a threshold:
    # delivered too, but not part of the update.
    other = sum(n for m, n in ids.items() if m.decode() not in expected)
    second = sum(ids.values()) - at_kill
    second_rate = second / (t_done - t_restart)
    total_seconds = t_done - t_start
    print(
        f"\nRecipients queued:          {queued:,}\n"
        f"Queue (fan-out) time:       {queue_seconds:.1f}s\n"
        f"Messages received:          {sum(ids.values()):,} ({len(ids):,} distinct Message-IDs, "
        f"{other} not of the update)\n"
        f"Duplicated Message-IDs:     {duplicated}\n"
        f"Lost (queued, never came):  {lost}\n"
        f"Before the kill:            {first_rate:,.0f} emails/s\n"
        f"After the restart:          {second_rate:,.0f} emails/s "
        f"(includes the {os.environ['SIGNME_EMAIL_CLAIM_TIMEOUT']}s wait for the dead "
        f"worker's claim to lapse)\n"
        f"Overall, kill and restart:  {sum(ids.values()) / total_seconds:,.0f} emails/s "
        f"over {total_seconds:.0f}s"
    )
    ok = duplicated == 0 and lost == 0 and sum(ids.values()) - other == queued
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
