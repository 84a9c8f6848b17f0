"""The event log's indexes on a real Redis: the open queue read through them is the queue a whole month of
events gives, an upgraded log is indexed once by one process at the first read, and nothing is kept past the
retention."""

from __future__ import annotations

import json
import random
from dataclasses import asdict

import redis

from birdhouse.defaults import DAY, STATS_RETENTION_SECONDS
from birdhouse.stats import QUEUE_LOOKBACK, open_queue
from birdhouse.store.events import Event, EventKind, EventLog

START = 1_700_000_000.0  # in the past: the log trims by the events' own times, not by today's
MONTH = QUEUE_LOOKBACK.total_seconds()
ACTIONS = [EventKind.REPLY, EventKind.DONE, EventKind.DISMISS, EventKind.REOPEN, EventKind.CLAIM,
           EventKind.UNCLAIM, EventKind.ESCALATE, EventKind.LIKE]


def scripted_month(seed: int, mentions: int = 150) -> list[Event]:
    """Mentions of every kind over a month and, after each, a random run of actions on it (some failing)."""
    rng = random.Random(seed)
    events = []
    for number in range(mentions):
        at = START + number * MONTH / mentions
        mention_id = str(number)
        events.append(Event(EventKind.MENTION, at, mention_id,
                            data={"kind": rng.choice(["question", "complaint", "praise", "other"]),
                                  "author_id": f"u{number % 7}"}))
        for step in range(rng.randrange(5)):
            events.append(Event(rng.choice(ACTIONS), at + 10 + step, mention_id, user="U1",
                                result=rng.choice(["ok", "ok", "ok", "duplicate"])))
    return sorted(events, key=lambda event: event.at)


def still_awaiting(events: list[Event]) -> set[str]:
    """Questions and complaints whose latest change was to come in or be reopened: the index's contents (the
    open queue, and those reopened after a reply, which its fold leaves out)."""
    asked = {e.mention_id for e in events if e.kind == EventKind.MENTION and e.data["kind"] in ("question", "complaint")}
    waiting = set()
    for event in events:
        if event.mention_id in asked and event.result == "ok":
            if event.kind in (EventKind.MENTION, EventKind.REOPEN):
                waiting.add(event.mention_id)
            elif event.kind in (EventKind.REPLY, EventKind.DONE, EventKind.DISMISS):
                waiting.discard(event.mention_id)
    return waiting


def record_as_birdhouse_does(connection: redis.Redis, events: list[Event], rng: random.Random) -> None:
    """Some events one at a time, some a page at once, some inside a transaction with other writes."""
    log, position = EventLog(connection), 0
    while position < len(events):
        size = rng.randrange(1, 6)
        chunk, position = events[position:position + size], position + size
        way = rng.randrange(3)
        if way == 0:
            for event in chunk:
                log.record(event)
        elif way == 1:
            log.record_all(chunk)
        else:
            with connection.pipeline() as pipe:
                pipe.set("bh:test:other", "write")
                EventLog(pipe).record_all(chunk)
                pipe.execute()


def test_the_open_queue_read_through_the_index_is_the_queue_the_whole_log_gives(redis_conn: redis.Redis):
    log = EventLog(redis_conn)
    end = START + MONTH + DAY  # every event has happened
    for seed in range(5):
        redis_conn.flushdb()
        events = scripted_month(seed)
        record_as_birdhouse_does(redis_conn, events, random.Random(seed))
        assert {raw.decode() for raw in redis_conn.zrange(EventLog.AWAITING, 0, -1)} == still_awaiting(events)
        from_index = open_queue(log.awaiting_answer(end - MONTH, end))
        assert from_index == open_queue(log.between(end - MONTH, end))
        assert len(from_index) > 10  # the script leaves a good part of the queue open, claimed or not
        assert any(item.claimed_by for item in from_index) and any(item.escalated for item in from_index)
        assert log.build_indexes() and not redis_conn.exists(EventLog.BUILDING)  # a new log needs no build


def write_as_the_version_before(connection: redis.Redis, events: list[Event]) -> None:
    for event in events:  # the log alone, no indexes
        connection.zadd(EventLog.KEY, {json.dumps(asdict(event), sort_keys=True): event.at})


def test_a_log_written_before_the_indexes_is_indexed_once_at_the_first_read(redis_conn: redis.Redis):
    log = EventLog(redis_conn)
    events = scripted_month(seed=7)
    # More events at one time than a page holds, the last of them closing an item: paging must read past them.
    [first_open] = [item.mention_id for item in open_queue(events)][:1]
    tied_at = START + MONTH
    events += [Event(EventKind.LIKE, tied_at, str(number), user="U2") for number in range(30)]
    events += [Event(EventKind.DONE, tied_at, first_open, user="U2")]
    write_as_the_version_before(redis_conn, events)
    end = tied_at + 1
    whole_log = open_queue(log.between(end - MONTH, end))
    assert first_open not in {item.mention_id for item in whole_log}

    assert log.build_indexes(batch=8)
    assert open_queue(log.awaiting_answer(end - MONTH, end)) == whole_log
    assert redis_conn.zcard(EventLog.KEY) == len(events)  # indexing adds nothing to the log itself
    assert redis_conn.exists(EventLog.INDEXED) and not redis_conn.exists(EventLog.BUILDING)


def test_while_another_process_builds_the_indexes_readers_fold_the_log(redis_conn: redis.Redis):
    events = [Event(EventKind.MENTION, START, "1", data={"kind": "complaint", "author_id": "u1"}),
              Event(EventKind.MENTION, START + 1, "2", data={"kind": "question", "author_id": "u2"}),
              Event(EventKind.DISMISS, START + 2, "2", user="U1")]
    write_as_the_version_before(redis_conn, events)
    redis_conn.set(EventLog.BUILDING, "another process")
    log = EventLog(redis_conn)
    assert not log.build_indexes()
    assert [item.mention_id for item in open_queue(log.awaiting_answer(0, START + 9))] == ["1"]
    assert log.latest_mentions(["u1", "u2", "u3"], since=0) == {"u1": START, "u2": START + 1}
    assert not redis_conn.exists(EventLog.AWAITING)  # nothing indexed but by the builder

    redis_conn.delete(EventLog.BUILDING)  # that build died: its lease lapses, the next reader builds
    assert [item.mention_id for item in open_queue(log.awaiting_answer(0, START + 9))] == ["1"]
    assert redis_conn.zrange(EventLog.AWAITING, 0, -1) == [b"1"]


def test_nothing_is_kept_past_the_retention(redis_conn: redis.Redis):
    log = EventLog(redis_conn)
    log.record(Event(EventKind.MENTION, START, "old", data={"kind": "question", "author_id": "u1"}))
    log.record(Event(EventKind.CLAIM, START + 5, "old", user="U1"))
    later = START + 5 + STATS_RETENTION_SECONDS + 1
    log.record(Event(EventKind.MENTION, later, "new", data={"kind": "complaint", "author_id": "u2"}))

    assert [event.mention_id for event in log.between(0, later)] == ["new"]
    assert [item.mention_id for item in open_queue(log.awaiting_answer(0, later))] == ["new"]
    assert redis_conn.zrange(EventLog.ASKED, 0, -1) == [b"new"]
    assert log.latest_mentions(["u1", "u2"], since=0) == {"u2": later}
    assert 0 < redis_conn.ttl(EventLog.OWN_PREFIX + "old") <= STATS_RETENTION_SECONDS  # goes by itself


def test_an_event_from_a_clock_far_ahead_does_not_empty_the_log(redis_conn: redis.Redis):
    log = EventLog(redis_conn)
    now = redis_conn.time()[0]
    log.record(Event(EventKind.MENTION, now - DAY, "1", data={"kind": "question", "author_id": "u1"}))
    log.record(Event(EventKind.LIKE, now + 60 * DAY, "1", user="U1"))
    assert [event.kind for event in log.between(0, now + 90 * DAY)] == ["mention", "like"]
    assert [item.mention_id for item in open_queue(log.awaiting_answer(0, now))] == ["1"]


def test_latest_mentions_tells_each_authors_newest_mention_within_the_window(redis_conn: redis.Redis):
    log = EventLog(redis_conn)
    for number, (author, at) in enumerate([("u1", START), ("u1", START + 50), ("u2", START + 10), ("u3", START - 99)]):
        log.record(Event(EventKind.MENTION, at, str(number), data={"kind": "praise", "author_id": author}))
    log.record(Event(EventKind.MENTION, START - 5, "read-late", data={"kind": "praise", "author_id": "u1"}))
    assert log.latest_mentions(["u1", "u2", "u3", "u4"], since=START - 20) == {"u1": START + 50, "u2": START + 10}
