"""The server side of RFC 6455, as much of it as Socket Mode uses: the opening handshake, text, ping, pong
and close frames. Stdlib only, so the emulator needs nothing installed; clients must mask their frames,
the server never does (RFC 6455 section 5.1).
"""

from __future__ import annotations

import base64
import hashlib
import socket
import struct
import threading
from dataclasses import dataclass

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA
_MAX_HEADER = 64 * 1024


class ConnectionClosed(Exception):
    pass


@dataclass
class Handshake:
    path: str  # with its query
    headers: dict[str, str]  # lower-cased names


def accept_key(client_key: str) -> str:
    return base64.b64encode(hashlib.sha1(client_key.encode() + _GUID).digest()).decode()


def read_handshake(sock: socket.socket) -> Handshake:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk or len(data) > _MAX_HEADER:
            raise ConnectionClosed("no complete handshake")
        data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    _method, path, _version = head[0].split(" ", 2)
    headers = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return Handshake(path, headers)


def http_answer(status: str, body: str = "") -> bytes:
    """A refusal before the upgrade, as an HTTP server answers it."""
    return (f"HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {len(body.encode())}\r\n"
            f"Connection: close\r\n\r\n{body}").encode()


def switching_protocols(client_key: str) -> bytes:
    return ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Accept: {accept_key(client_key)}\r\n\r\n").encode()


def frame(opcode: int, payload: bytes) -> bytes:
    length = len(payload)
    if length < 126:
        header = struct.pack("!BB", 0x80 | opcode, length)
    elif length < 1 << 16:
        header = struct.pack("!BBH", 0x80 | opcode, 126, length)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 127, length)
    return header + payload


class WebSocket:
    """One accepted connection. ``receive()`` from one thread; ``send_*`` from any."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._send_lock = threading.Lock()
        self._buffer = b""

    def _read(self, count: int) -> bytes:
        while len(self._buffer) < count:
            try:
                chunk = self.sock.recv(65536)
            except OSError as error:
                raise ConnectionClosed(str(error)) from error
            if not chunk:
                raise ConnectionClosed("peer closed")
            self._buffer += chunk
        data, self._buffer = self._buffer[:count], self._buffer[count:]
        return data

    def receive(self) -> tuple[int, bytes]:
        """The next whole message as ``(opcode, payload)``; fragments are joined."""
        opcode, parts = None, []
        while True:
            first, second = self._read(2)
            length = second & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", self._read(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", self._read(8))
            mask = self._read(4) if second & 0x80 else b""
            payload = self._read(length)
            if mask:
                payload = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
            kind = first & 0x0F
            if kind >= 0x8:  # control frames may come between fragments and are never fragmented
                return kind, payload
            opcode = kind or opcode
            parts.append(payload)
            if first & 0x80:
                return opcode or TEXT, b"".join(parts)

    def _send(self, data: bytes) -> None:
        with self._send_lock:
            try:
                self.sock.sendall(data)
            except OSError as error:
                raise ConnectionClosed(str(error)) from error

    def send_text(self, text: str) -> None:
        self._send(frame(TEXT, text.encode("utf-8")))

    def send_ping(self, payload: bytes) -> None:
        self._send(frame(PING, payload))

    def send_pong(self, payload: bytes) -> None:
        self._send(frame(PONG, payload))

    def send_close(self, code: int = 1000, reason: str = "") -> None:
        self._send(frame(CLOSE, struct.pack("!H", code) + reason.encode()))

    def reset(self) -> None:
        """Close with a TCP reset and no close frame, as a connection lost in the network looks to the client."""
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            # Wakes the thread blocked reading this socket, so it lets go and the close (the reset) happens now.
            self.sock.shutdown(socket.SHUT_RD)
        except OSError:
            pass
        self.close()

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass
