"""``make demo`` as a visitor sees it in a browser: the page it prints shows everything within the first minute."""

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

import pytest
from playwright.sync_api import expect

from tests.conftest import DEMO_PACE

pytestmark = pytest.mark.e2e

# The demo scripts all of this for its first minute (README), played here DEMO_PACE times faster; the test waits
# for each sight in turn, and gives up only so late that a loaded machine cannot fail it: timing belongs to make
# bench, not to a test.
GIVE_UP_SECONDS = 240.0
KINDS = ("Question", "Complaint", "Praise", "Spam", "Noise")
# What the scripted teammates leave on the cards, and the stats Alice shares.
DONE_BY_TEAMMATES = ("Claimed by @alice", "@alice replied", "Escalated by @alice", "Done by @alice",
                     "Dismissed (noise/spam) by @bob", "Birdhouse stats: last 24 hours")


def test_the_demo_page_shows_every_kind_of_card_every_press_a_follower_a_digest_and_stats(
        browser, tmp_path: Path, screenshots: Path):
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("SLACK_", "X_", "BIRDHOUSE_", "REDIS_URL"))}
    demo = subprocess.Popen([sys.executable, "-u", "-m", "birdhouse", "demo", "--pace", DEMO_PACE], cwd=tmp_path, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=environment)
    started = time.monotonic()
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in demo.stdout], daemon=True).start()
    page = browser.new_page()
    try:
        while not (address := re.search(r"Open the workspace: (\S+)", lines.get(timeout=30))):
            pass
        page.goto(address.group(1))

        def before_giving_up() -> float:
            return max(100.0, (started + GIVE_UP_SECONDS - time.monotonic()) * 1000)

        messages = page.locator("#messages")
        for kind in KINDS:
            expect(messages.locator(".context", has_text=kind).first).to_be_visible(timeout=before_giving_up())
        for trace in DONE_BY_TEAMMATES:
            expect(messages.get_by_text(trace).first).to_be_visible(timeout=before_giving_up())
        # The picture in docs/demo.png: the question card the teammates claimed, answered and closed, at the top.
        messages.locator(".message", has_text="@alice replied").first.evaluate("card => card.scrollIntoView()")
        page.screenshot(path=screenshots / "demo-mentions.png")

        page.get_by_role("link", name="social-followers").click()
        expect(messages.get_by_text("New follower:").first).to_be_visible(timeout=before_giving_up())
        expect(messages.get_by_text("New followers digest").first).to_be_visible(timeout=before_giving_up())
        page.screenshot(path=screenshots / "demo-followers.png")
    finally:
        page.close()
        demo.send_signal(signal.SIGINT)
        assert demo.wait(timeout=60) == 0
