"""Slack's Socket Mode: ``apps.connections.open`` tickets, the WebSocket server, and envelopes acked by the app.

What Slack would POST to the request URL goes instead, as an envelope, to one of the app's connections
(at most 10); the app acks it with its ``envelope_id`` and, where ``accepts_response_payload``, the answer
an HTTP response would have carried. An envelope unacked after ``ack_timeout`` is late: the person sees
an error, as over HTTP, and the envelope is sent again with ``retry_attempt`` + 1, up to ``MAX_RETRIES``.

Every connection, envelope and attempt is kept in the record (``record()``) so tests can ask whether
anything was late, which connection got what, and whether pings were answered.
"""

from __future__ import annotations

import itertools
import json
import secrets
import socket
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from emulators.slack import websocket
from emulators.slack.interactions import ACK_TIMEOUT, AppResponse

MAX_CONNECTIONS = 10
MAX_RETRIES = 3  # Slack's: three more tries of an unacknowledged event
DISCONNECT_REASONS = ("warning", "refresh_requested", "link_disabled")
# After a warning or refresh_requested Slack keeps the old connection open a little while, so the app
# can open its next one first; the emulator's grace is shorter than Slack's to keep tests quick.
DISCONNECT_GRACE = 1.0


@dataclass
class Attempt:
    connection_id: int | None  # None: no connection was open to send it on
    retry_attempt: int
    sent_at: float
    acked_after: float | None = None  # seconds; None when never acked

    def late(self, ack_timeout: float) -> bool:
        return self.acked_after is None or self.acked_after > ack_timeout


@dataclass
class Envelope:
    envelope_id: str
    type: str
    payload: dict[str, Any]
    accepts_response_payload: bool
    attempts: list[Attempt] = field(default_factory=list)
    response_payload: dict[str, Any] | None = None


@dataclass
class Connection:
    id: int
    ws: websocket.WebSocket = field(repr=False)
    opened_at: float
    closed_at: float | None = None
    draining: bool = False  # told to disconnect: no new envelopes
    pongs: list[str] = field(default_factory=list)  # payloads of pongs to the emulator's pings
    pings_answered: int = 0  # the client's pings the emulator answered

    @property
    def open(self) -> bool:
        return self.closed_at is None


def envelope_for(raw_body: bytes, content_type: str) -> tuple[str, dict[str, Any], bool]:
    """``(type, payload, accepts_response_payload)`` for what would have been POSTed over HTTP."""
    if content_type.startswith("application/json"):
        return "events_api", json.loads(raw_body), False
    fields = {key: values[0] for key, values in parse_qs(raw_body.decode(), keep_blank_values=True).items()}
    if "payload" in fields:
        payload = json.loads(fields["payload"])
        return "interactive", payload, payload.get("type") in ("view_submission", "block_suggestion")
    return "slash_commands", fields, True


class SocketMode:
    def __init__(self, *, app_token: str, app_id: str, host: str = "127.0.0.1") -> None:
        self.app_token = app_token
        self.app_id = app_id
        self.host = host
        self.ack_timeout = ACK_TIMEOUT
        self.disconnect_grace = DISCONNECT_GRACE
        self._changed = threading.Condition()
        self._tickets: set[str] = set()
        self._connections: dict[int, Connection] = {}
        self._envelopes: dict[str, Envelope] = {}
        self._acked: dict[str, float] = {}  # envelope_id -> when the ack arrived
        self._ids = itertools.count(1)
        self._turn = itertools.count()
        self._listener: socket.socket | None = None
        self.refused: list[str] = []  # why handshakes were refused

    # -- the server ------------------------------------------------------------------------------
    def start(self) -> None:
        with self._changed:
            if self._listener is not None:
                return
            self._listener = socket.create_server((self.host, 0))
        threading.Thread(target=self._accept, args=(self._listener,), name="SocketMode", daemon=True).start()

    def stop(self) -> None:
        with self._changed:
            listener, self._listener = self._listener, None
            connections = [c for c in self._connections.values() if c.open]
        if listener is not None:
            listener.close()
        for connection in connections:
            connection.ws.close()

    @property
    def port(self) -> int:
        self.start()
        assert self._listener is not None
        return self._listener.getsockname()[1]

    def open_url(self) -> str:
        """What apps.connections.open answers: a fresh single-use ticket."""
        ticket = secrets.token_hex(16)
        with self._changed:
            self._tickets.add(ticket)
        return f"ws://{self.host}:{self.port}/link/?ticket={ticket}&app_id={self.app_id}"

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                sock, _ = listener.accept()
            except OSError:
                return  # stopped
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        try:
            connection = self._handshake(sock)
        except (websocket.ConnectionClosed, OSError, ValueError):
            sock.close()
            return
        if connection is not None:
            self._read(connection)

    def _handshake(self, sock: socket.socket) -> Connection | None:
        request = websocket.read_handshake(sock)
        ticket = parse_qs(urlsplit(request.path).query).get("ticket", [""])[0]
        with self._changed:
            valid = ticket in self._tickets
            self._tickets.discard(ticket)
        if request.headers.get("upgrade", "").lower() != "websocket" or "sec-websocket-key" not in request.headers:
            return self._refuse(sock, "400 Bad Request", "not a WebSocket upgrade")
        if not valid:
            # The emulator's own answer: Slack's for a reused or unknown ticket is not documented.
            return self._refuse(sock, "401 Unauthorized", "invalid or used ticket")
        sock.sendall(websocket.switching_protocols(request.headers["sec-websocket-key"]))
        ws = websocket.WebSocket(sock)
        with self._changed:
            open_now = sum(1 for c in self._connections.values() if c.open)
            if open_now >= MAX_CONNECTIONS:
                self.refused.append("too_many_websockets")
                crowded = True
            else:
                crowded = False
                connection = Connection(next(self._ids), ws, time.monotonic())
                self._connections[connection.id] = connection
                open_now += 1
        if crowded:
            ws.send_text(json.dumps({"type": "disconnect", "reason": "too_many_websockets",
                                     "debug_info": self._debug_info()}))
            ws.send_close(1008, "too many connections")
            ws.close()
            return None
        ws.send_text(json.dumps({
            "type": "hello",
            "num_connections": open_now,
            "debug_info": {**self._debug_info(), "build_number": 1, "approximate_connection_time": 18060},
            "connection_info": {"app_id": self.app_id},
        }))
        with self._changed:
            self._changed.notify_all()
        return connection

    def _refuse(self, sock: socket.socket, status: str, why: str) -> None:
        with self._changed:
            self.refused.append(why)
        sock.sendall(websocket.http_answer(status, why))
        sock.close()
        return None

    def _debug_info(self) -> dict[str, Any]:
        return {"host": f"applink-emulator-{self.port}"}

    def _read(self, connection: Connection) -> None:
        try:
            while True:
                opcode, data = connection.ws.receive()
                if opcode == websocket.PING:
                    connection.ws.send_pong(data)
                    connection.pings_answered += 1
                elif opcode == websocket.PONG:
                    connection.pongs.append(data.decode("utf-8", "replace"))
                elif opcode == websocket.CLOSE:
                    connection.ws.send_close()
                    break
                elif opcode == websocket.TEXT:
                    self._on_text(data)
        except websocket.ConnectionClosed:
            pass
        finally:
            self._closed(connection)

    def _closed(self, connection: Connection) -> None:
        connection.ws.close()
        with self._changed:
            if connection.closed_at is None:
                connection.closed_at = time.monotonic()
            self._changed.notify_all()

    def _on_text(self, data: bytes) -> None:
        try:
            ack = json.loads(data)
        except ValueError:
            return  # Slack ignores what it cannot read; the envelope stays unacked
        envelope_id = ack.get("envelope_id") if isinstance(ack, dict) else None
        with self._changed:
            envelope = self._envelopes.get(envelope_id or "")
            if envelope is None or envelope_id in self._acked:
                return
            self._acked[envelope_id] = time.monotonic()
            if isinstance(ack.get("payload"), dict) and envelope.accepts_response_payload:
                envelope.response_payload = ack["payload"]
            self._changed.notify_all()

    # -- envelopes -------------------------------------------------------------------------------
    def _pick(self) -> Connection | None:
        """One open connection, in turn, preferring those not told to disconnect."""
        live = [c for c in self._connections.values() if c.open]
        chosen = [c for c in live if not c.draining] or live
        return chosen[next(self._turn) % len(chosen)] if chosen else None

    def deliver(self, raw_body: bytes, content_type: str) -> AppResponse:
        """Sends what Slack would have POSTed as an envelope; answers like the HTTP path: the ack's payload
        as a JSON body, or status 0 when the first attempt was not acked in time."""
        kind, payload, accepts = envelope_for(raw_body, content_type)
        envelope = Envelope(str(uuid.uuid4()), kind, payload, accepts)
        with self._changed:
            self._envelopes[envelope.envelope_id] = envelope
        for retry in range(MAX_RETRIES + 1):
            if self._attempt(envelope, retry):
                break
        first = envelope.attempts[0]
        if first.late(self.ack_timeout):
            return AppResponse(0)
        body = json.dumps(envelope.response_payload).encode() if envelope.response_payload is not None else b""
        return AppResponse(200, body, {"Content-Type": "application/json"})

    def _attempt(self, envelope: Envelope, retry: int) -> bool:
        """One try: wait for a connection, send, wait for the ack. True when acked."""
        started = time.monotonic()
        deadline = started + self.ack_timeout
        with self._changed:
            while (connection := self._pick()) is None and time.monotonic() < deadline:
                self._changed.wait(deadline - time.monotonic())
            attempt = Attempt(connection and connection.id, retry, started)
            envelope.attempts.append(attempt)
        if connection is None:
            return False
        message = {"envelope_id": envelope.envelope_id, "type": envelope.type, "payload": envelope.payload,
                   "accepts_response_payload": envelope.accepts_response_payload, "retry_attempt": retry,
                   "retry_reason": "timeout" if retry else ""}
        try:
            connection.ws.send_text(json.dumps(message))
        except websocket.ConnectionClosed:
            self._closed(connection)
            return False
        with self._changed:
            while envelope.envelope_id not in self._acked and connection.open and time.monotonic() < deadline:
                self._changed.wait(deadline - time.monotonic())
            acked_at = self._acked.get(envelope.envelope_id)
        if acked_at is None:
            return False
        attempt.acked_after = acked_at - started
        return True

    # -- what Slack does on its own ----------------------------------------------------------------
    def _targets(self, connection_id: int | None) -> list[Connection]:
        with self._changed:
            return [c for c in self._connections.values()
                    if c.open and connection_id in (None, c.id)]

    def disconnect(self, reason: str, connection_id: int | None = None) -> int:
        """Tells connections (one, or all) to go; closes them after the grace, at once for link_disabled.
        Answers how many were told."""
        if reason not in DISCONNECT_REASONS:
            raise ValueError(f"reason must be one of {DISCONNECT_REASONS}, not {reason!r}")
        targets = self._targets(connection_id)
        for connection in targets:
            with self._changed:
                connection.draining = True
            try:
                connection.ws.send_text(json.dumps({"type": "disconnect", "reason": reason,
                                                    "debug_info": self._debug_info()}))
            except websocket.ConnectionClosed:
                continue
            grace = 0.0 if reason == "link_disabled" else self.disconnect_grace
            threading.Timer(grace, self._close, args=(connection,)).start()
        return len(targets)

    def _close(self, connection: Connection) -> None:
        try:
            connection.ws.send_close(1000, "disconnect")
        except websocket.ConnectionClosed:
            pass
        self._closed(connection)

    def drop(self, connection_id: int | None = None) -> int:
        """Cuts connections without a word (a TCP reset), as a network failure would."""
        targets = self._targets(connection_id)
        for connection in targets:
            connection.ws.reset()
            self._closed(connection)
        return len(targets)

    def ping(self, connection_id: int | None = None) -> list[str]:
        """Sends a WebSocket ping to connections; answers the payloads sent (pongs land in ``pongs``)."""
        sent = []
        for connection in self._targets(connection_id):
            payload = f"emulator-{secrets.token_hex(4)}"
            try:
                connection.ws.send_ping(payload.encode())
            except websocket.ConnectionClosed:
                continue
            sent.append(payload)
        return sent

    # -- the record ------------------------------------------------------------------------------
    def connections(self) -> list[Connection]:
        with self._changed:
            return list(self._connections.values())

    def open_connections(self) -> list[Connection]:
        return [c for c in self.connections() if c.open]

    def envelopes(self) -> list[Envelope]:
        with self._changed:
            return list(self._envelopes.values())

    def late(self) -> list[Envelope]:
        """Envelopes whose first attempt was not acked within the ack timeout."""
        return [e for e in self.envelopes() if e.attempts and e.attempts[0].late(self.ack_timeout)]

    def record(self) -> dict[str, Any]:
        connections = [{"id": c.id, "open": c.open, "draining": c.draining, "pongs": len(c.pongs),
                        "pings_answered": c.pings_answered} for c in self.connections()]
        late = {e.envelope_id for e in self.late()}
        envelopes = [{**asdict(e), "late": e.envelope_id in late} for e in self.envelopes()]
        return {"connections": connections, "envelopes": envelopes, "refused": list(self.refused)}
