import json
from datetime import UTC, datetime

import pytest

from birdhouse.dashboard import BlockedChannel, OpenCard
from birdhouse.settings import Settings
from birdhouse.stats import Item, compute
from birdhouse.store import CardRef
from birdhouse.store.events import Event, EventKind
from emulators.slack.blockkit import validate_blocks, validate_view
from slackbot.views.help import help_message
from slackbot.views.home import home_view
from slackbot.views.queue import queue_message
from slackbot.views.stats import duration, parse_share_value, share_value, stats_message
from tests.blocktext import block_texts

END = datetime(2026, 11, 26, 18, 0, tzinfo=UTC).timestamp()
HOSTILE = "<!channel> refund me & <https://evil.example|click>"
SETTINGS = Settings.load(environ={
    "REDIS_URL": "redis://:hunter2-password@redis.internal:6379/0",
    "SLACK_BOT_TOKEN": "xoxb-1-2-tokenvalue-abcd",
    "SLACK_SIGNING_SECRET": "signing-secret-value",
    "X_API_KEY": "x-key-value", "X_API_SECRET": "x-secret-value",
    "X_ACCESS_TOKEN": "x-access-value", "X_ACCESS_TOKEN_SECRET": "x-access-secret-value",
    "BIRDHOUSE_MENTIONS_CHANNEL": "C0M", "BIRDHOUSE_FOLLOWERS_CHANNEL": "C0F", "BIRDHOUSE_SUPPORT_CHANNEL": "C0S",
    "BIRDHOUSE_TEAM": "S0SOCIAL U0ALICE",
}, dotenv=None)


def a_day():
    events = [Event(EventKind.MENTION, END - 3600, "1", data={"kind": "question"}),
              Event(EventKind.MENTION, END - 1800, "2", data={"kind": "complaint"}),
              Event(EventKind.REPLY, END - 3000, "1", user="U0ALICE")]
    return compute(events, window="24h", end=END, sla_seconds=1800,
                   usage={"2026-11-26": {"mentions:requests": 3, "mentions:items": 5, "mentions:billed": 2,
                                          "likes:requests": 1}})


@pytest.mark.parametrize("seconds, shown", [(None, "—"), (0, "0 s"), (59.4, "59 s"), (600, "10 min"),
                                            (3900, "1 h 05 min"), (86400 + 3 * 3600, "1 d 3 h")])
def test_durations_read_as_people_say_them(seconds, shown):
    assert duration(seconds) == shown


def test_stats_message_shows_the_figures_and_a_share_button():
    message = stats_message(a_day(), 30)
    assert validate_blocks(message["blocks"]) == []
    shown = block_texts(message["blocks"])
    assert "2: 1 complaint, 1 question" in shown
    assert "1 of 2 questions and complaints (50%)" in shown
    assert "median 10 min · p90 10 min" in shown
    assert "*SLA breaches*\n1 (SLA 30 min)" in shown
    assert "1. <@U0ALICE>: 1 reply · 0 escalations · 0 follow-backs" in shown
    assert "`mentions`: 3 requests, 5 items read, 2 billed, $0.002" in shown  # re-reads the same day are free
    assert "no published price for likes" in shown
    assert "Share in channel" in shown


def test_a_shared_copy_names_who_shared_it_and_has_no_button():
    message = stats_message(a_day(), 30, shared_by="U0BOB")
    assert "shared by <@U0BOB>" in block_texts(message["blocks"])
    assert all(block["type"] != "actions" for block in message["blocks"])


def test_share_value_round_trips_and_rejects_junk():
    assert parse_share_value(share_value("7d", END)) == ("7d", END)
    assert parse_share_value("not json") is None
    assert parse_share_value(json.dumps({"window": "7d"})) is None


def entry(mention_id: str, minutes_ago: float, **item) -> OpenCard:
    return OpenCard(Item(mention_id, "complaint", END - minutes_ago * 60, **item), CardRef("C0M", mention_id),
                    "some_user", HOSTILE, f"https://acme.slack.com/archives/C0M/p{mention_id}")


def test_queue_escapes_posts_and_shows_age_claim_and_link():
    message = queue_message([entry("1", 95, claimed_by="U0BOB", escalated=True), entry("2", 5)], END)
    assert validate_blocks(message["blocks"]) == []
    shown = block_texts(message["blocks"])
    assert "Open queue: 2 items waiting" in shown
    assert "waiting 1 h 35 min · claimed by <@U0BOB> · :sos: escalated · <https://acme.slack.com/archives/C0M/p1|open card>" in shown
    assert "waiting 5 min · unclaimed" in shown
    assert "<!channel>" not in shown and "&lt;!channel&gt; refund me &amp;" in shown


def test_a_long_queue_fits_a_message_and_says_how_many_more():
    message = queue_message([entry(str(n), 500 - n) for n in range(60)], END)
    assert validate_blocks(message["blocks"]) == []
    assert "…and 20 newer ones not shown" in block_texts(message["blocks"])


def test_an_empty_queue_says_so():
    assert "Nothing waiting" in block_texts(queue_message([], END)["blocks"])


def test_help_puts_the_problem_first_escaped():
    message = help_message("Unknown subcommand <!here>")
    assert validate_blocks(message["blocks"]) == []
    assert message["blocks"][0]["text"]["text"] == ":warning: Unknown subcommand &lt;!here&gt;"
    assert "/birdhouse stats [24h|7d|30d]" in block_texts(message["blocks"])


def test_home_is_a_valid_view_within_limits_even_with_a_long_queue_and_every_channel_refused():
    blocked = [BlockedChannel(channel, "not_in_channel", END - 600, 400) for channel in ("C0M", "C0F", "C0S")]
    view = home_view(a_day(), a_day(), [entry(str(n), 500 - n) for n in range(60)], SETTINGS, END, blocked=blocked)
    assert validate_view(view) == []
    assert len(view["blocks"]) <= 100
    shown = block_texts(view["blocks"])
    assert "Last 24 hours" in shown and "Last 7 days" in shown and "Open queue: 60 items" in shown
    assert shown.index("Slack has refused every message in <#C0M>") < shown.index("Last 24 hours")


def test_home_says_which_channel_slack_refuses_why_and_what_to_do():
    refused = BlockedChannel("C0M", "is_archived<!here>", END - 600, 1)
    [line] = block_texts(home_view(a_day(), a_day(), [], SETTINGS, END, blocked=[refused])["blocks"][:1]).splitlines()
    assert line.startswith(":no_entry: Slack has refused every message in <#C0M> since <!date^")
    assert "(`is_archived&lt;!here&gt;`): 1 message waiting" in line and "run `birdhouse check`" in line
    archived = BlockedChannel("C0M", "is_archived", END - 600, 3)
    assert "To fix: unarchive the channel" in block_texts(home_view(a_day(), a_day(), [], SETTINGS, END,
                                                                    blocked=[archived])["blocks"][:1])
    assert not block_texts(home_view(a_day(), a_day(), [], SETTINGS, END, blocked=[])["blocks"]).count(":no_entry:")


def test_home_configuration_hides_secrets_and_points_out_what_is_missing():
    shown = block_texts(home_view(a_day(), a_day(), [], SETTINGS, END, blocked=[])["blocks"])
    for secret in ("tokenvalue", "abcd", "signing-secret", "x-secret", "x-access", "hunter2"):
        assert secret not in shown
    assert "`SLACK_BOT_TOKEN`: set" in shown
    assert "`REDIS_URL`: redis://…@redis.internal:6379/0" in shown
    assert "`BIRDHOUSE_SUPPORT_CHANNEL`: <#C0S>" in shown
    assert "`BIRDHOUSE_TEAM`: <!subteam^S0SOCIAL>, <@U0ALICE>" in shown
    assert ":warning: `BIRDHOUSE_BUSINESS_HOURS` is not set: when the SLA clock runs" in shown
    assert "`BIRDHOUSE_SLA_MINUTES`: 30\n" in shown
