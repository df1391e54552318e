"""The PostgreSQL backend's health check: no round trip while a kept
connection has heard nothing from the server, Django's `SELECT 1` when it
has, and a connection the server ended is closed and replaced before the
request's first query, as with Django's own check."""

import select

import psycopg
import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from signme.lib.fastinsert import FastInsert
from signme.petitions.models import SignatureIntake

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the PostgreSQL backend's own check"
)


@pytest.fixture
def kept(db):
    """A connection of its own, as a request would keep one between requests
    (the test's own connection is inside the test's transaction)."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


@pytest.fixture
def other():
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as conn:
        yield conn


def sent_while(wrapper, tmp_path, check):
    """What the client sent the server while `check` ran: libpq's own trace
    of the protocol messages, which shows every query."""
    trace = tmp_path / "trace"
    with open(trace, "w") as f:
        wrapper.connection.pgconn.trace(f.fileno())
        try:
            result = check()
        finally:
            wrapper.connection.pgconn.untrace()
    return result, trace.read_text()


def test_the_backend_is_signmes_and_checks_health(kept):
    assert type(kept).__module__ == "signme.lib.postgresql.base"
    assert kept.health_check_enabled


def test_a_quiet_kept_connection_is_usable_without_a_query(kept, tmp_path):
    usable, sent = sent_while(kept, tmp_path, kept.is_usable)
    assert usable is True
    assert sent == ""
    # And the trace does show a query when one is sent.
    _, sent = sent_while(kept, tmp_path, lambda: kept.connection.execute("SELECT 1"))
    assert "SELECT 1" in sent


def test_a_connection_the_server_ended_is_unusable_and_replaced(kept, other):
    pid = kept.connection.info.backend_pid
    other.execute("SELECT pg_terminate_backend(%s)", [pid])
    # The server says so and closes the socket as the backend exits.
    for _ in range(50):
        if not other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
            break
    assert kept.is_usable() is False
    # What Django does before a request's first query: close it, connect anew.
    kept.health_check_done = False
    kept.close_if_health_check_failed()
    with kept.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_anything_heard_from_the_server_is_checked_with_a_query(kept, other, tmp_path):
    # A notification arrives on the socket between requests: not a failure,
    # but not nothing either, so Django's own check asks the server.
    kept.connection.execute("LISTEN signme_health")
    other.execute("NOTIFY signme_health")
    select.select([kept.connection.pgconn.socket], [], [], 5)  # it has arrived
    usable, sent = sent_while(kept, tmp_path, kept.is_usable)
    assert usable is True
    assert "SELECT 1" in sent


def test_a_closed_connection_is_unusable(kept):
    kept.connection.close()
    assert kept.is_usable() is False


def test_a_batch_of_rows_goes_in_binary_apart_from_the_statement_and_is_logged(db, petition):
    rows = [
        {"petition": petition.pk, "email_canonical": f"signer{n}@example.org", "data": {},
         "client_ip": "203.0.113.9", "received_at": timezone.now()}
        for n in range(3)
    ]  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        FastInsert(SignatureIntake).insert(rows)
    assert len(queries) == 1  # logged as Django logs its own queries
    assert "unnest" in queries[0]["sql"]
    # The addresses went as parameters, not written into the statement.
    assert "signer0@example.org" not in queries[0]["sql"]
    assert SignatureIntake.objects.count() == 3
