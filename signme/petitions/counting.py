"""Signature counts without a counter that requests update.

Signing never touches a count. The worker aggregates each open petition's
rows every COUNT_REFRESH seconds into its PetitionCount row, and staff actions
that move a count (a tally, a finished transcription) do the same at once.
Requests read that row through a COUNT_TTL-second cache. Only when the row is
missing or older than COUNT_STALE_AFTER (no worker running) does one request,
whoever wins the cache lock, aggregate inline while the others keep serving
the figure they have; so a surge of readers costs one indexed row read per
petition and process every few seconds.
"""

import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from .models import Petition, PetitionCount, Sheet, Signature, ThresholdReached

# Signed online: here, or on another platform and imported from its export.
ONLINE = [Signature.Source.WEB, Signature.Source.IMPORT]


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

    Only signatures whose stored validity is "counted" (validity.py). Online:
    confirmed on the web, or imported from another platform. Paper: a
    returned sheet counts by its tally until its transcription is complete,
    then by its counted rows; so no row is ever counted twice."""
    counted = Signature.objects.filter(
        petition_id=petition_id, validity=Signature.Validity.COUNTED
    ).aggregate(
        online=Count("id", filter=Q(source__in=ONLINE)),
        paper=Count(
            "id", filter=Q(source=Signature.Source.PAPER, sheet__transcribed_at__isnull=False)
        ),
    )
    tallied = Sheet.objects.filter(
        petition_id=petition_id, transcribed_at=None, tally__isnull=False
    ).aggregate(n=Sum("tally"))["n"]
    return Counts(
        online=counted["online"],
        paper_transcribed=counted["paper"],
        paper_tallied=tallied or 0,
        updated_at=timezone.now().astimezone(UTC).isoformat(timespec="seconds"),
    )


@dataclass(frozen=True)
class Day:
    day: date
    online: int
    paper: int

    @property
    def total(self) -> int:
        return self.online + self.paper


def daily_counts(petition_id: int) -> list[Day]:
    """The same signatures as compute_counts(), by the day each first counted
    (in the site's time zone): online ones on the day they were confirmed,
    paper ones on the day their sheet came back, whether they count by its
    tally or by its typed rows, so typing a sheet up does not move its
    signatures to another day. Three grouped queries, whatever the number of
    rows; days without signatures are left out."""
    online, paper = defaultdict(int), defaultdict(int)
    counted = Signature.objects.filter(
        petition_id=petition_id, validity=Signature.Validity.COUNTED
    )
    for row in (
        counted.filter(source__in=ONLINE)
        .annotate(day=TruncDate(Coalesce("verified_at", "created_at")))
        .values("day")
        .annotate(n=Count("id"))
    ):
        online[row["day"]] += row["n"]
    for row in (
        counted.filter(source=Signature.Source.PAPER, sheet__transcribed_at__isnull=False)
        .annotate(day=TruncDate(Coalesce("sheet__returned_at", "sheet__transcribed_at")))
        .values("day")
        .annotate(n=Count("id"))
    ):
        paper[row["day"]] += row["n"]
    for row in (
        Sheet.objects.filter(petition_id=petition_id, transcribed_at=None, tally__isnull=False)
        .annotate(day=TruncDate(Coalesce("returned_at", "issued_at")))
        .values("day")
        .annotate(n=Sum("tally"))
    ):
        paper[row["day"]] += row["n"]
    days = sorted(set(online) | set(paper))
    return [Day(day=d, online=online[d], paper=paper[d]) for d in days]


def _key(petition_id: int) -> str:
    return f"counts:{petition_id}"


def store_daily(petition_id: int) -> list[Day]:
    """Aggregate the series by day and keep it on the petition's count row,
    for pages to read. The worker's job, when daily_due says so
    (web.events.refresh_counts)."""
    days = daily_counts(petition_id)
    stored = [[d.day.isoformat(), d.online, d.paper] for d in days]
    if not PetitionCount.objects.filter(petition_id=petition_id).update(
        daily=stored, daily_at=timezone.now()
    ):
        store_counts(petition_id)
        PetitionCount.objects.filter(petition_id=petition_id).update(
            daily=stored, daily_at=timezone.now()
        )
    return days


# A series the worker makes in this many times less than DAILY_REFRESH is
# made again as soon as the count moves: a small petition's chart keeps up
# with its count, a large one's costs the worker a twentieth of its time.
DAILY_COST_SHARE = 20


def daily_due(row: PetitionCount, total: int, cost: float | None = None) -> bool:
    """Whether the worker should make the series again: never made; or the
    count has moved since and the last one is old enough for what making it
    costs (`cost`, seconds, as the worker last timed it; DAILY_REFRESH when
    not known); or it is ten times DAILY_REFRESH old, moved or not (a count
    can stay the same while its days change: one struck out, one added)."""
    if row.daily_at is None:
        return True
    age = (timezone.now() - row.daily_at).total_seconds()
    if age >= 10 * settings.DAILY_REFRESH:
        return True
    if sum(online + paper for _, online, paper in row.daily) == total:
        return False
    wait = settings.DAILY_REFRESH
    if cost is not None:
        wait = min(wait, DAILY_COST_SHARE * cost)
    return age >= wait


def get_daily(petition_id: int) -> list[Day]:
    """The stored series, as a page reads it: one row, never the aggregate,
    unless no worker has made it yet or for DAILY_STALE_AFTER seconds (no
    worker running). Then one request per process, whoever wins the cache
    lock, makes it and keeps it for the process while the others show what
    they have, or no chart; a page still writes nothing."""
    entry = cache.get(_daily_key(petition_id))
    now = time.time()
    if entry is not None and now < entry[0]:
        return entry[1]
    row = PetitionCount.objects.filter(petition_id=petition_id).values("daily", "daily_at").first()
    made_at = row and row["daily_at"]
    if made_at and (timezone.now() - made_at).total_seconds() <= settings.DAILY_STALE_AFTER:
        days = [Day(date.fromisoformat(d), online, paper) for d, online, paper in row["daily"]]
        # Read again as often as the count is: the chart moves with the count.
        keep = settings.COUNT_TTL
    elif cache.add(f"{_daily_key(petition_id)}:lock", 1, 300):
        try:
            days = daily_counts(petition_id)
        finally:
            cache.delete(f"{_daily_key(petition_id)}:lock")
        keep = settings.DAILY_REFRESH  # made here: no sooner than a worker would
    else:
        return entry[1] if entry is not None else []
    cache.set(_daily_key(petition_id), (now + keep, days), 3600)
    return days


def _daily_key(petition_id: int) -> str:
    return f"daily:{petition_id}"


def _as_counts(row: PetitionCount) -> Counts:
    return Counts(
        online=row.online,
        paper_transcribed=row.paper_transcribed,
        paper_tallied=row.paper_tallied,
        updated_at=row.updated_at.astimezone(UTC).isoformat(timespec="seconds"),
    )


def store_counts(petition_id: int) -> Counts:
    """Aggregate the rows and keep the result, for readers to share."""
    counts = compute_counts(petition_id)
    PetitionCount.objects.update_or_create(
        petition_id=petition_id,
        defaults={
            "online": counts.online,
            "paper_transcribed": counts.paper_transcribed,
            "paper_tallied": counts.paper_tallied,
            "updated_at": datetime.fromisoformat(counts.updated_at),
        },
    )
    cache.set(_key(petition_id), (time.time() + settings.COUNT_TTL, asdict(counts)), 3600)
    return counts


def get_counts(petition_id: int) -> Counts:
    entry = cache.get(_key(petition_id))
    now = time.time()
    if entry is not None and now < entry[0]:
        return Counts(**entry[1])
    row = PetitionCount.objects.filter(petition_id=petition_id).defer("daily").first()
    stale = (
        row is None
        or (timezone.now() - row.updated_at).total_seconds() > settings.COUNT_STALE_AFTER
    )
    if not stale:
        counts = _as_counts(row)
        cache.set(_key(petition_id), (now + settings.COUNT_TTL, asdict(counts)), 3600)
        return counts
    if cache.add(f"{_key(petition_id)}:lock", 1, 30):
        try:
            return store_counts(petition_id)
        finally:
            cache.delete(f"{_key(petition_id)}:lock")
    if entry is not None:
        return Counts(**entry[1])
    if row is not None:
        return _as_counts(row)
    return compute_counts(petition_id)


def forget_counts(petition_id: int) -> None:
    """After a staff action (a tally, a transcription), show the change at once."""
    store_counts(petition_id)


def record_thresholds(petition: Petition, counts: Counts | None = None) -> list[ThresholdReached]:
    """Note the first time the count reaches each of the target's thresholds;
    returns the ones reached now (web.events acts on them)."""
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
