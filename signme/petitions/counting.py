"""Signature counts without a shared counter row.

A count is aggregated from the rows themselves and kept in the cache for
COUNT_TTL seconds. When it goes stale, one request (whoever wins the cache
lock) recomputes it while the others keep serving the stale figure, so a surge
of readers costs one aggregate query per petition every few seconds and no
writer ever waits on a counter.
"""

import time
from dataclasses import asdict, dataclass
from datetime import UTC

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.utils import timezone

from signme.paper.models import Sheet

from .models import Petition, Signature, ThresholdReached


@dataclass(frozen=True)
class Counts:
    online: int
    paper_transcribed: int
    paper_tallied: int
    updated_at: str

    @property
    def paper(self) -> int:
        return self.paper_transcribed + self.paper_tallied

    @property
    def total(self) -> int:
        return self.online + self.paper


def compute_counts(petition_id: int) -> Counts:
    """The exact figures, straight from the rows.

    Online: verified signatures made on the web. Paper: a returned sheet counts
    by its tally until its transcription is complete, then by its verified rows;
    so no row is ever counted twice.
    """
    verified = Signature.objects.filter(
        petition_id=petition_id, status=Signature.Status.VERIFIED
    ).aggregate(
        online=Count("id", filter=Q(source=Signature.Source.WEB)),
        paper=Count(
            "id", filter=Q(source=Signature.Source.PAPER, sheet__transcribed_at__isnull=False)
        ),
    )
    tallied = Sheet.objects.filter(
        petition_id=petition_id, transcribed_at=None, tally__isnull=False
    ).aggregate(n=Sum("tally"))["n"]
    return Counts(
        online=verified["online"],
        paper_transcribed=verified["paper"],
        paper_tallied=tallied or 0,
        updated_at=timezone.now().astimezone(UTC).isoformat(timespec="seconds"),
    )


def _key(petition_id: int) -> str:
    return f"counts:{petition_id}"


def get_counts(petition_id: int) -> Counts:
    entry = cache.get(_key(petition_id))
    now = time.time()
    if entry is not None:
        fresh_until, data = entry
        if now < fresh_until or not cache.add(f"{_key(petition_id)}:lock", 1, 10):
            return Counts(**data)
    counts = compute_counts(petition_id)
    cache.set(_key(petition_id), (now + settings.COUNT_TTL, asdict(counts)), 3600)
    cache.delete(f"{_key(petition_id)}:lock")
    return counts


def forget_counts(petition_id: int) -> None:
    """After a staff action (a tally, a transcription), show the change at once."""
    cache.delete(_key(petition_id))


def record_thresholds(petition: Petition, counts: Counts | None = None) -> list[ThresholdReached]:
    """Note the first time the count reaches each of the target's thresholds."""
    counts = counts or compute_counts(petition.pk)
    done = set(petition.reached.values_list("threshold_id", flat=True))
    new = []
    for threshold in petition.target.thresholds.all():
        if threshold.pk not in done and counts.total >= threshold.count:
            obj, created = ThresholdReached.objects.get_or_create(
                petition=petition, threshold=threshold, defaults={"count": counts.total}
            )
            if created:
                new.append(obj)
    return new


def refresh_open_petitions() -> int:
    """Worker job: recompute counts of petitions still collecting, keep the cache
    warm, and record thresholds reached."""
    n = 0
    for petition in Petition.objects.filter(status=Petition.Status.OPEN).select_related("target"):
        counts = compute_counts(petition.pk)
        cache.set(_key(petition.pk), (time.time() + settings.COUNT_TTL, asdict(counts)), 3600)
        record_thresholds(petition, counts)
        n += 1
    return n
