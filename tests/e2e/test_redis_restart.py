"""A Redis restart (issue 12, faults): ``birdhouse web`` and ``birdhouse run``, real processes as an operator
starts them, answer while Redis is away (stopped, or hanging), act on what comes once it is back, and are the
same processes afterwards. ``birdhouse worker`` under a restart mid-burst: ``tests/e2e/test_burst.py``."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from birdhouse.redis_server import PrivateRedis, connect
from birdhouse.settings import Settings
from emulators.slack import SlackEmulator
from emulators.x import XEmulator
from slackbot.views.notices import REDIS_AWAY
from tests.conftest import ALICE, MENTIONS, Stack, emulated_environment
from tests.helpers import card_for, current, eventually, events, free_port, notes_to, section, tweet_ids


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A Redis of the test's own, for it to stop and start: append-only, as ``birdhouse check`` asks."""
    server = PrivateRedis(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def port() -> int:
    """Where the test's ``birdhouse`` serves."""
    return free_port()


@pytest.fixture
def restartable(x_emulator: XEmulator, slack_emulator: SlackEmulator, redis_server: PrivateRedis,
                port: int) -> Iterator[Stack]:
    """The emulators and that Redis, with Slack delivering to the test's ``birdhouse``."""
    environment = emulated_environment(x_emulator, slack_emulator, redis_server.url)
    stack = Stack(x_emulator, slack_emulator, Settings.load(environ=environment, dotenv=None),
                  connect(redis_server.url), environment)
    slack_emulator.request_url = f"http://127.0.0.1:{port}/slack/events"
    yield stack
    stack.close()


@contextmanager
def birdhouse(stack: Stack, command: str, port: int, log: Path, **variables: str) -> Iterator[subprocess.Popen]:
    """``birdhouse command`` serving on ``port``, configured by the stack's environment alone."""
    inherited = {key: value for key, value in os.environ.items()
                 if not key.startswith(("SLACK_", "X_", "BIRDHOUSE_", "REDIS_URL"))}
    process = subprocess.Popen([sys.executable, "-m", "birdhouse", command, "--port", str(port)],
                               env={**inherited, **stack.environment, **variables}, cwd=log.parent,
                               stdout=subprocess.DEVNULL, stderr=log.open("w"))
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=20)


def health(port: int) -> tuple[int, Any] | None:
    """GET /healthz's status and body; None while nothing listens yet. A hang past 3 s fails the test."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=3) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())
    except urllib.error.URLError as unreachable:
        if isinstance(unreachable.reason, ConnectionRefusedError):
            return None
        raise


def healthy(port: int) -> bool:
    return health(port) == (200, {"ok": True})


def claimed_by_alice(stack: Stack, card: dict) -> bool:
    return "Claimed by <@U0ALICE>" in section(current(stack, card), "status")


def test_birdhouse_web_answers_while_redis_is_away_and_acts_once_it_is_back_in_the_same_process(
        restartable: Stack, redis_server: PrivateRedis, port: int, tmp_path: Path):
    stack = restartable
    card, _ = card_for(stack)
    log = tmp_path / "web.log"
    with birdhouse(stack, "web", port, log) as web:
        eventually(lambda: healthy(port))

        redis_server.stop()
        status, body = health(port)
        assert status == 503 and body["ok"] is False and body["redis"].startswith("away")
        # A press gets a prompt failure (Slack shows it), never a hang past Slack's 3 s (status 0), and the
        # presser is told why; /birdhouse answers the same in words.
        pressed = stack.slack.click(ALICE, MENTIONS, card["ts"], "mention.claim")
        assert (pressed.status, pressed.json()) == (503, {"error": "Redis is away"})
        asked = stack.slack.slash_command(ALICE, "/birdhouse", "stats", MENTIONS)
        assert asked.status == 200
        eventually(lambda: notes_to(stack, ALICE) == [REDIS_AWAY, REDIS_AWAY])  # stats answer after their ack

        redis_server.start()
        eventually(lambda: healthy(port))
        assert web.poll() is None  # the same process, still serving

        # The press during the outage did nothing, so pressing again is what a person does: it is acted on, once.
        assert stack.slack.click(ALICE, MENTIONS, card["ts"], "mention.claim").status == 200
        stack.work()
        assert claimed_by_alice(stack, card)
        assert [event.user for event in events(stack, "claim")] == [ALICE]
        assert stack.slack.slash_command(ALICE, "/birdhouse", "stats", MENTIONS).status == 200
        eventually(lambda: notes_to(stack, ALICE)[-1].startswith("Birdhouse stats"))
    assert "Traceback" not in log.read_text()  # an outage is a warning, not a crash


def test_birdhouse_run_polls_posts_and_answers_after_a_redis_restart_in_the_same_process(
        restartable: Stack, redis_server: PrivateRedis, port: int, tmp_path: Path):
    stack = restartable
    author = stack.x.add_user("dana")
    before = stack.x.post(author["id"], "@acme where is parcel 1?")
    log = tmp_path / "run.log"
    with birdhouse(stack, "run", port, log, BIRDHOUSE_POLL_INTERVAL="1") as run:
        eventually(lambda: tweet_ids(stack) == [before["id"]])

        redis_server.stop()
        eventually(lambda: re.search("Redis went away|Redis is away", log.read_text()))  # the worker met it
        redis_server.start()

        # The scheduler polls on, the drainer posts, the web app takes the press and the worker updates the card.
        after = stack.x.post(author["id"], "@acme where is parcel 2?")
        eventually(lambda: run.poll() is not None or tweet_ids(stack) == [before["id"], after["id"]])
        assert run.poll() is None  # the same process: it did not exit when RQ gave up on the lost Redis
        card = stack.cards()[-1]
        assert stack.slack.click(ALICE, MENTIONS, card["ts"], "mention.claim").status == 200
        eventually(lambda: claimed_by_alice(stack, card))
        assert run.poll() is None
    assert tweet_ids(stack) == [before["id"], after["id"]]  # each mention carded once


def test_birdhouse_web_answers_in_time_while_redis_hangs_and_acts_once_it_answers_again(
        restartable: Stack, port: int, tmp_path: Path):
    stack = restartable
    card, _ = card_for(stack)
    redis_pid = stack.redis.info("server")["process_id"]
    with birdhouse(stack, "web", port, tmp_path / "web.log") as web:
        eventually(lambda: healthy(port))

        os.kill(redis_pid, signal.SIGSTOP)  # a Redis that takes connections and never answers
        try:
            status, body = health(port)
            assert status == 503 and body["redis"].startswith("away")
            pressed = stack.slack.click(ALICE, MENTIONS, card["ts"], "mention.claim")
            assert pressed.status == 503  # within Slack's 3 s
            assert notes_to(stack, ALICE) == [REDIS_AWAY]
        finally:
            os.kill(redis_pid, signal.SIGCONT)

        eventually(lambda: healthy(port))
        assert stack.slack.click(ALICE, MENTIONS, card["ts"], "mention.claim").status == 200
        stack.work()
        assert claimed_by_alice(stack, card)
        assert [event.user for event in events(stack, "claim")] == [ALICE]
        assert web.poll() is None
