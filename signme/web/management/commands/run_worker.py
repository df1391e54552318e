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
            if not done:
                time.sleep(0.5)
        try:
            mail.close()
        except Exception:  # noqa: BLE001 - a dead connection cannot be closed cleanly
            pass
        log.info("worker %s stopped", worker_id)
