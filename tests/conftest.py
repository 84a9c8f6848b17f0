"""Fixtures every test shares: a real Redis, both emulators on loopback ports, and ``stack``, the whole
system wired together the way ``birdhouse run`` wires it (real tweepy, slack_sdk, Bolt, RQ and Redis)."""

from __future__ import annotations

import errno
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import redis
from slack_sdk.socket_mode import SocketModeClient

from birdhouse import jobs
from birdhouse_cli.demo import CHANNELS, FOLLOWERS, MENTIONS, SUPPORT, environment
from birdhouse.redis_server import PrivateRedis, connect
from birdhouse.settings import Settings
from birdhouse.slackclient import POST_BURST
from emulators.http import Serving
from emulators.slack import SlackEmulator
from emulators.x import XEmulator
from slackbot.app import create_app
from slackbot.socket_mode import socket_mode_handler
from slackbot.web import server, x_webhook_secret
from workers.context import Context, install
from workers.runner import run_worker

from tests.isolation import OutsideReads

if TYPE_CHECKING:
    from tests.helpers import FakeClock

OUTSIDE_READS = OutsideReads(Path(__file__).resolve().parents[1])


def pytest_configure(config: pytest.Config) -> None:
    sys.addaudithook(OUTSIDE_READS)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if OUTSIDE_READS.found:
        session.config.get_terminal_writer().line(
            "Tests read files outside the repo, which a fresh clone does not have: "
            + ", ".join(sorted(OUTSIDE_READS.found)), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


ALICE, BOB, MALLORY = "U0ALICE", "U0BOB", "U0MALLORY"  # Alice and Bob are the social team; Mallory is not
TEAM_GROUP = "S0SOCIAL"
TEST_PACE = 50  # times Slack's real pace: 50 messages a second per channel
DEMO_PACE = "4"  # `birdhouse demo --pace`: its scripted first minute in a quarter of one


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Redis of the test session's own (flushed freely, shared with no one), started the way the CLI
    starts one; BIRDHOUSE_TEST_REDIS_URL points the tests at another server instead."""
    if url := os.environ.get("BIRDHOUSE_TEST_REDIS_URL"):
        yield url
        return
    with PrivateRedis(tmp_path_factory.mktemp("redis")) as server:
        yield server.url


@pytest.fixture
def redis_conn(redis_url: str) -> Iterator[redis.Redis]:
    connection = connect(redis_url)
    connection.flushdb()
    yield connection
    connection.flushdb()


@pytest.fixture
def x_emulator() -> Iterator[XEmulator]:
    emulator = XEmulator(brand_username="acme")
    serving = Serving(emulator)
    emulator.url = serving.start()
    yield emulator
    serving.stop()


@pytest.fixture
def slack_emulator() -> Iterator[SlackEmulator]:
    emulator = SlackEmulator()
    for channel_id, name in CHANNELS.items():
        emulator.add_channel(channel_id, name)
    for user_id, name in ((ALICE, "alice"), (BOB, "bob"), (MALLORY, "mallory")):
        emulator.add_user(user_id, name)
    emulator.add_usergroup(TEAM_GROUP, "social", [ALICE, BOB])
    # Slack's pace, TEST_PACE times faster: Birdhouse paces itself to match (BIRDHOUSE_SLACK_PACE).
    emulator.set_rate_limit("chat.postMessage", per_channel_per_second=TEST_PACE, burst=POST_BURST)
    serving = Serving(emulator)
    emulator.url = serving.start()
    yield emulator
    serving.stop()


def emulated_environment(x: XEmulator, slack: SlackEmulator, redis_url: str) -> dict[str, str]:
    """The demo's configuration (same channels), with the test team, a slow poll the tests drive themselves, and
    Slack's pace sped up as the emulator's is."""
    return {**environment(x, slack, redis_url), "BIRDHOUSE_TEAM": TEAM_GROUP, "BIRDHOUSE_POLL_INTERVAL": "60",
            "BIRDHOUSE_SLACK_PACE": str(TEST_PACE)}


class Stack:
    """The system under test. ``work()`` runs a real RQ worker until the queues are empty."""

    def __init__(self, x: XEmulator, slack: SlackEmulator, settings: Settings, connection: redis.Redis,
                 environment: dict[str, str]) -> None:
        self.x, self.slack, self.settings, self.redis = x, slack, settings, connection
        self.environment = environment
        self.ctx = Context(settings, connection)
        install(self.ctx)
        self._web = None
        self._socket_mode = None

    def use_clock(self, clock: FakeClock) -> None:
        """Workers, and the app served after this, read ``clock`` instead of the time (the emulators do not)."""
        self.ctx.clock = clock

    def work(self) -> None:
        run_worker(self.ctx, burst=True, forking=False)

    def poll_mentions(self) -> None:
        jobs.run_periodic(self.redis, jobs.Job.POLL_MENTIONS)
        self.work()

    def cards(self, channel: str = MENTIONS) -> list[dict]:
        return self.slack.messages(channel)

    def serve_app(self, port: int = 0) -> str:
        """Serve the Bolt app over HTTP and point the Slack emulator's deliveries at it."""
        self._web = server(create_app(self.settings, self.redis, self.ctx.clock), self.redis,
                           self.settings.slack_signing_secret, "127.0.0.1", port,
                           x_consumer_secret=x_webhook_secret(self.settings))
        threading.Thread(target=serve_until_closed, args=(self._web,), daemon=True).start()
        url = f"http://127.0.0.1:{self._web.effective_port}"
        self.slack.request_url = url + "/slack/events"
        return url

    def serve_socket_mode(self) -> None:
        """Connect the Bolt app over Socket Mode, as ``birdhouse socket`` does, and have the Slack emulator deliver
        every interaction there. A quick ping beat, so a dropped connection is reopened at once."""
        self.slack.delivery = "socket_mode"
        self._socket_mode = socket_mode_handler(create_app(self.settings, self.redis, self.ctx.clock),
                                                self.slack.app_token, ping_interval=0.2)
        self._socket_mode.connect()

    def close(self) -> None:
        if self._web is not None:
            self._web.close()
            self._web = None
        if self._socket_mode is not None:
            close_at_once(self._socket_mode.client, self.slack)
            self._socket_mode = None
        install(None)


def serve_until_closed(web: Any) -> None:
    """Run a waitress server until ``close()``, which closes its sockets under the loop's select (EBADF)."""
    try:
        web.run()
    except OSError as exc:
        if exc.errno != errno.EBADF:
            raise


def close_at_once(client: SocketModeClient, slack: SlackEmulator) -> None:
    """Close a Socket Mode client without waiting out its timeouts: its blocked read and its message queue are
    woken, so close() joins threads that are already done."""
    client.auto_reconnect_enabled = False
    client.current_session_state.terminated = True
    slack.socket_mode.drop()  # wakes the blocked read
    client.closed = True  # the message processor stops at its next message, which this is (not its 1 s poll)
    client.message_queue.put(None)
    client.close()


@pytest.fixture
def stack(x_emulator: XEmulator, slack_emulator: SlackEmulator, redis_conn: redis.Redis,
          redis_url: str) -> Iterator[Stack]:
    environment = emulated_environment(x_emulator, slack_emulator, redis_url)
    settings = Settings.load(environ=environment, dotenv=None)
    system = Stack(x_emulator, slack_emulator, settings, redis_conn, environment)
    yield system
    system.close()
