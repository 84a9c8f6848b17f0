"""The Slack app's card changes on a real Redis: made once however many press at once, and never without
their event."""

from __future__ import annotations

import threading

import pytest
import redis

from birdhouse.models import Mark
from birdhouse.store.cards import DONE, OPEN, CardStore
from birdhouse.store.events import Event, EventKind, EventLog

PEOPLE = [f"U{n}" for n in range(8)]


def pressed_at_once(press) -> list[bool]:
    barrier = threading.Barrier(len(PEOPLE))
    results: dict[str, bool] = {}

    def one(user: str) -> None:
        barrier.wait()
        results[user] = press(user)

    threads = [threading.Thread(target=one, args=(user,)) for user in PEOPLE]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [results[user] for user in PEOPLE]


@pytest.mark.parametrize("kind", [EventKind.CLAIM, EventKind.DONE])
def test_eight_people_pressing_at_once_make_one_change_and_one_event(redis_conn: redis.Redis, kind: EventKind):
    def press(user: str) -> bool:
        connection = redis.Redis(connection_pool=redis_conn.connection_pool)
        cards, mark = CardStore(connection), Mark(user, 1.0)
        record = lambda pipe: EventLog(pipe).record(Event(kind, 1.0, "m1", user=user))  # noqa: E731
        if kind == EventKind.CLAIM:
            return cards.claim("m1", mark, record)
        return cards.change_status("m1", OPEN, DONE, mark, record)

    results = pressed_at_once(press)

    assert results.count(True) == 1
    [event] = EventLog(redis_conn).between(0, 2, {kind})
    state = CardStore(redis_conn).get("m1")
    winner = PEOPLE[results.index(True)]
    assert event.user == winner
    assert (state.claimed_by if kind == EventKind.CLAIM else state.status_by).user == winner


def test_a_change_whose_event_cannot_be_written_is_not_made(redis_conn: redis.Redis):
    def cannot_record(pipe: redis.client.Pipeline) -> None:
        raise RuntimeError("the event could not be written")

    with pytest.raises(RuntimeError):
        CardStore(redis_conn).change_status("m1", OPEN, DONE, Mark("U1", 1.0), cannot_record)
    assert CardStore(redis_conn).get("m1").status == OPEN
    assert CardStore(redis_conn).unclaim("m1", "U1", lambda pipe: None) is False  # nobody holds it


def test_a_change_tried_again_after_its_answer_was_lost_is_seen_as_made_not_refused(redis_conn: redis.Redis):
    cards, events = CardStore(redis_conn), []
    alice, bob = Mark("U1", 1.0), Mark("U2", 1.0)
    assert cards.claim("m1", alice, events.append)
    assert cards.claim("m1", alice, events.append)  # the same press again: EXEC ran, its answer did not arrive
    assert not cards.claim("m1", bob, events.append)  # someone else: refused
    assert len(events) == 1  # the event was queued with the change, once
