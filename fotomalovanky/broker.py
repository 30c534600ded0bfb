"""The Celery broker transport: kombu's Redis transport with one fix for a broker outage
(and `queue_keys`, where it keeps a queue's messages, for the health check).

Without it a worker dies for good when Redis goes away while it runs an acks_late task
and still has a free slot (so a BRPOP is outstanding), which is the `io` worker's usual
state. kombu 5.7.0 with celery 5.7.0 (the newest of both; celery 5.7 needs kombu >= 5.7):

1. On the lost connection Celery's consumer (`on_connection_error_after_connected`)
   first calls `connection.collect()`, which closes the default channel. The Redis
   channel's `close()` begins by reading the outstanding BRPOP reply; on the dead socket
   that raises `ConnectionError` before the channel is marked closed, and kombu's
   `maybe_close_channel` swallows it. `collect()` then detaches the transport
   (`transport.client = None`) but keeps the half-closed channel as the default one.
2. Celery then calls `connection.close()`, which closes that channel a second time. Now
   it goes all the way: it drops its connection pools, and the virtual channel restores
   the unacknowledged message (the task in flight), which needs a new pool built from
   `transport.client.hostname`: `AttributeError: 'NoneType' object has no attribute
   'hostname'`. That is no connection error, so nothing swallows it, and the worker
   stops with "Unrecoverable error" (exit code 1).

Had the BRPOP socket reported the outage first, the first close would have completed;
in every run here the pub/sub socket (remote control) came first. No setting changes
this (tried: broker_connection_max_retries, health_check_interval,
retry_on_timeout, socket_keepalive, socket_timeout,
worker_cancel_long_running_tasks_on_connection_loss), and no other kombu release
works with celery 5.7.0. tests/test_broker_outage.py reproduces it with real processes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import suppress
from queue import Empty
from typing import Any

from django.conf import settings
from kombu.transport import redis


class Channel(redis.Channel):
    # kombu's own, left out of the stubs (celery-types); annotations only, so nothing of
    # kombu's is replaced at run time.
    _in_poll: Any
    _brpop_read: Callable[..., bool]
    connection_errors: tuple[type[BaseException], ...]

    def close(self) -> None:
        # A reply that never arrived cannot be read from a dead socket: give up on it, as
        # kombu does on every other connection error. `_brpop_read` has cleared
        # `_in_poll` and disconnected, so the close below goes all the way while the
        # transport is still attached (see the module docstring).
        if self._in_poll:
            with suppress(Empty, *self.connection_errors):
                self._brpop_read()
        super().close()


class Transport(redis.Transport):
    Channel = Channel


def queue_keys(queue: str) -> list[str]:
    """The Redis lists in which the transport keeps the messages waiting in `queue`.

    kombu's Redis transport keeps one list per priority step: the queue's own name for
    step 0 and `<queue><sep><step>` for the others, all under `global_keyprefix`. The
    steps, separator and prefix are transport options (CELERY_BROKER_TRANSPORT_OPTIONS),
    with kombu's defaults ([0, 3, 6, 9], "\\x06\\x16", none) when unset, as kombu reads them.
    """
    options: Mapping[str, Any] = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    steps: list[int] = options.get("priority_steps", Channel.priority_steps)
    sep: str = options.get("sep", Channel.sep)
    prefix: str = options.get("global_keyprefix", Channel.global_keyprefix)
    return [prefix + (f"{queue}{sep}{step}" if step else queue) for step in steps]
