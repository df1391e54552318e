import logging
import signal
import socket
import time
import uuid

from django.core.mail import get_connection
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from signme.lib.jobs import run_due_jobs
from signme.mailing.outbox import deliver_batch
from signme.petitions.signing import take_in
from signme.web.worker import jobs

log = logging.getLogger("signme.worker")

IDLE_SECONDS = 0.5
# A round has costs of its own (its queries, its commits, each petition's
# confirmation prepared once per batch) whether it finds five signatures or
# five hundred. A worker that kept up with a surge by going round again at
# once took a few at a time and spent up to twice the CPU on each, on the
# cores the app servers need (docs/benchmarks.md). So after a round that
# stored and sent less than half a batch, it waits this long for the next
# to gather: an email waits at most this much longer, and once that wait
# gathers half a batch (about 500 signatures a second, each stored and
# sent) the rounds follow each other at once.
GATHER_SECONDS = 0.25


def pause_after(done: int, batch: int) -> float:
    """How long to wait after a round that stored and sent `done` things."""
    if not done:
        return IDLE_SECONDS
    return GATHER_SECONDS if done < batch // 2 else 0.0


class Command(BaseCommand):
    help = "Store signatures received, send queued email and run periodic jobs until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run one round, then exit.")
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args, once=False, batch=500, **options):
        worker_id = f"{socket.gethostname()[:20]}-{uuid.uuid4().hex[:8]}"
        stopping = False
        due = jobs()

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        # One SMTP connection kept open from batch to batch (checked before each).
        mail = get_connection()
        log.info("worker %s started", worker_id)
        while not stopping:
            close_old_connections()
            try:
                # Signatures first: their confirmations then go out in this round.
                done = take_in()
                done += deliver_batch(worker_id, batch, backend=mail)
            except Exception:  # noqa: BLE001 - e.g. the database restarting
                log.exception("delivery round failed; retrying shortly")
                done = 0
                time.sleep(2)
            run_due_jobs(due)
            if once:
                break
            if pause := pause_after(done, batch):
                time.sleep(pause)
        try:
            mail.close()
        except Exception:  # noqa: BLE001 - a dead connection cannot be closed cleanly
            pass
        log.info("worker %s stopped", worker_id)
