"""``birdhouse demo --no-browser`` as a visitor sees it: a real process, its terminal output, Ctrl-C. (The page
it serves by default is tested in a browser: tests/browser/test_demo_page.py.)"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.conftest import DEMO_PACE

# What the scripted teammates do, in the order a visitor sees it in the first minute.
PRESSES = ("alice pressed claim on the question card", "alice pressed reply on the question card",
           "bob pressed like on the praise card", "bob pressed follow back on the praise card",
           "alice pressed escalate on the complaint card", "bob pressed dismiss on the spam card",
           "alice pressed done on the question card", "alice typed /birdhouse stats",
           "alice pressed Share in channel on her stats")
# The demo scripts all of this for its first minute (README), played here DEMO_PACE times faster; the test waits
# for each sight in turn, and gives up only so late that a loaded machine cannot fail it: timing belongs to make
# bench, not to a test.
GIVE_UP_SECONDS = 240.0


def test_the_demo_shows_every_button_and_stats_at_once_and_leaves_nothing_behind(tmp_path: Path):
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("SLACK_", "X_", "BIRDHOUSE_", "REDIS_URL"))}
    demo = subprocess.Popen([sys.executable, "-u", "-m", "birdhouse", "demo", "--no-browser", "--pace", DEMO_PACE], cwd=tmp_path, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=environment)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in demo.stdout], daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + GIVE_UP_SECONDS
    try:
        for expected in PRESSES:  # each press comes a few seconds after the last; none waits on chance
            while expected not in (line := lines.get(timeout=max(0.1, deadline - time.monotonic()))):
                seen.append(line)
            seen.append(line)
        while "NEW FOLLOWERS DIGEST" not in "".join(seen):
            seen.append(lines.get(timeout=max(0.1, deadline - time.monotonic())))
    finally:
        demo.send_signal(signal.SIGINT)
        assert demo.wait(timeout=60) == 0
    output = "".join(seen)
    data_dir = Path(re.search(r"data in (\S+)", output).group(1))
    assert not data_dir.exists()
    assert "New follower:" in output and "Why notable:" in output  # a notable-follower card, in the first minute
