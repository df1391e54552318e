"""Periodic jobs run by `signme worker`, registered by each app.

Each job runs at most every `every` seconds; a job that raises is logged and
tried again next time, so one bad job never stops the outbox."""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass
class Job:
    name: str
    every: float
    func: Callable[[], object]
    last_run: float = 0.0


_jobs: dict[str, Job] = {}


def periodic(every: float):
    def register(func):
        name = f"{func.__module__}.{func.__qualname__}"
        _jobs[name] = Job(name, every, func)
        return func

    return register


def run_due_jobs(now: float | None = None) -> list[str]:
    now = time.monotonic() if now is None else now
    ran = []
    for job in _jobs.values():
        if now - job.last_run < job.every:
            continue
        job.last_run = now
        try:
            job.func()
            ran.append(job.name)
        except Exception:  # noqa: BLE001
            log.exception("periodic job %s failed; will retry", job.name)
    return ran
