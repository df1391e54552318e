"""The shared counters, on the test's database and on a real Redis."""

import time

import pytest
from django.db import connection, transaction

from signme.limits.counters import give_back, hit, prune_expired, rate_limited
from signme.limits.models import Counter


@pytest.fixture(params=["database", "redis"])
def store(request, settings):
    """Each test runs once per store: the database, then Redis."""
    if request.param == "redis":
        settings.REDIS_URL = request.getfixturevalue("redis_url")
    else:
        settings.REDIS_URL = ""
        request.getfixturevalue("db")
    return request.param


def test_hits_in_one_window_add_up_and_say_when_it_closes(store):
    counts = [hit("test", "203.0.113.9", 60) for _ in range(3)]
    assert [c.hits for c in counts] == [1, 2, 3]
    assert all(1 <= c.reset_in <= 60 for c in counts)
    assert len({c.expires for c in counts}) == 1  # the window opened at the first hit


def test_each_key_and_scope_counts_apart(store):
    hit("sign", "203.0.113.9", 60)
    assert hit("sign", "203.0.113.10", 60).hits == 1
    assert hit("rights-ip", "203.0.113.9", 60).hits == 1
    assert hit("sign", "203.0.113.9", 60).hits == 2


def test_rate_limited_answers_zero_up_to_the_limit_then_the_wait(store):
    answers = [rate_limited("test", "203.0.113.9", 3, window=60) for _ in range(5)]
    assert answers[:3] == [0, 0, 0]
    assert all(1 <= wait <= 60 for wait in answers[3:])


def test_giving_a_hit_back_undoes_exactly_one(store):
    hit("test", "k", 60)
    counted = hit("test", "k", 60)
    give_back(counted)
    assert hit("test", "k", 60).hits == 2


def test_giving_back_never_goes_below_zero(store):
    counted = hit("test", "k", 60)
    give_back(counted)
    give_back(counted)
    assert hit("test", "k", 60).hits == 1


def test_a_closed_window_starts_again_from_one(db, settings):
    settings.REDIS_URL = ""
    for _ in range(3):
        first = hit("test", "203.0.113.9", 60)
    Counter.objects.update(expires=time.time() - 1)  # a minute has passed
    again = hit("test", "203.0.113.9", 60)
    assert again.hits == 1
    assert again.expires > first.expires
    give_back(first)  # belongs to the closed window: leaves the new one alone
    assert hit("test", "203.0.113.9", 60).hits == 2


def test_a_redis_window_expires_by_itself(redis_url, settings):
    settings.REDIS_URL = redis_url
    # A half-second window: Redis keeps time to the millisecond.
    assert hit("test", "k", 0.5).hits == 1
    assert hit("test", "k", 0.5).hits == 2
    time.sleep(0.6)
    assert hit("test", "k", 0.5).hits == 1


def test_addresses_and_usernames_are_not_stored_in_clear(db, settings):
    settings.REDIS_URL = ""
    hit("login-account", "organiser@example.org", 60)
    hit("sign", "203.0.113.9", 60)
    keys = " ".join(Counter.objects.values_list("key", flat=True))
    assert "organiser" not in keys and "203.0.113" not in keys
    assert keys.startswith("login-account:") or keys.startswith("sign:")


def test_pruning_deletes_closed_windows_only(db, settings):
    settings.REDIS_URL = ""
    hit("test", "old", 60)
    hit("test", "current", 60)
    Counter.objects.filter(hits=1).exclude(pk=Counter.objects.order_by("-pk")[0].pk).update(
        expires=time.time() - 1
    )
    assert prune_expired() == 1
    assert Counter.objects.count() == 1
    assert hit("test", "current", 60).hits == 2


def test_with_redis_nothing_is_written_to_the_database(db, redis_url, settings):
    settings.REDIS_URL = redis_url
    assert rate_limited("sign", "203.0.113.9", 30) == 0
    assert Counter.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_only_the_counts_own_commit_skips_the_disk_wait(settings):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    settings.REDIS_URL = ""

    def synchronous_commit():
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    assert hit("test", "k", 60).hits == 1
    assert synchronous_commit() == "on"  # the setting did not outlive the count
    with transaction.atomic():  # a caller's transaction, e.g. storing a signature
        assert hit("test", "k", 60).hits == 2
        assert synchronous_commit() == "on"
