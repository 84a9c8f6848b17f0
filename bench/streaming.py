"""Streaming against polling, in one run: the same live traffic through the real pipeline twice, once with
``BIRDHOUSE_INGEST=poll`` and once with ``stream`` (X emulator → Activity stream or mentions timeline → worker
process → Redis → Slack emulator).

Prints, for each mode: mention-to-card p50 and p99 (posted on X to the card in Slack), and what X was asked
for per mention: requests, items read and items billed, as Birdhouse's own usage ledger counts them (the stream
connection is one request; each event on it an item). The stream window includes one reconciling poll, which
in production comes every 15 minutes: more than its share of so short a window.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from _rig import Rig, percentile

from birdhouse.store.usage import UsageStore, utc_day

LIVE_MENTIONS = 60
LIVE_RATE_PER_SECOND = 2.0
POLL_INTERVAL = "5"  # the demo's pace: 12 polls a minute (the default is 60 s, with a 30 s average wait)
GOAL_P50, GOAL_P99 = 0.5, 1.5


def usage(rig: Rig) -> dict[str, int]:
    day = UsageStore(rig.connection).day(utc_day(time.time()))
    totals = {"requests": 0, "items": 0, "billed": 0}
    for key, value in day.items():
        totals[key.rsplit(":", 1)[1]] += value
    return totals


def wait_for(condition, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


def run(mode: str) -> tuple[list[float], dict[str, int]]:
    with tempfile.TemporaryDirectory(prefix="birdhouse-bench-") as folder, Rig(Path(folder)) as rig:
        rig.env.update({"BIRDHOUSE_INGEST": mode, "BIRDHOUSE_POLL_INTERVAL": POLL_INTERVAL})
        mentions_path = f"/2/users/{rig.x.brand['id']}/mentions"
        author = rig.x.add_user("live_author")
        worker = rig.worker()
        try:
            # Steady state: the first poll has run (and, streaming, the stream is open).
            assert wait_for(lambda: rig.x.count_requests("GET", mentions_path) >= 1), "no first poll"
            if mode == "stream":
                assert wait_for(lambda: rig.x.activity.streams.open_count() == 1), "the stream never opened"
            before = usage(rig)
            posted_at: dict[str, float] = {}
            for n in range(LIVE_MENTIONS):
                post = rig.x.post(author["id"], f"@acme live mention {n}: is the app down?")
                posted_at[post["id"]] = time.monotonic()
                time.sleep(1 / LIVE_RATE_PER_SECOND)
            wait_for(lambda: set(posted_at) <= set(rig.carded_at))
            if mode == "stream":
                rig.poll_once()  # the reconciling poll: reads them all again, cards none
            after = usage(rig)
        finally:
            worker.terminate()
            worker.wait()
        waits = [rig.carded_at[post_id] - at for post_id, at in posted_at.items() if post_id in rig.carded_at]
        assert len(waits) == LIVE_MENTIONS, f"{mode}: only {len(waits)} of {LIVE_MENTIONS} mentions were carded"
        assert len(rig.carded_at) == LIVE_MENTIONS, f"{mode}: {len(rig.carded_at)} cards"
        return waits, {key: after[key] - before[key] for key in after}


def main() -> None:
    print(f"{LIVE_MENTIONS} live mentions at {LIVE_RATE_PER_SECOND:g}/s, one forking worker process, each mode:")
    print(f"  {'mode':<34} {'p50':>7} {'p99':>7}   {'X requests':>10} {'items read':>10} {'billed':>7}  per mention")
    results = {}
    for mode, label in (("poll", f"poll (every {POLL_INTERVAL} s)"),
                        ("stream", "stream (+ one reconciling poll)")):
        waits, cost = run(mode)
        results[mode] = statistics.median(waits), percentile(waits, 0.99)
        print(f"  {label:<34} {results[mode][0]:6.2f}s {results[mode][1]:6.2f}s   "
              f"{cost['requests'] / LIVE_MENTIONS:10.3f} {cost['items'] / LIVE_MENTIONS:10.2f} "
              f"{cost['billed'] / LIVE_MENTIONS:7.2f}")
    p50, p99 = results["stream"]
    verdict = "met" if p50 <= GOAL_P50 and p99 <= GOAL_P99 else "MISSED"
    print(f"  streaming goal p50 <= {GOAL_P50} s, p99 <= {GOAL_P99} s: {verdict}")


if __name__ == "__main__":
    main()
