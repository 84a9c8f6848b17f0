"""How long triage takes per post, on one core (`make bench`).

Runs `triage()` over the brand-mention fixtures (and, when present, the complaints-2019 tweets),
repeated to a few thousand posts after a warm-up, and prints the mean and p99 in microseconds.
The budget is 1 ms per post; the script exits 1 if the mean or the p99 goes over it.
"""

import csv
import json
import os
import statistics
import sys
import time
from pathlib import Path

from workers.triage import triage

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "brand_mentions.jsonl"
COMPLAINTS_CSV = REPO.parent / "shared" / "datasets" / "complaints-2019" / "complaints.csv"
POSTS_TO_TIME = 5_000
WARM_UP = 200
BUDGET_MICROSECONDS = 1_000


def sample_posts() -> list[dict]:
    with FIXTURES.open(encoding="utf-8") as lines:
        posts = [json.loads(line) for line in lines]
    if COMPLAINTS_CSV.exists():
        with COMPLAINTS_CSV.open(encoding="utf-8", newline="") as rows:
            posts += [{"id": row["id"], "text": row["text"]} for row in csv.DictReader(rows)]
    return posts


def main() -> int:
    if hasattr(os, "sched_setaffinity"):  # Linux: measure on exactly one core
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    posts = sample_posts()
    author = {"id": "1", "verified": False, "public_metrics": {"followers_count": 12_000}}
    for post in posts[:WARM_UP]:
        triage(post, author)  # loads the weights and warms the regex caches
    timings = []
    for i in range(POSTS_TO_TIME):
        post = posts[i % len(posts)]
        start = time.perf_counter_ns()
        triage(post, author)
        timings.append((time.perf_counter_ns() - start) / 1_000)
    mean = statistics.fmean(timings)
    p99 = statistics.quantiles(timings, n=100)[98]
    print(f"triage: {len(timings)} posts ({len(posts)} distinct), one core: mean {mean:.0f} µs, p99 {p99:.0f} µs per post "
          f"(budget {BUDGET_MICROSECONDS} µs)")
    return 0 if max(mean, p99) < BUDGET_MICROSECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
