"""Button presses through the real Slack app: signed block_actions → waitress → Bolt → Redis → RQ → worker.

Prints the time Slack waits for the app's answer (it must stay well under Slack's 3 seconds, with presses
arriving from several people at once), and how long until the whole team sees the card change.
8 people press Claim on 200 cards from 8 threads; one worker process re-renders the cards.
"""

from __future__ import annotations

import logging
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from rq import Worker

from _rig import Rig, percentile
from birdhouse.settings import Settings
from slackbot.app import create_app
from slackbot.web import server

CARDS = 200
PRESSERS = 8


def main() -> None:
    # With 8 presses in flight waitress says its queue is not empty; that is the load this measures.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="birdhouse-bench-") as folder, Rig(Path(folder)) as rig:
        team = [f"U0TEAM{n}" for n in range(PRESSERS)]
        for user in team:
            rig.slack.add_user(user, user.lower())
        rig.env["BIRDHOUSE_TEAM"] = " ".join(team)
        rig.poll_once()
        author = rig.x.add_user("bench_author")
        for n in range(CARDS):
            rig.x.post(author["id"], f"@acme question {n}: where is my order?")
        rig.poll_once()
        cards = rig.slack.messages("C0MENTIONS")
        assert len(cards) == CARDS, f"{len(cards)} cards"

        settings = Settings.load(environ=rig.env, dotenv=None)
        web = server(create_app(settings, rig.connection), rig.connection, settings.slack_signing_secret,
                     "127.0.0.1", 0, threads=8)
        threading.Thread(target=web.run, daemon=True).start()
        rig.slack.request_url = f"http://127.0.0.1:{web.effective_port}/slack/events"

        updated_at: dict[str, float] = {}
        rig.slack.on_message(lambda event, channel, message: event == "updated" and "Claimed by" in str(
            message.get("blocks")) and updated_at.setdefault(message["ts"], time.monotonic()))
        worker = rig.worker()
        while not Worker.all(connection=rig.connection):  # started: the figures are Birdhouse's, not Python's start
            time.sleep(0.05)
        try:
            pressed_at: dict[str, float] = {}

            def press(index: int) -> float:
                card = cards[index]
                pressed_at[card["ts"]] = time.monotonic()
                answer = rig.slack.click(team[index % PRESSERS], "C0MENTIONS", card["ts"], "mention.claim")
                assert answer.status == 200, answer.status
                return time.monotonic() - pressed_at[card["ts"]]

            started = time.monotonic()
            with ThreadPoolExecutor(PRESSERS) as pool:
                acks = list(pool.map(press, range(CARDS)))
            deadline = time.monotonic() + 60
            while len(updated_at) < CARDS and time.monotonic() < deadline:
                time.sleep(0.05)
            elapsed = time.monotonic() - started
        finally:
            worker.terminate()
            worker.wait()
            web.close()
        seen = [updated_at[ts] - pressed_at[ts] for ts in updated_at]
        assert len(seen) == CARDS, f"only {len(seen)} of {CARDS} cards updated"
        print(f"{CARDS} Claim presses from {PRESSERS} people at once, one worker process:")
        print(f"  ack (Slack's wait)    p50 {statistics.median(acks) * 1000:.0f} ms   "
              f"p99 {percentile(acks, 0.99) * 1000:.0f} ms   max {max(acks) * 1000:.0f} ms  (Slack allows 3000 ms)")
        print(f"  press-to-card-update  p50 {statistics.median(seen):.2f} s   p99 {percentile(seen, 0.99):.2f} s")
        print(f"  throughput            {CARDS / elapsed:.1f} presses/s acted on and shown")


if __name__ == "__main__":
    main()
