"""Several real OS processes, configured like app servers, share one limit."""

import pytest

from signme.limits.models import Counter

from .conftest import start_processes

# Each process says it is ready, waits for the word, then takes its tries as
# fast as it can and prints how many got through.
HAMMER = """
import sys
from signme.limits.counters import rate_limited
print("ready", flush=True)
sys.stdin.readline()
print(sum(rate_limited("sign", "203.0.113.9", {limit}, window=3600) == 0 for _ in range({tries})))
"""


def hammer(processes: int, tries: int, limit: int, **env) -> list[int]:
    children = start_processes(HAMMER.format(limit=limit, tries=tries), processes, **env)
    try:
        for child in children:
            assert child.stdout.readline().strip() == "ready"
        for child in children:
            child.stdin.write("go\n")
            child.stdin.flush()
        allowed = [int(child.communicate(timeout=120)[0]) for child in children]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
    assert [child.returncode for child in children] == [0] * processes
    return allowed


@pytest.mark.django_db(transaction=True)
def test_four_processes_on_the_database_let_exactly_the_limit_through():
    allowed = hammer(processes=4, tries=15, limit=30)
    assert sum(allowed) == 30
    assert Counter.objects.get().hits == 60


@pytest.mark.django_db(transaction=True)
def test_four_processes_on_redis_let_exactly_the_limit_through(redis_url):
    allowed = hammer(processes=4, tries=15, limit=30, REDIS_URL=redis_url)
    assert sum(allowed) == 30
    assert Counter.objects.count() == 0
