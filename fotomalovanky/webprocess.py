"""What sets the web process apart from a worker: it waits only briefly for the database.

asgi.py and wsgi.py, the web's entry points, call `configure()` before Django is set
up and so before the connection pool exists. A web request that gets no connection
within DATABASE_WEB_POOL_TIMEOUT then fails fast and answers 503 (fotomalovanky/outage.py)
instead of keeping the staff waiting; Celery workers, beat and management commands
never import these entry points and keep DATABASE_POOL_TIMEOUT.
"""

from __future__ import annotations

from django.conf import settings


def configure() -> None:
    """Give the database pool of this process the web's short timeout."""
    if settings.configured:
        # Django was set up before the entry point was imported (a test process that
        # imports the ASGI application, `manage.py runserver`): its pool may exist
        # already, and a process that did not start as the web one keeps its settings.
        return
    for database in settings.DATABASES.values():
        pool = database.get("OPTIONS", {}).get("pool")
        if isinstance(pool, dict):
            pool["timeout"] = settings.DATABASE_WEB_POOL_TIMEOUT
