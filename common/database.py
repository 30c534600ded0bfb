"""What a database outage looks like to code that must live through one.

Django raises `OperationalError` when it cannot get or use a connection (a refused
connection, the pool's wait running out — psycopg's PoolTimeout arrives wrapped as
Django's OperationalError —, a server that went away mid-query, SQLite's "unable to
open" or "locked") and
`InterfaceError` for a connection already closed under it. Both say "not now", never
"this work is wrong": tasks retry them with backoff or leave the work to the recovery
sweep, and never record them as the work's failure.
"""

from __future__ import annotations

from django.db import InterfaceError, OperationalError

DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (OperationalError, InterfaceError)
