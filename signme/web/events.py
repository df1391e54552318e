"""What happens when something happens, in one place.

- A signature is confirmed: its status changes; the worker's next count picks
  it up (petitions.signing.confirm).
- A threshold is reached: the row is recorded, organisers are emailed in the
  same transaction, and the public page shows it at once (below).
- Webhooks are queued in the transaction of what they tell: a signature
  counted (petitions.validity.announce_counted), a threshold reached (below),
  a signer opting out (people.preferences.stop_contact).
- A person is erased: people.rights.erase_signatures blanks their details,
  drops email queued to them and keeps them suppressed; the worker's next
  paper.scans.blank_erased_rows paints a paper signer's row white in the
  stored scans of their sheet (people is below paper and cannot reach them).
"""

import time

from django.db import transaction

from signme.petitions.counting import daily_due, record_thresholds, store_counts, store_daily
from signme.petitions.models import Petition, PetitionCount
from signme.submissions.emails import tell_organisers_threshold_reached
from signme.submissions.public import forget_public_status
from signme.webhooks.models import Event
from signme.webhooks.queue import queue_event


def refresh_counts() -> int:
    """Worker job: aggregate the counts of petitions still collecting, and
    act on thresholds reached."""
    n = 0
    petitions = list(Petition.objects.filter(status=Petition.Status.OPEN).select_related("target"))
    rows = PetitionCount.objects.in_bulk([p.pk for p in petitions])
    for petition in petitions:
        counts = store_counts(petition.pk)
        check_thresholds(petition, counts)
        row = rows.get(petition.pk)
        if row is None or daily_due(row, counts.total, _daily_cost.get(petition.pk)):
            started = time.monotonic()
            store_daily(petition.pk)
            _daily_cost[petition.pk] = time.monotonic() - started
        n += 1
    return n


# Seconds this worker process last took to make each petition's series by
# day (counting.daily_due: the cheaper it is, the sooner it is made again).
_daily_cost: dict[int, float] = {}


def check_thresholds(petition: Petition, counts=None) -> list:
    with transaction.atomic():
        reached = record_thresholds(petition, counts)
        for r in reached:
            tell_organisers_threshold_reached(r)
            queue_event(
                Event.THRESHOLD_REACHED,
                petition.organisation_id,
                petition.pk,
                threshold_id=r.threshold_id,
            )
    if reached:
        forget_public_status(petition.pk)
    return reached
