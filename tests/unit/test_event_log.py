"""The event log's indexes on a real Redis: the open queue read through them is the queue a whole month of
events gives, an upgraded log is indexed once at the first read, and nothing is kept past the retention."""

from __future__ import annotations

import json
import random
from dataclasses import asdict

import redis

from birdhouse.defaults import DAY, STATS_RETENTION_SECONDS
from birdhouse.stats import open_queue
from birdhouse.store.events import Event, EventKind, EventLog

START = 1_800_000_000.0
ACTIONS = [EventKind.REPLY, EventKind.DONE, EventKind.DISMISS, EventKind.REOPEN, EventKind.CLAIM,
           EventKind.UNCLAIM, EventKind.ESCALATE, EventKind.LIKE]


def scripted_day(seed: int, mentions: int = 120) -> list[Event]:
    """Mentions of every kind and, after each, a random run of actions on it (some failing), in time order."""
    rng = random.Random(seed)
    events = []
    for number in range(mentions):
        at = START + number * 60
        mention_id = str(number)
        events.append(Event(EventKind.MENTION, at, mention_id,
                            data={"kind": rng.choice(["question", "complaint", "praise", "other"]),
                                  "author_id": f"u{number % 7}"}))
        for step in range(rng.randrange(4)):
            events.append(Event(rng.choice(ACTIONS), at + 10 + step, mention_id, user="U1",
                                result=rng.choice(["ok", "ok", "ok", "duplicate"])))
    return sorted(events, key=lambda event: event.at)


def test_the_open_queue_read_through_the_index_is_the_queue_the_whole_log_gives(redis_conn: redis.Redis):
    log = EventLog(redis_conn)
    for seed in range(5):
        redis_conn.flushdb()
        for event in scripted_day(seed):
            log.record(event)
        end = START + DAY
        from_index = open_queue(log.awaiting_answer(START - DAY, end))
        assert from_index == open_queue(log.between(START - DAY, end))
        assert len(from_index) > 10  # the script leaves a good part of the queue open
        # The index itself holds no more than the open items and those reopened after a reply.
        assert redis_conn.zcard(EventLog.AWAITING) < len(from_index) * 1.5
        assert log.build_indexes() == 0  # a log begun with its indexes is never read whole to build them


def test_a_log_written_before_the_indexes_is_indexed_once_at_the_first_read(redis_conn: redis.Redis):
    log = EventLog(redis_conn)
    events = scripted_day(seed=7)
    # Many events at one time, more than a page: paging by time must read past them.
    events += [Event(EventKind.LIKE, START + DAY, str(number), user="U2") for number in range(30)]
    for event in events:  # as the earlier version wrote them: the log alone
        redis_conn.zadd(EventLog.KEY, {json.dumps(asdict(event), sort_keys=True): event.at})
    whole_log = open_queue(log.between(0, START + 2 * DAY))

    assert log.build_indexes(batch=8) == len(events)
    assert open_queue(log.awaiting_answer(0, START + 2 * DAY)) == whole_log
    assert log.build_indexes() == 0  # once
    assert redis_conn.zcard(EventLog.KEY) == len(events)  # indexing adds nothing to the log itself


def test_the_first_read_of_an_upgraded_log_builds_its_indexes(redis_conn: redis.Redis):
    event = Event(EventKind.MENTION, START, "1", data={"kind": "complaint", "author_id": "u1"})
    redis_conn.zadd(EventLog.KEY, {json.dumps(asdict(event), sort_keys=True): event.at})
    log = EventLog(redis_conn)
    assert [item.mention_id for item in open_queue(log.awaiting_answer(0, START + 1))] == ["1"]
    assert log.latest_mentions(["u1"], since=0) == {"u1": START}


def test_nothing_is_kept_past_the_retention(redis_conn: redis.Redis):
    log = EventLog(redis_conn)
    old = Event(EventKind.MENTION, START, "old", data={"kind": "question", "author_id": "u1"})
    log.record(old)
    log.record(Event(EventKind.CLAIM, START + 5, "old", user="U1"))
    later = START + 5 + STATS_RETENTION_SECONDS + 1
    log.record(Event(EventKind.MENTION, later, "new", data={"kind": "complaint", "author_id": "u2"}))

    assert [event.mention_id for event in log.between(0, later)] == ["new"]
    assert [item.mention_id for item in open_queue(log.awaiting_answer(0, later))] == ["new"]
    assert log.latest_mentions(["u1", "u2"], since=0) == {"u2": later}
    assert 0 < redis_conn.ttl(EventLog.OWN_PREFIX + "old") <= STATS_RETENTION_SECONDS  # goes by itself


def test_latest_mentions_tells_each_authors_newest_mention_within_the_window(redis_conn: redis.Redis):
    log = EventLog(redis_conn)
    for number, (author, at) in enumerate([("u1", START), ("u1", START + 50), ("u2", START + 10), ("u3", START - 99)]):
        log.record(Event(EventKind.MENTION, at, str(number), data={"kind": "praise", "author_id": author}))
    log.record(Event(EventKind.MENTION, START - 5, "late-read", data={"kind": "praise", "author_id": "u1"}))
    assert log.latest_mentions(["u1", "u2", "u3", "u4"], since=START - 20) == {"u1": START + 50, "u2": START + 10}
