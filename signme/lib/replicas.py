"""Reads from a PostgreSQL replica, for the few views that can take a
moment's lag, when one is configured (DATABASE_REPLICA_URL).

A replica lags its primary by a little, so a view that reads from it may
show a count a second old; one that wrote and read back what it wrote
could miss its own write. Hence no router that spreads every read: a view
opts in with @reads_from_replica, and only while it runs do its reads go
there. Every write, and every read anywhere else, goes to the primary,
even for an object that was read from the replica."""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
PRIMARY = "default"

_reading_replica: ContextVar[bool] = ContextVar("signme_reading_replica", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _reading_replica.set(True)
    try:
        yield
    finally:
        _reading_replica.reset(token)


def reads_from_replica(view: Callable) -> Callable:
    """A view whose reads may lag the primary a moment (public JSON)."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        with replica_reads():
            return view(*args, **kwargs)

    return wrapped


class ReplicaRouter:
    """Installed only when DATABASE_REPLICA_URL is set (settings.py)."""

    def db_for_read(self, model, **hints):
        if _reading_replica.get() and REPLICA in settings.DATABASES:
            return REPLICA
        # Said outright: left to Django, an object read from the replica
        # would take its related reads there too.
        return PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data, wherever it was read

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary's schema by replication.
        return db == PRIMARY
