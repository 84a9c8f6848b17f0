"""``make demo``: the whole system on embedded defaults, no accounts needed.

Starts a private Redis, the X and Slack emulators, the Slack app (real Bolt over Socket Mode), a worker process
(with the X Activity stream client: mentions arrive as they are posted) and a traffic source that posts
mentions and follows the brand; serves the emulated workspace as a web page
(``--no-browser``: prints every card in the terminal instead). Scripted teammates press the buttons on the
first cards so every action can be seen working; the visitor is on the team too. Ctrl-C stops everything it
started.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import webbrowser
from pathlib import Path

from slack_bolt.adapter.socket_mode import SocketModeHandler

from birdhouse_cli.demo_actions import press
from birdhouse.redis_server import PrivateRedis, connect_app
from birdhouse.settings import Settings
from emulators.http import Serving
from emulators.slack import SlackEmulator
from emulators.slack.console import render, watch
from emulators.slack.web import TeammatesSwitch, WorkspacePage
from emulators.x import TrafficSource, XEmulator
from slackbot.app import create_app
from slackbot.socket_mode import socket_mode_handler
from slackbot.views.stats import SHARE_ACTION

BRAND = "acme"
MENTIONS, FOLLOWERS, SUPPORT = "C0MENTIONS", "C0FOLLOWERS", "C0SUPPORT"
CHANNELS = {MENTIONS: "social-mentions", FOLLOWERS: "social-followers", SUPPORT: "support"}
TEAMMATES = {"U0ALICE": "alice", "U0BOB": "bob"}
VISITOR, VISITOR_NAME = "U0YOU", "you"  # whoever opens the page acts as this member of the team
POLL_SECONDS = 5
RECONCILE_SECONDS = 60  # the demo's reconciling poll beside the stream: often enough to see it at work
# Quick enough to watch: new followers read every 10 s, and a digest of the others every 30 s, so the first
# minute shows a notable follower's card and a digest.
FOLLOWER_POLL_SECONDS, FOLLOWER_DIGEST_SECONDS = 10, 30
TEAMMATES_GAP_SECONDS = 4  # between two scripted presses: time to see each land


def environment(x: XEmulator, slack: SlackEmulator, redis_url: str) -> dict[str, str]:
    credentials = x.credentials
    return {
        "REDIS_URL": redis_url,
        "SLACK_BOT_TOKEN": slack.bot_token,
        "SLACK_SIGNING_SECRET": slack.signing_secret,
        "SLACK_API_URL": f"{slack.url}/api/",
        "X_API_URL": x.url,
        "X_BEARER_TOKEN": credentials.bearer_token,
        "X_API_KEY": credentials.api_key,
        "X_API_SECRET": credentials.api_secret,
        "X_ACCESS_TOKEN": credentials.access_token,
        "X_ACCESS_TOKEN_SECRET": credentials.access_token_secret,
        "BIRDHOUSE_MENTIONS_CHANNEL": MENTIONS,
        "BIRDHOUSE_FOLLOWERS_CHANNEL": FOLLOWERS,
        "BIRDHOUSE_SUPPORT_CHANNEL": SUPPORT,
        "BIRDHOUSE_TEAM": " ".join([*TEAMMATES, VISITOR]),
        "BIRDHOUSE_POLL_INTERVAL": str(POLL_SECONDS),
    }


def run_demo(rate_per_minute: float = 12.0, duration: float | None = None, browser: bool = True,
             pace: float = 1.0) -> int:
    """``pace`` plays the scripted minute that many times faster: traffic, teammates, follower reads and digests."""
    out = sys.stdout
    stop = threading.Event()
    started: list = []  # what to stop, in reverse order
    data_dir: Path | None = None
    try:
        data_dir = Path(tempfile.mkdtemp(prefix="birdhouse-demo-"))
        private = PrivateRedis(data_dir / "redis")
        started.append(private.stop)
        redis_url = private.start()

        x = XEmulator(brand_username=BRAND)
        x_serving = Serving(x)
        x.url = x_serving.start()
        started.append(x_serving.stop)

        slack = SlackEmulator()
        for channel_id, name in CHANNELS.items():
            slack.add_channel(channel_id, name)
        for user_id, name in TEAMMATES.items():
            slack.add_user(user_id, name)
        slack.add_user(VISITOR, VISITOR_NAME)
        teammates = TeammatesSwitch()
        page = WorkspacePage(slack, visitor=VISITOR, teammates=teammates)
        slack_serving = Serving(slack)
        slack.url = slack_serving.start()
        started.append(slack_serving.stop)

        # Real time on both sides: Slack over Socket Mode, X over its Activity stream.
        env = {**environment(x, slack, redis_url), "SLACK_APP_TOKEN": slack.app_token, "BIRDHOUSE_INGEST": "stream",
               "BIRDHOUSE_FOLLOWER_POLL_INTERVAL": str(FOLLOWER_POLL_SECONDS / pace),
               "BIRDHOUSE_DIGEST_PERIOD": str(FOLLOWER_DIGEST_SECONDS / pace),
               "BIRDHOUSE_RECONCILE_INTERVAL": str(RECONCILE_SECONDS / pace)}
        settings = Settings.load(environ=env, dotenv=None)
        slack.delivery = "socket_mode"
        socket_mode = socket_mode_handler(create_app(settings, connect_app(redis_url)), slack.app_token)
        socket_mode.connect()
        started.append(lambda: _disconnect(slack, socket_mode))

        # A session of its own: Ctrl-C reaches only the demo, which then stops everything in order.
        worker = subprocess.Popen([sys.executable, "-m", "birdhouse", "--log-level", "WARNING", "worker"],
                                  env={**os.environ, **env}, cwd=data_dir, start_new_session=True)
        started.append(lambda: _stop_process(worker))

        print(_banner(x, slack, data_dir, settings.reconcile_interval), file=out, flush=True)
        if browser:
            print(f"Open the workspace: {page.url}  (you act as @{VISITOR_NAME}, one of the team)\n", file=out,
                  flush=True)
            if out.isatty():  # a person is watching: show them the page
                webbrowser.open(page.url)
        else:
            print("Cards appear below as the channels receive them (mentions as they are posted).\n",
                  file=out, flush=True)
            watch(slack, CHANNELS, out)
        # Mentions start once the stream is open, so that each arrives as it is posted.
        while x.activity.streams.open_count() == 0 and worker.poll() is None:
            if stop.wait(0.1):
                return 0
        traffic = TrafficSource(x, seed=int(time.time()))
        traffic.opening()
        threading.Thread(target=_followers_once_watched, args=(x, traffic, stop), name="demo-followers",
                         daemon=True).start()
        threading.Thread(target=traffic.run, args=(rate_per_minute * pace,), kwargs={"stop_event": stop},
                         name="demo-traffic", daemon=True).start()
        threading.Thread(target=_teammates_at_work, args=(slack, teammates, stop, out, TEAMMATES_GAP_SECONDS / pace),
                         name="demo-teammates", daemon=True).start()
        stop.wait(duration)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        for stop_one in reversed(started):
            stop_one()
        if data_dir is not None:
            shutil.rmtree(data_dir, ignore_errors=True)
        print("\nDemo stopped; everything it started is stopped.", file=out, flush=True)
    return 0


# What the scripted teammates do, in order: (who, which button, on what kind of card). Later presses on a kind
# act on the same card as the first, so one question is claimed, answered and closed.
SCRIPT = (("U0ALICE", "claim", "question"), ("U0ALICE", "reply", "question"), ("U0BOB", "like", "praise"),
          ("U0BOB", "follow_back", "praise"), ("U0ALICE", "escalate", "complaint"), ("U0BOB", "dismiss", "spam"),
          ("U0ALICE", "done", "question"))


def _teammates_at_work(slack: SlackEmulator, teammates: TeammatesSwitch, stop: threading.Event, out,
                       gap: float) -> None:
    """Press buttons on the cards as a person would in Slack, ``gap`` seconds apart, so the demo shows every
    action working; the page's visitor may pause them."""
    acted_on: dict[str, str] = {}
    for user, action, kind in SCRIPT:
        mention_id = None
        while mention_id is None:  # wait for a card of that kind to arrive
            if stop.wait(gap) or not teammates.wait_until_on(stop):
                return
            mention_id = press(slack, user, MENTIONS, action, kind=kind, mention_id=acted_on.get(kind))
        acted_on.setdefault(kind, mention_id)
        print(f"\n▶ {TEAMMATES[user]} pressed {action.replace('_', ' ')} on the {kind} card for post {mention_id}",
              file=out, flush=True)
    if stop.wait(gap) or not teammates.wait_until_on(stop):
        return
    answered = len(slack.ephemerals(MENTIONS, "U0ALICE"))
    slack.slash_command("U0ALICE", "/birdhouse", "stats", MENTIONS)
    while len(answers := slack.ephemerals(MENTIONS, "U0ALICE")) == answered:  # the answer follows the ack
        if stop.wait(0.05):
            return
    print(f"\n▶ alice typed /birdhouse stats (only she sees the answer)\n{render(answers[-1])}", file=out, flush=True)
    if stop.wait(gap / 2) or not teammates.wait_until_on(stop):
        return
    slack.click_ephemeral("U0ALICE", answers[-1]["message_ts"], SHARE_ACTION)
    print("\n▶ alice pressed Share in channel on her stats, so everyone sees them", file=out, flush=True)


def _followers_once_watched(x: XEmulator, traffic: TrafficSource, stop: threading.Event) -> None:
    """New followers as soon as Birdhouse has read the existing audience (whom it never announces), so a
    notable-follower card comes in the first minute."""
    followers_path = f"/2/users/{x.brand['id']}/followers"
    while x.count_requests("GET", followers_path) == 0:
        if stop.wait(0.5):
            return
    traffic.new_audience()


def _disconnect(slack: SlackEmulator, socket_mode: SocketModeHandler) -> None:
    socket_mode.client.auto_reconnect_enabled = False
    slack.close()  # ends the Socket Mode connection, which wakes the client's read so close() is quick
    socket_mode.close()


def _stop_process(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def _banner(x: XEmulator, slack: SlackEmulator, data_dir: Path, reconcile_seconds: float) -> str:
    return (
        "Birdhouse demo: emulated X and Slack, no accounts needed. Ctrl-C stops everything.\n"
        f"  X emulator      {x.url}   (brand @{BRAND}; mentions and followers arrive on their own)\n"
        f"  Slack emulator  {slack.url}   (channels: {', '.join('#' + name for name in CHANNELS.values())})\n"
        f"  Slack app       over Socket Mode (no public URL)\n"
        f"  X to Birdhouse  the Activity stream, as mentions are posted (a reconciling poll every "
        f"{reconcile_seconds:g} s)\n"
        f"  Redis + worker  private, data in {data_dir} (removed when the demo stops)\n"
    )
