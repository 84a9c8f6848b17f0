"""What many tests use, defined once: a clock moved by hand, waiting on a condition, reading Slack messages
the way a person reads them (sections, buttons), and a mention card to press buttons on."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from birdhouse.settings import Settings
from birdhouse.store import EventLog
from tests.conftest import MENTIONS, Stack
from workers.drain import drain_all
from workers.runner import POSTERS
from workers.stream import ActivityStream

T = TypeVar("T")

# A wait ends as soon as its condition holds; this bound only stops a broken test from hanging the run, and is
# far beyond what any loaded machine needs.
GIVE_UP_SECONDS = 60.0


class FakeClock:
    """A clock a test moves by hand (``advance``), for anything that waits on time: no sleeping."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def eventually(condition: Callable[[], T]) -> T:
    """``condition()`` once it is truthy: for what happens in another thread or process (the app after its ack,
    a worker process)."""
    deadline = time.monotonic() + GIVE_UP_SECONDS
    while not (result := condition()):
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.01)
    return result


def worked_until(stack: Stack, condition: Callable[[], T]) -> T:
    """``condition()`` once it holds, running the queued jobs (a real RQ worker, in bursts) while waiting: for
    what the stream client queues from its thread."""
    return eventually(lambda: (stack.work(), condition())[1])


def at_once(*calls: Callable[[], object]) -> None:
    """Each call in a thread of its own, all let go at the same moment (as workers at once), and back when all
    are done."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], object]) -> None:
        start.wait()
        call()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def drained_by_two_workers_at_once(stack: Stack) -> None:
    """Every outbox drained by two workers' drains at the same moment (each posts only under a channel's lease)."""
    at_once(*[lambda: drain_all(stack.ctx, POSTERS)] * 2)


def reconfigured(stack: Stack, **variables: str) -> Stack:
    """The same emulators and Redis under other settings (``BIRDHOUSE_INGEST="stream"``, say)."""
    stack.close()
    environment = {**stack.environment, **variables}
    return Stack(stack.x, stack.slack, Settings.load(environ=environment, dotenv=None), stack.redis, environment)


@contextmanager
def streaming(stack: Stack) -> Iterator[ActivityStream]:
    """The stream client running in its thread, as a worker runs it, until the block ends."""
    client = ActivityStream(stack.ctx)
    stop = threading.Event()
    thread = threading.Thread(target=client.run, args=(stop,), name="test-stream", daemon=True)
    thread.start()
    try:
        yield client
    finally:
        stop.set()
        stack.x.activity.streams.disconnect(abrupt=True)  # wakes its blocked read
        thread.join(GIVE_UP_SECONDS)


def tweet_ids(stack: Stack) -> list[str]:
    return [card["metadata"]["event_payload"]["tweet_id"] for card in stack.cards()]


def free_port() -> int:
    """A loopback port nothing listens on, for a server a test starts as a separate process."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def forbid_sleeping(seconds: float) -> None:
    """Put in place of ``time.sleep`` where nothing may wait (a worker never sleeps on a rate limit)."""
    raise AssertionError(f"slept {seconds} s")


def section(message: dict[str, Any], block_id: str) -> str:
    """The text of the section ``block_id``; empty when there is none."""
    return next((b["text"]["text"] for b in message["blocks"] if b.get("block_id") == block_id), "")


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The buttons of a card (it has one actions block), by action_id."""
    (actions,) = [b for b in message["blocks"] if b["type"] == "actions"]
    return {element["action_id"]: element for element in actions["elements"]}


# -- mention cards in the stack ---------------------------------------------------------------------------
def card_for(stack: Stack, text: str = "@acme my order 1234 never arrived",
             username: str = "carol") -> tuple[dict, dict]:
    """(the posted card, the X post) for a new mention, with the app served."""
    author = stack.x.add_user(username, name=username.capitalize(), followers_count=300)
    post = stack.x.post(author["id"], text)
    stack.poll_mentions()
    if stack.slack.request_url is None:
        stack.serve_app()
    card = next(m for m in stack.cards() if m["metadata"]["event_payload"]["tweet_id"] == post["id"])
    return card, post


def current(stack: Stack, card: dict) -> dict:
    return stack.slack.message(MENTIONS, card["ts"])


def click(stack: Stack, user: str, card: dict, action_id: str) -> None:
    answer = stack.slack.click(user, MENTIONS, card["ts"], action_id)
    assert answer.status == 200, answer.text


def events(stack: Stack, kind: str) -> list:
    return [event for event in EventLog(stack.redis).between(0, 2e10) if event.kind == kind]


def notes_to(stack: Stack, user: str) -> list[str]:
    return [ephemeral["text"] for ephemeral in stack.slack.ephemerals(user=user)]
