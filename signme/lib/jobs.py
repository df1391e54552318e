"""Periodic jobs run by `signme worker`.

The jobs are listed in one place (signme.web.worker.JOBS). Each runs at most
every `every` seconds; a job that raises is logged and tried again next time,
so one bad job never stops the outbox."""

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass
class Job:
    name: str
    every: float
    func: Callable[[], object]
    last_run: float = 0.0


def run_due_jobs(jobs: Iterable[Job], now: float | None = None) -> list[str]:
    now = time.monotonic() if now is None else now
    ran = []
    for job in jobs:
        if now - job.last_run < job.every:
            continue
        job.last_run = now
        try:
            job.func()
            ran.append(job.name)
        except Exception:  # noqa: BLE001
            log.exception("periodic job %s failed; will retry", job.name)
    return ran
