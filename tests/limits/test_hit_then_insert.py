"""A count and the row it allows, together (counters.hit_then_insert): how a
signature is kept within the signing limit."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from signme.lib.fastinsert import FastInsert
from signme.limits.counters import hit, hit_then_insert
from signme.limits.models import Counter
from signme.petitions.models import SignatureIntake

_intake = FastInsert(SignatureIntake)


@pytest.fixture(params=["database", "redis"])
def store(request, settings):
    settings.REDIS_URL = request.getfixturevalue("redis_url") if request.param == "redis" else ""
    return request.param


def _row(petition, n: int) -> tuple[str, list]:
    return _intake.insert_select(
        {
            "petition": petition.pk,
            "email_canonical": f"p{n}@example.org",
            "data": {"name": f"Signer {n}", "consents": ["email"]},
            "client_ip": "203.0.113.9",
            "received_at": timezone.now(),
        }
    )


def _stored():
    return list(
        SignatureIntake.objects.order_by("pk").values_list(
            "pk", "petition", "email_canonical", "data", "client_ip", "received_at"
        )
    )


def test_rows_are_kept_up_to_the_limit_then_refused_with_the_wait_and_nothing_kept(
    store, petition
):
    answers = [hit_then_insert("sign", "203.0.113.9", 3, _row(petition, n)) for n in range(3)]
    assert answers == [0, 0, 0]
    kept = _stored()
    assert [row[2] for row in kept] == ["p0@example.org", "p1@example.org", "p2@example.org"]
    assert kept[0][3] == {"name": "Signer 0", "consents": ["email"]}
    assert str(kept[0][4]) == "203.0.113.9"

    wait = hit_then_insert("sign", "203.0.113.9", 3, _row(petition, 3))

    assert 1 <= wait <= 60
    assert _stored() == kept  # nothing added, nothing changed
    assert hit("sign", "203.0.113.9", 60).hits == 5  # the refused one was counted
    assert hit_then_insert("sign", "203.0.113.10", 3, _row(petition, 4)) == 0  # a neighbour


def test_on_postgresql_the_count_and_the_row_are_one_durable_statement(petition, settings):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    settings.REDIS_URL = ""
    with CaptureQueriesContext(connection) as queries:
        assert hit_then_insert("sign", "203.0.113.9", 3, _row(petition, 0)) == 0
    assert len(queries) == 1
    # The row must survive a crash once the signer is told it was kept: the
    # count alone may skip waiting for the disk, never the two together.
    assert "synchronous_commit" not in queries[0]["sql"]
    assert "p0@example.org" not in queries[0]["sql"]  # the values went apart from the statement
    assert Counter.objects.get().hits == 1
    assert SignatureIntake.objects.count() == 1
