"""Log records as JSON, one object a line (LOG_FORMAT=json), for log collectors.

`settings.LOGGING` names `JsonFormatter`; web, workers and beat all log through that
configuration (fotomalovanky/celery.py keeps Celery from installing its own).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    """`time` (ISO 8601, UTC), `level`, `logger`, `message`, `process` (its name: Celery's
    pool children are ForkPoolWorker-N), `thread`, and `exception` / `stack` when present.

    A traceback or a message with line breaks stays on its one line (JSON escapes them),
    so a collector never splits a record.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.processName,
            "thread": record.threadName,
        }
        if record.exc_info:
            # Cached on the record, as logging.Formatter does, for any other handler.
            record.exc_text = record.exc_text or self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)
