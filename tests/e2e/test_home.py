"""The App Home tab: opening it (a signed app_home_opened event) publishes the last 24 hours and 7 days, the
open queue and the configuration, as a valid view, for the person who opened it."""

from __future__ import annotations

import json

from birdhouse.store import Event
from birdhouse.store.events import EventKind
from emulators.slack.blockkit import validate_view
from tests.blocktext import block_texts
from tests.conftest import ALICE, BOB, Stack
from tests.helpers import eventually
from tests.e2e.test_stats import END, MINUTE, scripted_day

DAY = 24 * 3600.0


def test_home_shows_both_windows_the_queue_and_the_configuration(stack: Stack):
    ids = scripted_day(stack)
    # Three days ago, as the poller and the reply job wrote it then: in the week, not the day.
    stack.ctx.events.record(Event(EventKind.MENTION, at=END - 3 * DAY, mention_id="1", data={"kind": "question"}))
    stack.ctx.events.record(Event(EventKind.REPLY, at=END - 3 * DAY + 5 * MINUTE, mention_id="1", user=BOB))

    answer = stack.slack.open_home(ALICE)

    assert answer.status == 200
    home = eventually(lambda: stack.slack.home(ALICE))
    assert stack.slack.home(BOB) is None
    assert validate_view({"type": "home", "blocks": home["blocks"]}) == [] and len(home["blocks"]) <= 100
    by_id = {block["block_id"]: block for block in home["blocks"]}
    day = block_texts([by_id["day-mentions"]])
    week = block_texts([by_id["week-mentions"]])
    assert "*Mentions*\n8: 3 complaints" in day and "*Mentions*\n9: 3 complaints, 3 questions" in week
    assert "3 of 5 questions and complaints (60%)" in day and "4 of 6 questions and complaints (67%)" in week
    assert "median 20 min" in day and "median 15 min" in week
    # Tied on replies: the escalation puts Bob first.
    assert "1. <@U0BOB>: 2 replies · 1 escalation" in block_texts([by_id["week-leaderboard"]])
    assert [block_id for block_id in by_id if block_id.startswith("open-")] == [f"open-{ids['c2']}", f"open-{ids['c3']}"]

    shown = block_texts(home["blocks"])
    assert "`BIRDHOUSE_SUPPORT_CHANNEL`: <#C0SUPPORT>" in shown
    assert ":warning: `BIRDHOUSE_BUSINESS_HOURS` is not set" in shown
    assert "`SLACK_SIGNING_SECRET`: set" in shown
    published = json.dumps(home)
    for secret in (stack.settings.slack_signing_secret, stack.settings.slack_bot_token, stack.settings.x_api_secret,
                   stack.settings.x_access_token_secret):
        assert secret not in published


def test_opening_home_again_shows_what_changed(stack: Stack):
    ids = scripted_day(stack)
    stack.slack.open_home(ALICE)
    eventually(lambda: stack.slack.home(ALICE))

    stack.ctx.events.record(Event(EventKind.REPLY, at=END - MINUTE, mention_id=ids["c3"], user=ALICE))
    stack.slack.open_home(ALICE)

    home = eventually(lambda: (view := stack.slack.home(ALICE)) and "Open queue: 1 item" in block_texts(view["blocks"])
                      and view)
    assert [block["block_id"] for block in home["blocks"] if block["block_id"].startswith("open-")] == [
        f"open-{ids['c2']}"]
