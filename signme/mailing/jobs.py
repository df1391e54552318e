import socket
import uuid

from signme.lib.jobs import periodic

from .campaigns import fan_out, finish_sent_campaigns

_WORKER = f"{socket.gethostname()[:20]}-{uuid.uuid4().hex[:8]}"


@periodic(every=1)
def queue_campaigns():
    # A slice per round, so queuing 100,000 people never stalls other email.
    fan_out(_WORKER, budget=5000)


@periodic(every=5)
def finish_campaigns():
    finish_sent_campaigns()
