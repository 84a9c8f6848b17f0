"""The soak of issue 12: 10,000 mentions over 10 minutes, polled, at Slack's real pace, two worker processes.

Mentions arrive at a steady rate (about 17 a second) in a realistic mix: 3 % urgent (complaints and questions),
1 % in other languages, praise, noise and spam. X serves only the newest 800 mentions however far back one
pages, and its rate limit (300 requests per 15 minutes) stretches polling to about one poll every 3 s, so
polling must keep up or mentions are lost for good. Slack posts about 1 message per second per channel in
bursts of 5: the urgent ones (and the other languages) each get a card, most of the rest must be folded into
digests (``BIRDHOUSE_DIGEST_AFTER``).

Prints mentions posted, carded, listed in a digest, missing and posted twice (both must be 0: exit 1
otherwise); the time from the last urgent mention's posting to its card, and the time all urgent cards would
take at Slack's pace if they came at once (urgent count / 1 per s, for comparison); how long after the last
mention everything was accounted for; chat.postMessage 429s; X requests made and items read; the peak memory
of Redis and of the worker processes (VmHWM, sampled every second, of each worker and its forked job children);
the CPU time the workers and their jobs spent in all, and on the mentions alone (beyond their idle rate, measured
first): mentions per CPU-second, the pipeline's cost in this mix, the waits for Slack's pace costing nothing.

``SOAK_MINUTES`` (default 10) scales the run: ``SOAK_MINUTES=1`` posts 1,000 mentions in one minute.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _rig import Rig, cpu_seconds, percentile, posts_per_mention, proc_status_kib, process_tree
from birdhouse.store.outbox import Outbox
from birdhouse_cli.demo import MENTIONS
from emulators.x.routes import MENTIONS_REACHABLE

MINUTES = float(os.environ.get("SOAK_MINUTES", "10"))
MENTIONS_PER_MINUTE = 1_000
WORKERS = 2  # as production would run them: one drain per channel posts, the other takes over if it dies
SLACK_RATE = 1.0  # chat.postMessage per second per channel
# The mix: the shares of everything but noise, which is the rest. Every template triages as its kind.
SHARES = {"complaint": 0.015, "question": 0.015, "other language": 0.01, "praise": 0.25, "spam": 0.30}
URGENT = ("complaint", "question")
TEXTS = {
    "complaint": ["@acme my order {n} never arrived and nobody answers. This is terrible",
                  "@acme worst support ever, ticket {n} open for a week and still broken",
                  "@acme the app crashes every time I open it, so frustrating (#{n})"],
    "question": ["@acme do you ship to Norway? (order {n})",
                 "@acme what time does the Oslo store open on Sunday? #{n}",
                 "@acme can I change the delivery address of order {n}?"],
    "other language": ["@acme ¿cuándo llega mi pedido número {n}? Llevo una semana esperando",
                       "@acme Ich warte seit einer Woche auf meine Bestellung {n}, was ist los?",
                       "@acme merci beaucoup pour votre aide, commande {n} bien reçue",
                       "@acme o meu pedido {n} ainda não chegou, podem ajudar por favor?"],
    "praise": ["@acme thanks for the great service, number {n}!",
               "@acme best customer service I've had all year, thank you! {n}"],
    "spam": ["@acme Earn $500 a day from home!!! DM me now {n} http://bit.ly/x{n}",
             "@acme crypto giveaway! send 1 BTC get 2 back {n} http://scam.example"],
    "noise": ["@acme lol {n}", "@acme 😂😂 {n}"],
}
AUTHORS = 40
SAMPLE_EVERY = 1.0  # seconds between memory samples
SETTLE_SECONDS = 5.0  # after a poll, before what it read must be in the outbox
IDLE_SECONDS = 20.0  # the workers' CPU measured idle this long, before the first mention
GIVE_UP_SECONDS = max(300.0, 60 * MINUTES)  # after the last mention was posted, at the most


def the_mix(total: int) -> list[str]:
    """``total`` kinds in the shares of SHARES (noise the rest), shuffled the same way every run."""
    kinds = [kind for kind, share in SHARES.items() for _ in range(round(share * total))]
    kinds += ["noise"] * (total - len(kinds))
    random.Random(12).shuffle(kinds)
    return kinds


class MemorySampler(threading.Thread):
    """Every second: VmHWM (the peak resident set so far) of each worker process and of the job children alive
    then, VmRSS of the workers (to see growth), and Redis's used_memory."""

    def __init__(self, rig: Rig, pids: list[int]) -> None:
        super().__init__(daemon=True)
        self.rig, self.pids = rig, pids
        self.stop = threading.Event()
        self.worker_hwm: dict[int, int] = {}
        self.child_hwm = 0
        self.worker_rss: list[tuple[float, int]] = []  # (when, the workers' resident sets added up)
        self.redis_used: list[tuple[float, int]] = []

    def run(self) -> None:
        while not self.stop.wait(SAMPLE_EVERY):
            self.sample()

    def sample(self) -> None:
        rss = 0
        for pid in self.pids:
            for process in process_tree(pid):
                hwm = proc_status_kib(process, "VmHWM") or 0
                if process == pid:
                    self.worker_hwm[pid] = max(self.worker_hwm.get(pid, 0), hwm)
                    rss += proc_status_kib(pid, "VmRSS") or 0
                else:
                    self.child_hwm = max(self.child_hwm, hwm)
        now = time.monotonic()
        self.worker_rss.append((now, rss))
        self.redis_used.append((now, int(self.rig.connection.info("memory")["used_memory"])))

    @staticmethod
    def at(samples: list[tuple[float, int]], when: float) -> int:
        """The sample nearest ``when``."""
        return min(samples, key=lambda sample: abs(sample[0] - when))[1]


def workers_cpu(workers: list[subprocess.Popen]) -> float:
    return sum(cpu_seconds(worker.pid) or 0.0 for worker in workers)


def idle_cpu_per_second(workers: list[subprocess.Popen]) -> float:
    """The workers' CPU a second with nothing to do, once they are up (the account polled, quiet)."""
    time.sleep(IDLE_SECONDS / 2)  # started: imports, the model loaded, the first polls
    before, started = workers_cpu(workers), time.monotonic()
    time.sleep(IDLE_SECONDS)
    return (workers_cpu(workers) - before) / (time.monotonic() - started)


def post_steadily(rig: Rig, kinds: list[str], seconds: float) -> dict[str, tuple[str, float]]:
    """Post ``kinds`` evenly over ``seconds``; each post's id -> (its kind, when it was posted)."""
    authors = [rig.x.add_user(f"fan{n}", name=f"Fan {n}", followers_count=50 + 37 * n)["id"] for n in range(AUTHORS)]
    posted: dict[str, tuple[str, float]] = {}
    started = time.monotonic()
    for n, kind in enumerate(kinds):
        time.sleep(max(0.0, started + n * seconds / len(kinds) - time.monotonic()))
        templates = TEXTS[kind]
        post = rig.x.post(authors[n % AUTHORS], templates[n % len(templates)].format(n=n))
        posted[post["id"]] = (kind, time.monotonic())
    return posted


def polled_between(rig: Rig, start: float, end: float) -> bool:
    """Whether Birdhouse read X's mentions timeline between ``start`` and ``end`` (epoch seconds)."""
    return any(start < request.at < end and request.path.endswith("/mentions") for request in rig.x.requests)


def wait_for_everything(rig: Rig, ids: set[str]) -> None:
    """Until every mention is a card or a digest line, or nothing more can come (the outbox empty since before a
    poll of X that brought nothing into it), or GIVE_UP_SECONDS."""
    give_up = time.monotonic() + GIVE_UP_SECONDS
    outbox, empty_since = Outbox(rig.connection), None
    while time.monotonic() < give_up and not ids <= rig.carded_at.keys() | rig.digested_at.keys():
        if outbox.waiting(MENTIONS):
            empty_since = None
        elif empty_since is None:
            empty_since = time.time()
        elif polled_between(rig, empty_since + 1, time.time() - SETTLE_SECONDS):
            return
        time.sleep(0.5)


def mib(kib: float) -> str:
    return f"{kib / 1024:.0f} MiB"


def accounted_at(rig: Rig, mention_id: str) -> float:
    """When the mention first reached Slack, as a card or a digest line."""
    return min(rig.carded_at.get(mention_id, float("inf")), rig.digested_at.get(mention_id, float("inf")))


def main() -> int:
    total = round(MENTIONS_PER_MINUTE * MINUTES)
    kinds = the_mix(total)
    urgent_count = sum(kind in URGENT for kind in kinds)
    with tempfile.TemporaryDirectory(prefix="birdhouse-bench-") as folder, Rig(Path(folder)) as rig:
        rig.at_slacks_pace()
        rig.poll_once()  # Birdhouse starts watching a quiet account
        x_before = len(rig.x.requests)
        workers = [rig.worker() for _ in range(WORKERS)]
        sampler = MemorySampler(rig, [worker.pid for worker in workers])
        sampler.start()
        try:
            idle_cpu = idle_cpu_per_second(workers)
            cpu_before = workers_cpu(workers)
            started = time.monotonic()
            posted = post_steadily(rig, kinds, 60 * MINUTES)
            last_posted = time.monotonic()
            wait_for_everything(rig, set(posted))
            waited = time.monotonic() - last_posted
            sampler.sample()  # the workers' peaks, before they end
            worker_cpu, busy_seconds = workers_cpu(workers) - cpu_before, time.monotonic() - started
        finally:
            sampler.stop.set()
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait()
        redis_memory = rig.connection.info("memory")
        x_requests = rig.x.requests[x_before:]
        posts = [request for request in rig.slack.requests if request.path == "/api/chat.postMessage"]

    ids = set(posted)
    carded, digested = ids & rig.carded_at.keys(), ids & rig.digested_at.keys()
    missing = ids - carded - digested
    messages = rig.slack.messages(MENTIONS)
    once = posts_per_mention(messages)
    digests = sum(((m.get("metadata") or {}).get("event_type")) == "birdhouse_digest" for m in messages)
    twice = sum(once[mention_id] > 1 for mention_id in ids)
    urgent = [mention_id for mention_id, (kind, _) in posted.items() if kind in URGENT]
    urgent_waits = [rig.carded_at[i] - posted[i][1] for i in urgent if i in rig.carded_at]
    last_urgent = max(urgent, key=lambda mention_id: posted[mention_id][1])
    mentions_requests = [request for request in x_requests if request.path.endswith("/mentions")]
    polled_at = [request.at for request in mentions_requests]
    longest_gap = max((b - a for a, b in zip(polled_at, polled_at[1:])), default=0.0)

    print(f"{total:,} mentions over {MINUTES:g} min ({total / (60 * MINUTES):.1f}/s), {urgent_count} urgent "
          f"(complaints and questions, {urgent_count / total:.0%}), {kinds.count('other language')} in other languages; "
          f"polled, Slack at its pace (1 message/s per channel, bursts of 5), {WORKERS} worker processes:")
    print(f"  posted                {total:8,}")
    print(f"  carded                {len(carded):8,}  ({len(set(urgent) & carded)}/{urgent_count} urgent)")
    print(f"  listed in a digest    {len(digested):8,}  (in {digests:,} digests, {len(digested) / max(digests, 1):.1f} "
          "lines each)")
    print(f"  missing               {len(missing):8,}  (must be 0)")
    print(f"  posted twice          {twice:8,}  (must be 0)")
    if last_urgent in rig.carded_at:
        print(f"  last urgent card      {rig.carded_at[last_urgent] - posted[last_urgent][1]:8.1f} s  after its mention "
              f"was posted (every urgent one: p50 {statistics.median(urgent_waits):.1f} s, "
              f"p99 {percentile(urgent_waits, 0.99):.1f} s, max {max(urgent_waits):.1f} s)")
    else:
        print("  last urgent card         never")
    if urgent_waits:
        print(f"  all urgent carded     {max(rig.carded_at[i] for i in urgent if i in rig.carded_at) - started:8.1f} s"
              f"  after the first mention; {urgent_count / SLACK_RATE:.0f} s ({urgent_count} / {SLACK_RATE:g} per s) "
              f"if they all came at once, {60 * MINUTES:.0f} s of posting")
    if missing:
        print(f"  all accounted for        never  ({len(missing)} missing when the wait ended, {waited:.0f} s after "
              "the last mention)")
    else:
        waits = {i: accounted_at(rig, i) - at for i, (_, at) in posted.items()}
        print(f"  all accounted for     {max(accounted_at(rig, i) for i in ids) - last_posted:8.1f} s  after the last "
              f"mention was posted (each mention: p50 {statistics.median(waits.values()):.1f} s, "
              f"p99 {percentile(list(waits.values()), 0.99):.1f} s, max {max(waits.values()):.1f} s)")
        longest = {kind: max(wait for i, wait in waits.items() if posted[i][0] == kind) for kind in TEXTS}
        print("  longest wait by kind  " + ", ".join(f"{kind} {wait:.0f} s" for kind, wait in longest.items()))
    print(f"  429 answers           {sum(r.status == 429 for r in posts):8,}  (of {len(posts):,} chat.postMessage calls)")
    print(f"  X requests            {len(x_requests):8,}  ({len(mentions_requests)} to the mentions timeline, "
          f"{sum(r.status == 429 for r in mentions_requests)} answered 429)")
    print(f"  longest poll gap      {longest_gap:8.1f} s  between two mentions requests (X's 800 newest cover "
          f"{MENTIONS_REACHABLE / (total / (60 * MINUTES)):.0f} s of this traffic)")
    print(f"  X items read          {rig.x.items_read():8,}  ({rig.x.items_read() / total:.2f} per mention, "
          f"{rig.x.items_read('mentions'):,} from the mentions timeline)")
    print(f"  Redis peak memory     {redis_memory['used_memory_peak_human']:>8}  (used_memory_peak "
          f"{redis_memory['used_memory_peak']:,} B; used_memory {mib(sampler.at(sampler.redis_used, started + 60) / 1024)}"
          f" a minute in, {redis_memory['used_memory_human']} at the end)")
    print(f"  worker peak memory    {mib(max(sampler.worker_hwm.values()))}  (VmHWM, peak resident set, of each "
          f"worker process: {', '.join(mib(kib) for kib in sampler.worker_hwm.values())}; of the forked job children "
          f"seen alive: {mib(sampler.child_hwm)}; the workers' VmRSS together {mib(sampler.at(sampler.worker_rss, started + 60))}"
          f" a minute in, {mib(sampler.worker_rss[-1][1])} at the end)")
    beyond_idle = worker_cpu - idle_cpu * busy_seconds
    print(f"  worker CPU            {worker_cpu:8.1f} s  for {total:,} mentions in {busy_seconds:.0f} s, the {WORKERS} workers "
          f"and their jobs together ({total / worker_cpu:,.0f} mentions per CPU-second); idle they spend "
          f"{1000 * idle_cpu:.0f} ms a second (polls, forks, the scheduler), so the mentions cost {beyond_idle:.1f} s: "
          f"{total / beyond_idle:,.0f} mentions per CPU-second, Slack's pace taken out (waits cost no CPU)")
    return 1 if missing or twice else 0


if __name__ == "__main__":
    sys.exit(main())
