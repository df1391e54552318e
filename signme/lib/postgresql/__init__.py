"""Django's PostgreSQL backend with a health check that costs no round trip
while the connection has heard nothing from the server (see base.py)."""
