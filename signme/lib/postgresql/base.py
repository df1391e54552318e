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
