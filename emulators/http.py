"""The HTTP plumbing both emulators share: routing, a threaded server, a request log and fault injection.

Each emulator is a set of routes over its own in-memory state. Faults are scripted per path prefix and
consumed in order, so a test can say "the next two calls to chat.postMessage answer 429" and nothing else
changes. The same control surface is reachable over HTTP under ``/_emulator/`` so that a process other than
the one running the emulator (the demo's traffic source, a benchmark) can script it too.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes
    params: dict[str, str] = field(default_factory=dict)  # captured from the route pattern

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(self.body.decode("utf-8"), keep_blank_values=True).items()}


@dataclass
class Response:
    status: int = 200
    body: Any = None  # JSON-serialisable, bytes sent as they are, or an iterator of bytes streamed (chunked)
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body).encode("utf-8")


Handler = Callable[[Request], Response]


@dataclass
class Fault:
    """One scripted misbehaviour for requests whose path starts with ``path``."""

    path: str
    kind: str  # "status" | "latency" | "drop" | "lose_answer" (done, then the connection dropped: the answer lost)
    times: int = 1
    status: int = 503
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    KINDS = ("status", "latency", "drop", "lose_answer")

    def __post_init__(self) -> None:
        if self.kind not in self.KINDS:
            raise ValueError(f"fault kind must be one of {self.KINDS}, not {self.kind!r}")


class DropConnection(Exception):
    """Raised inside the server to close the socket without an answer, like a dying load balancer."""


@dataclass
class LoggedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    status: int
    at: float


class Emulator:
    """Routes plus the shared control surface. Subclasses add routes in ``__init__`` via ``route``."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._faults: list[Fault] = []
        self._lock = threading.RLock()
        self.requests: list[LoggedRequest] = []
        self.route("POST", "/_emulator/faults", self._control_add_fault)
        self.route("DELETE", "/_emulator/faults", self._control_clear_faults)
        self.route("GET", "/_emulator/requests", self._control_requests)

    # -- routing ---------------------------------------------------------------------------------
    def route(self, method: str, pattern: str, handler: Handler) -> None:
        """``pattern`` is a path with ``{name}`` placeholders, matched whole."""
        regex = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern) + "$")
        self._routes.append((method, regex, handler))

    def dispatch(self, request: Request) -> Response:
        losing_the_answer = self._apply_faults(request)  # the other faults answer instead of the handler
        response = self._route(request)
        if losing_the_answer:
            raise DropConnection()  # what was asked is done; its answer never leaves
        return response

    def _route(self, request: Request) -> Response:
        allowed = []
        for method, regex, handler in self._routes:
            match = regex.match(request.path)
            if not match:
                continue
            if method != request.method:
                allowed.append(method)
                continue
            request.params = match.groupdict()
            return handler(request)
        if allowed:
            return self.method_not_allowed(request)
        return self.not_found(request)

    def not_found(self, request: Request) -> Response:
        return Response(404, {"error": "not_found", "path": request.path})

    def method_not_allowed(self, request: Request) -> Response:
        return Response(405, {"error": "method_not_allowed", "path": request.path})

    # -- faults ----------------------------------------------------------------------------------
    def inject(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def faults(self) -> list[Fault]:
        """The faults injected and not used up yet: a request that met a fault has arrived."""
        with self._lock:
            return list(self._faults)

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if path.startswith(fault.path):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def _apply_faults(self, request: Request) -> bool:
        """Play the request's fault, if it has one; True when its answer is to be lost once it is handled."""
        if request.path.startswith("/_emulator/"):
            return False
        fault = self._take_fault(request.path)
        if fault is None:
            return False
        if fault.kind == "latency":
            time.sleep(fault.seconds)
        elif fault.kind == "drop":
            raise DropConnection()
        elif fault.kind == "status":
            raise FaultResponse(Response(fault.status, fault.body, dict(fault.headers)))
        return fault.kind == "lose_answer"

    def _control_add_fault(self, request: Request) -> Response:
        try:
            self.inject(Fault(**request.json()))
        except (TypeError, ValueError) as exc:
            return Response(400, {"error": str(exc)})
        return Response(201, {"ok": True})

    def _control_clear_faults(self, request: Request) -> Response:
        self.clear_faults()
        return Response(200, {"ok": True})

    def _control_requests(self, request: Request) -> Response:
        with self._lock:
            logged = [vars(entry) for entry in self.requests]
        return Response(200, {"requests": logged})

    def count_requests(self, method: str, path_prefix: str) -> int:
        with self._lock:
            return sum(1 for r in self.requests if r.method == method and r.path.startswith(path_prefix))

    def log(self, request: Request, status: int) -> None:
        if request.path.startswith("/_emulator/"):
            return
        with self._lock:
            self.requests.append(LoggedRequest(request.method, request.path, request.query, status, time.time()))


class FaultResponse(Exception):
    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


class _RequestHandler(BaseHTTPRequestHandler):
    emulator: Emulator  # set on the per-server subclass
    protocol_version = "HTTP/1.1"

    def _handle(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        request = Request(
            method=self.command,
            path=url.path,
            query=parse_qs(url.query, keep_blank_values=True),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=self.rfile.read(length) if length else b"",
        )
        try:
            response = self.emulator.dispatch(request)
        except DropConnection:
            self.emulator.log(request, 0)
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        except FaultResponse as fault:
            response = fault.response
        self.emulator.log(request, response.status)
        if isinstance(response.body, Iterator):
            self._stream(response)
            return
        payload = response.encoded()
        self.send_response(response.status)
        headers = {"Content-Type": "application/json; charset=utf-8", **response.headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _stream(self, response: Response) -> None:
        """One long chunked answer, a chunk per item, until the iterator ends (or raises DropConnection to
        end it without the closing chunk, as a broken connection does)."""
        self.close_connection = True
        self.send_response(response.status)
        for name, value in {"Content-Type": "application/json; charset=utf-8", **response.headers}.items():
            self.send_header(name, value)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            for chunk in response.body:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        except DropConnection:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # the client went away
        finally:
            response.body.close()  # runs the stream's own clean-up, however it ended

    do_GET = do_POST = do_PUT = do_DELETE = _handle

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        """Quiet: the request log above is the record; stderr noise would drown the demo."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class Serving:
    """An emulator served on a real socket from a background thread. ``with Serving(emu) as url:``."""

    def __init__(self, emulator: Emulator, host: str = "127.0.0.1", port: int = 0) -> None:
        handler = type("BoundHandler", (_RequestHandler,), {"emulator": emulator})
        self.emulator = emulator
        self._server = _Server((host, port), handler)
        # A short poll interval: shutdown() waits up to one interval, and tests start and stop many servers.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name=type(emulator).__name__,
                                        daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> str:
        self._thread.start()
        return self.url

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


