"""Helpers every app uses, below all of them: this package imports no app of the project.

- `queueing`: send a Celery task by name, after the transaction commits, never failing
  the caller (the one way work is queued).
- `redis`: the process's shared Redis client.
- `database`: which exceptions mean "the database is unavailable".
- `logs`: the JSON log formatter (LOG_FORMAT=json).
"""
