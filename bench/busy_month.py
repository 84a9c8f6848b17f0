"""What a busy month's event log costs the surfaces that read it (`make bench`).

Writes 30 days of events at 3,000 mentions a day (a third of them questions and complaints, most answered or
closed, some claimed or liked) to a private Redis, as the poller and the buttons record them, and then times
what reads them: the open queue (`/birdhouse queue`, the App Home, the SLA check every minute) through the
index, beside the same queue folded from the whole month; the 24 h, 7 d and 30 d stats; and the one-time
indexing of a log written before the indexes existed (an upgrade). Prints wall and CPU time and Redis memory.
"""

from __future__ import annotations

import json
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from birdhouse.dashboard import open_items, window_stats
from birdhouse.defaults import DAY
from birdhouse.redis_server import PrivateRedis, connect
from birdhouse.settings import VARIABLES, Settings
from birdhouse.stats import QUEUE_LOOKBACK, open_queue
from birdhouse.store.events import Event, EventKind, EventLog

DAYS = 30
MENTIONS_PER_DAY = 3_000
END = 1_700_000_000.0  # in the past: the log trims by its events' own times
SEED = 12


def month_of_events() -> list[Event]:
    rng = random.Random(SEED)
    events = []
    for number in range(DAYS * MENTIONS_PER_DAY):
        at = END - DAYS * DAY + number * DAY / MENTIONS_PER_DAY
        kind = rng.choices(["question", "complaint", "praise", "other"], [2, 1, 2, 4])[0]
        mention_id = str(10**18 + number)
        events.append(Event(EventKind.MENTION, at, mention_id, data={"kind": kind, "author_id": str(rng.randrange(50_000))}))
        if kind in ("question", "complaint"):
            events.append(Event(EventKind.CLAIM, at + 60, mention_id, user="U1"))
            closing = rng.choices([EventKind.REPLY, EventKind.DONE, EventKind.DISMISS, None], [6, 2, 1, 0.2])[0]
            if closing:
                events.append(Event(closing, at + 600, mention_id, user="U2"))
        elif rng.random() < 0.2:
            events.append(Event(EventKind.LIKE, at + 120, mention_id, user="U3"))
    return sorted(events, key=lambda event: event.at)


def timed(what: str, call: Callable[[], Any]) -> Any:
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    print(f"  {what:<46} {time.perf_counter() - wall:7.3f} s wall, {time.process_time() - cpu:7.3f} s CPU here")
    return result


def used_mib(connection) -> float:
    return connection.info("memory")["used_memory"] / 2**20


def main() -> int:
    events = month_of_events()
    # Only the SLA settings are read here; the credentials are placeholders nothing is sent with.
    required = {variable.name: "x" for variable in VARIABLES if variable.default is None and not variable.optional}
    settings = Settings.load(required | {"SLACK_BOT_TOKEN": "xoxb-bench"}, dotenv=None)
    with tempfile.TemporaryDirectory() as scratch:
        server = PrivateRedis(Path(scratch) / "redis")
        connection = connect(server.start())
        try:
            log = EventLog(connection)
            print(f"{len(events):,} events over {DAYS} days ({MENTIONS_PER_DAY:,} mentions a day)")
            empty = used_mib(connection)

            def record() -> None:
                for start in range(0, len(events), 500):
                    with connection.pipeline(transaction=False) as pipe:
                        for event in events[start:start + 500]:
                            EventLog(pipe).record(event)
                        pipe.execute()
            timed("record every event, with its indexes", record)
            print(f"  Redis memory: {used_mib(connection) - empty:.1f} MiB for the log and its indexes")

            now = END + DAY  # every event has happened: the index tells the present
            since = now - QUEUE_LOOKBACK.total_seconds()
            timed("open queue (/birdhouse queue, Home, SLA)", lambda: open_items(connection, now))
            indexed = timed("  of which the index read and its fold", lambda: open_queue(log.awaiting_answer(since, now)))
            whole = timed("the same queue folded from the whole month", lambda: open_queue(log.between(since, now)))
            print(f"  open items: {len(whole):,}; the index and the whole month agree: {indexed == whole}")
            for window in ("24h", "7d", "30d"):
                timed(f"/birdhouse stats {window}", lambda window=window: window_stats(connection, settings, window, END))

            connection.flushdb()
            with connection.pipeline(transaction=False) as pipe:
                for event in events:  # an upgrade: the log as the earlier version wrote it, no indexes
                    pipe.zadd(EventLog.KEY, {json.dumps(asdict(event), sort_keys=True): event.at})
                pipe.execute()
            # A process of the new version meeting that log: its EventLog has not seen the indexes yet.
            timed("index a log written before the indexes (once)", EventLog(connection).build_indexes)
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
