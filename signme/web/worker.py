"""Everything `signme worker` does besides sending email, listed in one place."""

import socket
import uuid

from django.conf import settings

from signme.lib.jobs import Job
from signme.limits.counters import prune_expired
from signme.mailing import bulk
from signme.paper.scans import blank_erased_rows
from signme.people.retention import anonymise_due
from signme.people.rights import expire_requests
from signme.people.webhooks import webhook_body
from signme.submissions.submitting import build_queued_submissions
from signme.updates.campaigns import fan_out
from signme.webhooks.delivery import deliver_due

from .events import refresh_counts

WORKER_ID = f"{socket.gethostname()[:20]}-{uuid.uuid4().hex[:8]}"


def delete_on_schedule():
    anonymise_due()
    expire_requests()


def jobs() -> list[Job]:
    """A fresh list per worker process: each job remembers when it last ran."""
    return [
        Job("counts and thresholds", settings.COUNT_REFRESH, refresh_counts),
        # A slice per round, so queuing 100,000 people never stalls other email.
        Job("queue bulk email", 1, lambda: fan_out(WORKER_ID, budget=5000)),
        Job("finish bulk email", 5, bulk.finish_sent_campaigns),
        Job("submission packs", 5, build_queued_submissions),
        Job("retention and expiry", 3600, delete_on_schedule),
        Job("closed rate-limit windows", 300, prune_expired),
        Job("webhooks", 5, lambda: deliver_due(WORKER_ID, webhook_body)),
        # Erased paper signers: their rows painted out of the stored scans.
        Job("erased rows in scans", 60, blank_erased_rows),
    ]
