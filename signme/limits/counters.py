"""Fixed-window counters shared by every app process.

A counter's window opens at its first hit and lasts `window` seconds; the next
hit after that opens a new one. Redis holds the counters when REDIS_URL is set,
otherwise the database does, so four granian workers (or four machines) count
one client together instead of each allowing it the full limit.

Keys are stored as a keyed hash: client addresses and usernames never sit in
the table or in Redis in clear.
"""

import math
import time
from dataclasses import dataclass
from functools import cache, lru_cache

import redis
from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils.crypto import salted_hmac

from .models import Counter

REDIS_PREFIX = "signme:limit:"


@dataclass(frozen=True)
class Hit:
    key: str  # as stored
    hits: int  # in this window, this one included
    expires: float  # Unix time the window closes
    reset_in: int  # whole seconds until then, at least 1


def hit(scope: str, key: str, window: float) -> Hit:
    """Count one hit on `key` and return the count in its current window."""
    stored = _stored_key(scope, key)
    now = time.time()
    if settings.REDIS_URL:
        hits, expires = _redis_hit(stored, now + window)
    else:
        hits, expires = _database_hit(stored, now, now + window)
    return Hit(stored, hits, expires, max(1, math.ceil(expires - now)))


def give_back(counted: Hit) -> None:
    """Undo one hit, e.g. a login attempt that turned out not to be a failure.
    A window that has closed since is left alone."""
    if settings.REDIS_URL:
        _redis_scripts(settings.REDIS_URL)[1](
            keys=[REDIS_PREFIX + counted.key], args=[repr(counted.expires)]
        )
    else:
        Counter.objects.filter(key=counted.key, expires=counted.expires, hits__gt=0).update(
            hits=F("hits") - 1
        )


def rate_limited(scope: str, key: str, limit: int, window: int = 60) -> int:
    """Count a request; 0 while within `limit` per `window`, else the seconds
    until the window closes (for Retry-After)."""
    counted = hit(scope, key, window)
    return counted.reset_in if counted.hits > limit else 0


def hit_then_insert(
    scope: str, key: str, limit: int, insert: tuple[str, list], window: int = 60
) -> int:
    """rate_limited(), and while within the limit the row `insert` gives
    (`INSERT … SELECT values`, from FastInsert.insert_select): 0 when the row
    was inserted, else the seconds until the window closes and nothing
    inserted.

    With the counters in PostgreSQL this is one statement: the hit and the
    row it allowed, one round trip and one commit, where they were two of
    each. That is the cost of taking a signature in a surge (see signing.py).
    The commit waits for the disk, for the row's sake. Elsewhere, the hit,
    then the row."""
    sql, params = insert
    if settings.REDIS_URL or connection.vendor != "postgresql":
        if wait := rate_limited(scope, key, limit, window):
            return wait
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        return 0
    stored = _stored_key(scope, key)
    now = time.time()
    hit_params = _upsert_params(stored, now, now + window)
    sql = _hit_then_insert_sql(sql)
    # The values apart from the statement where SignMe's backend offers it
    # (lib.postgresql): not quoted into the text, in Python, on the hot path.
    cursor_for = getattr(connection, "binary_cursor", connection.cursor)
    with cursor_for() as cursor:
        cursor.execute(sql, hit_params + params + [limit])
        hits, expires = cursor.fetchone()
    return max(1, math.ceil(expires - now)) if hits > limit else 0


def prune_expired() -> int:
    """Delete the database's closed windows, for the worker to call every few
    minutes. Redis expires its own keys."""
    deleted, _ = Counter.objects.filter(expires__lt=time.time()).delete()
    return deleted


def _stored_key(scope: str, key: str) -> str:
    digest = salted_hmac("signme.limits", f"{scope}\0{key}", algorithm="sha256").hexdigest()
    return f"{scope}:{digest[:40]}"


# One statement, so concurrent processes each get their own hit counted: the
# row lock (PostgreSQL) or the write lock (SQLite >= 3.35, for RETURNING)
# serialises them. SET expressions all read the row as it was before.
_UPSERT = """
INSERT INTO {table} ({key}, {hits}, {expires}) {row}
ON CONFLICT ({key}) DO UPDATE SET
  {hits} = CASE WHEN {table}.{expires} <= %s THEN 1 ELSE {table}.{hits} + 1 END,
  {expires} = CASE WHEN {table}.{expires} <= %s THEN %s ELSE {table}.{expires} END
RETURNING {hits}, {expires}
"""


@cache
def _upsert_sql(durable: bool) -> str:
    q = connection.ops.quote_name
    row = "VALUES (%s, 1, %s)"
    if not durable:
        # A count lost in a crash does no harm, so this commit need not wait
        # for the disk: on a busy server that wait is most of its cost. Set
        # inside the statement, for its own transaction: one round trip,
        # where BEGIN, SET LOCAL, the statement and COMMIT were four.
        row = "SELECT %s, 1, %s FROM (SELECT set_config('synchronous_commit', 'off', true)) AS nw"
    table = q(Counter._meta.db_table)
    return _UPSERT.format(table=table, key=q("key"), hits=q("hits"), expires=q("expires"), row=row)


def _upsert_params(stored: str, now: float, expires: float) -> list:
    return [stored, expires, now, now, expires]


@lru_cache(maxsize=16)
def _hit_then_insert_sql(insert_sql: str) -> str:
    """Composed once for each INSERT given (the same one every signature).
    A data-modifying WITH runs whether or not the outer query reads it, and
    sees the hit's RETURNING row: no hit row within the limit, no insert."""
    return (
        f"WITH hit AS ({_upsert_sql(durable=True)}), "
        f"kept AS ({insert_sql} FROM hit WHERE hit.hits <= %s) "
        "SELECT hits, expires FROM hit"
    )


def _database_hit(stored: str, now: float, expires: float) -> tuple[int, float]:
    # Only when the transaction is ours (autocommit) may it skip waiting for
    # the disk: a caller's must stay durable.
    durable = connection.vendor != "postgresql" or connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(durable), _upsert_params(stored, now, expires))
        return cursor.fetchone()


# Redis runs a script without interleaving other clients' commands. The window
# closes at the time the first hit set, as in the database, and the key expires
# with it.
_REDIS_HIT = """
local hits = redis.call('hincrby', KEYS[1], 'hits', 1)
local expires = redis.call('hget', KEYS[1], 'expires')
if not expires then
  expires = ARGV[1]
  redis.call('hset', KEYS[1], 'expires', expires)
  redis.call('pexpireat', KEYS[1], math.ceil(tonumber(expires) * 1000))
end
return {hits, expires}
"""
_REDIS_GIVE_BACK = """
if redis.call('hget', KEYS[1], 'expires') == ARGV[1]
   and tonumber(redis.call('hget', KEYS[1], 'hits')) > 0 then
  return redis.call('hincrby', KEYS[1], 'hits', -1)
end
return 0
"""


@cache
def _redis_scripts(url: str):
    client = redis.Redis.from_url(url)
    return client.register_script(_REDIS_HIT), client.register_script(_REDIS_GIVE_BACK)


def _redis_hit(stored: str, expires: float) -> tuple[int, float]:
    hits, expires = _redis_scripts(settings.REDIS_URL)[0](
        keys=[REDIS_PREFIX + stored], args=[repr(expires)]
    )
    return int(hits), float(expires)
