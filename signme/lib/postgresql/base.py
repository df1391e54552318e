"""Django's PostgreSQL backend, but for how it checks a kept connection.

With CONN_HEALTH_CHECKS, Django asks the server `SELECT 1` before the first
query of every request that reuses a connection: one more round trip for
each signature during a surge, a fifth of the database statements a
signature costs. A server that goes away (restarted, or the connection
terminated) first tells the client so, and closes the socket: the
connection then has something to read before any query was sent. So the
check here looks at the socket, without waiting: nothing to read means
nothing has happened since the last answer, and the connection is used as
it is; anything to read, or a connection psycopg already knows is broken,
gets Django's own check, which sends `SELECT 1` and closes the connection
if that fails. A connection whose network silently died is found no
sooner by either check: `SELECT 1` would wait on it as a query would.
"""

import select

from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLWrapper
from django.db.backends.postgresql.base import ServerBindingCursor
from psycopg import pq


class DatabaseWrapper(PostgreSQLWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.broken or connection.closed:
            return False
        pgconn = connection.pgconn
        if (
            pgconn.status == pq.ConnStatus.OK
            and pgconn.transaction_status == pq.TransactionStatus.IDLE
        ):
            # poll, not select: a busy process may hold sockets numbered
            # past select's limit of 1,024.
            waiting = select.poll()
            waiting.register(pgconn.socket, select.POLLIN)
            if not waiting.poll(0):
                return True
        return super().is_usable()

    def binary_cursor(self):
        """A cursor whose parameters go to the server apart from the
        statement (those marked %b in binary), wrapped as Django wraps its
        own (queries logged when Django logs them, errors turned into
        Django's). Django's cursors write each parameter into the statement
        as a quoted literal, in Python: for a batch of rows sent as arrays
        (lib.fastinsert) that quoting was a third of the worker's time taking
        signatures in, and it is a part of taking one (limits.counters)
        worth saving.
        Statements are not prepared (Django's prepare_threshold stays None),
        so PgBouncer in transaction mode is still fine."""
        self.ensure_connection()
        with self.wrap_database_errors:
            return self._prepare_cursor(ServerBindingCursor(self.connection))
