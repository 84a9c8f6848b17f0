"""The burst of issue 12 at Slack's real pace: 200 new mentions, 30 of them urgent (complaints and questions,
arriving behind 100 others), Slack posting about 1 message per second per channel in bursts of 5.

Prints the time to every urgent card (goal: 40 s), to every mention accounted for as a card or a digest line
(goal: 90 s), how many chat.postMessage calls Slack answered 429 (goal: at most 5), and that no mention was
posted twice.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from _rig import Rig, posts_per_mention

TOTAL = 200
URGENT_AT = {100 + 3 * k: ("complaint" if k % 2 else "question") for k in range(30)}
TEXTS = {"complaint": "@acme my order {n} never arrived and nobody answers. This is terrible",
         "question": "@acme do you ship order {n} to Norway?",
         "praise": "@acme thanks for the great service, number {n}!",
         "rest": "@acme lol {n}"}
GIVE_UP_SECONDS = 180


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="birdhouse-bench-") as folder, Rig(Path(folder)) as rig:
        rig.at_slacks_pace()
        rig.poll_once()  # Birdhouse starts watching a quiet account
        authors = [rig.x.add_user(f"fan{n}", name=f"Fan {n}", followers_count=150) for n in range(8)]
        urgent, everyone = set(), []
        for n in range(TOTAL):
            kind = URGENT_AT.get(n) or ("praise" if n % 2 else "rest")
            post = rig.x.post(authors[n % len(authors)]["id"], TEXTS[kind].format(n=n))
            everyone.append(post["id"])
            if n in URGENT_AT:
                urgent.add(post["id"])
        started = time.monotonic()
        worker = rig.worker()
        try:
            while (not set(everyone) <= set(rig.carded_at) | set(rig.digested_at)
                   and time.monotonic() < started + GIVE_UP_SECONDS):
                time.sleep(0.1)
        finally:
            worker.terminate()
            worker.wait()
        carded_or_listed = [request for request in rig.slack.requests if request.path == "/api/chat.postMessage"]
        # Each mention once: as a card (its metadata) or as a line of a digest, never both, never twice.
        once = posts_per_mention(rig.slack.messages("C0MENTIONS"))
        accounted = set(everyone) & (set(rig.carded_at) | set(rig.digested_at))
        urgent_done = [rig.carded_at[i] - started for i in urgent if i in rig.carded_at]
        print(f"{TOTAL} mentions ({len(urgent)} urgent) at Slack's pace (1 message/s per channel, bursts of 5), "
              "one worker process, polling every second:")
        print(f"  every urgent card     {max(urgent_done):6.1f} s  ({len(urgent_done)}/{len(urgent)} carded; goal 40 s)")
        print(f"  all accounted for     {max(list(rig.carded_at.values()) + list(rig.digested_at.values())) - started:6.1f} s"
              f"  ({len(accounted)}/{TOTAL}: {len(set(everyone) & set(rig.carded_at))} cards, "
              f"{len(set(everyone) & set(rig.digested_at))} digest lines; goal 90 s)")
        print(f"  429 answers           {sum(r.status == 429 for r in carded_or_listed):6d}     "
              f"(of {len(carded_or_listed)} chat.postMessage calls; goal at most 5)")
        print(f"  posted twice          {sum(count > 1 for count in once.values()):6d}")


if __name__ == "__main__":
    main()
