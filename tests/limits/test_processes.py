"""Several real OS processes, configured like app servers, share one limit."""

import pytest

from signme.limits.models import Counter
from signme.petitions.models import SignatureIntake

from .conftest import start_processes

# Each process says it is ready, waits for the word, then takes its tries as
# fast as it can and prints how many got through: of its tries that only
# count, and of those that keep a row as a signature does (hit_then_insert),
# every other one, against the same limit.
HAMMER = """
import sys
from django.utils import timezone
from signme.lib.fastinsert import FastInsert
from signme.limits.counters import hit_then_insert, rate_limited
from signme.petitions.models import Petition, SignatureIntake
petition = Petition.objects.order_by("pk").first()
intake = FastInsert(SignatureIntake)

def attempt(n):
    if n % 2:
        return rate_limited("sign", "203.0.113.9", {limit}, window=3600) == 0
    row = {{"petition": petition.pk, "email_canonical": f"p{{n}}@example.org", "data": {{}},
           "received_at": timezone.now()}}
    return hit_then_insert("sign", "203.0.113.9", {limit}, intake.insert_select(row), 3600) == 0

print("ready", flush=True)
sys.stdin.readline()
passed = [n for n in range({tries}) if attempt(n)]
print(sum(n % 2 for n in passed), sum(1 - n % 2 for n in passed))
"""


def hammer(processes: int, tries: int, limit: int, **env) -> tuple[int, int]:
    """(tries that only counted, rows kept) let through, by all the processes."""
    children = start_processes(HAMMER.format(limit=limit, tries=tries), processes, **env)
    try:
        for child in children:
            assert child.stdout.readline().strip() == "ready"
        for child in children:
            child.stdin.write("go\n")
            child.stdin.flush()
        allowed = [child.communicate(timeout=120)[0].split() for child in children]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
    assert [child.returncode for child in children] == [0] * processes
    return sum(int(c) for c, _ in allowed), sum(int(k) for _, k in allowed)


@pytest.mark.django_db(transaction=True)
def test_four_processes_on_the_database_let_exactly_the_limit_through(petition):
    counted, kept = hammer(processes=4, tries=15, limit=30)
    assert counted + kept == 30
    assert Counter.objects.get().hits == 60
    assert kept > 0 and SignatureIntake.objects.count() == kept


@pytest.mark.django_db(transaction=True)
def test_four_processes_on_redis_let_exactly_the_limit_through(redis_url, petition):
    counted, kept = hammer(processes=4, tries=15, limit=30, REDIS_URL=redis_url)
    assert counted + kept == 30
    assert Counter.objects.count() == 0
    assert kept > 0 and SignatureIntake.objects.count() == kept
