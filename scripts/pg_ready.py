"""Exit 0 if the PostgreSQL server in argv[1] accepts connections."""

import sys

import psycopg

try:
    psycopg.connect(sys.argv[1], connect_timeout=3).close()
except Exception:  # noqa: BLE001
    sys.exit(1)
