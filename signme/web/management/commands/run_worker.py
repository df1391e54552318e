import logging
import signal
import socket
import time
import uuid

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
        parser.add_argument("--batch", type=int, default=100)

    def handle(self, *args, once=False, batch=100, **options):
        worker_id = f"{socket.gethostname()[:20]}-{uuid.uuid4().hex[:8]}"
        stopping = False
        due = jobs()

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        log.info("worker %s started", worker_id)
        while not stopping:
            close_old_connections()
            try:
                # Signatures first: their confirmations then go out in this round.
                done = take_in()
                done += deliver_batch(worker_id, batch)
            except Exception:  # noqa: BLE001 - e.g. the database restarting
                log.exception("delivery round failed; retrying shortly")
                done = 0
                time.sleep(2)
            run_due_jobs(due)
            if once:
                break
            if not done:
                time.sleep(0.5)
        log.info("worker %s stopped", worker_id)
