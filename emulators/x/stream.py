"""``/2/activity/stream``: one long HTTP answer per connection, an event per line, ``\\r\\n`` when idle.

Events go to every open connection; X allows one per app, and refuses a second with 429. The emulator can
end connections on demand, either as X does for operational reasons (an error object, then the end of the
response) or abruptly, without the closing chunk, as a network failure looks to the client.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from typing import Any

from emulators.http import DropConnection
from emulators.x import errors

KEEPALIVE_SECONDS = 20.0  # X's docs: a keep-alive at least every 20 s on an idle stream
MAX_CONNECTIONS = 1
KEEPALIVE = b"\r\n"
_END, _DROP = object(), object()

OPERATIONAL_DISCONNECT = {"errors": [{
    "title": "operational-disconnect",
    "disconnect_type": "OperationalDisconnect",
    "detail": "This stream has been disconnected for operational reasons.",
    "type": errors.PROBLEMS + "operational-disconnect",
}]}


def line(event: dict[str, Any]) -> bytes:
    return json.dumps(event).encode() + b"\r\n"


class Streams:
    def __init__(self) -> None:
        self.keepalive_seconds = KEEPALIVE_SECONDS
        self._lock = threading.Lock()
        self._open: list[queue.Queue[object]] = []
        self.connections_made = 0

    def connect(self, backlog: list[bytes]) -> Iterator[bytes]:
        """A new connection that first replays ``backlog``; raises 429 when one is already open. Call it
        under the lock that ``publish`` is called under, so nothing falls between backlog and live events."""
        with self._lock:
            if len(self._open) >= MAX_CONNECTIONS:
                raise errors.too_many_connections()
            inbox: queue.Queue[object] = queue.Queue()
            for item in backlog:
                inbox.put(item)
            self._open.append(inbox)
            self.connections_made += 1
        return self._lines(inbox)

    def _lines(self, inbox: queue.Queue[object]) -> Iterator[bytes]:
        try:
            while True:
                try:
                    item = inbox.get(timeout=self.keepalive_seconds)
                except queue.Empty:
                    yield KEEPALIVE
                    continue
                if item is _DROP:
                    raise DropConnection()
                if item is _END:
                    yield line(OPERATIONAL_DISCONNECT)
                    return
                assert isinstance(item, bytes)
                yield item
        finally:
            with self._lock:
                self._open.remove(inbox)

    def publish(self, event: dict[str, Any]) -> None:
        with self._lock:
            for inbox in self._open:
                inbox.put(line(event))

    def open_count(self) -> int:
        with self._lock:
            return len(self._open)

    def disconnect(self, *, abrupt: bool = False) -> int:
        """Ends every open connection; answers how many."""
        with self._lock:
            for inbox in self._open:
                inbox.put(_DROP if abrupt else _END)
            return len(self._open)
