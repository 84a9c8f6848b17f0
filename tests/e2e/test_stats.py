"""``/birdhouse stats``, ``queue`` and ``help`` as Slack sends them: signed slash commands to the served app,
after a scripted day of mentions (through the real poller) and of the team's actions (in the event log, at
known times, as the action jobs write them)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from birdhouse.store import Event
from birdhouse.store.events import EventKind
from tests.blocktext import block_texts
from tests.conftest import ALICE, BOB, MENTIONS, Stack
from tests.helpers import FakeClock, eventually

MINUTE = 60.0
END = datetime(2026, 11, 26, 18, 0, tzinfo=UTC).timestamp()

# (name, text, minutes before the end of the day): triage reads each as the name's kind.
DAY = (
    ("q1", "@acme do you ship to Norway?", 600),
    ("q2", "@acme how do I reset my password?", 500),
    ("c1", "@acme my order never arrived and nobody answers. Where is it?", 400),
    ("c2", "@acme my coffee machine broke after two days, this is unacceptable", 300),
    ("p1", "@acme love the new espresso blend, thank you!", 250),
    ("s1", "@acme FREE CRYPTO giveaway click bit.ly/xyz to claim", 100),
    ("n1", "@acme 👀", 50),
    ("c3", "@acme the package arrived damaged and support ignores me", 20),
)


def reply_from_the_card(stack: Stack, clock: FakeClock, mention_id: str, user: str, at: float, text: str) -> None:
    """Reply as a person does: the card's Reply button, the modal, a worker posting on X at ``at``."""
    clock.now = at
    [card] = [card for card in stack.cards() if card["metadata"]["event_payload"]["tweet_id"] == mention_id]
    assert stack.slack.click(user, MENTIONS, card["ts"], "mention.reply").status == 200
    [view] = [view for view in stack.slack.views.values() if view["callback_id"] == "mention.reply"]
    assert stack.slack.submit_view(user, view["id"], {"reply_text": {"reply.text": text}}).status == 200
    stack.work()
    clock.now = END


def scripted_day(stack: Stack) -> dict[str, str]:
    """Post the day's mentions, poll them into cards, serve the app, and have the team act (one reply through
    the card, the rest recorded as the action jobs record them). Mention ids by name."""
    clock = FakeClock(END)
    stack.use_clock(clock)
    stack.slack.disable_rate_limits()  # eight cards at once; pacing is the card tests' business
    author = stack.x.add_user("dana", name="Dana", followers_count=120)
    ids = {}
    for name, text, minutes in DAY:
        ids[name] = stack.x.post(author["id"], text, created_at=datetime.fromtimestamp(END - minutes * MINUTE, UTC))["id"]
    stack.poll_mentions()
    assert len(stack.cards()) == len(DAY)
    stack.serve_app()

    def act(kind: str, name: str, user: str, minutes: float) -> None:
        stack.ctx.events.record(Event(kind, at=END - minutes * MINUTE, mention_id=ids[name], user=user))

    act(EventKind.REPLY, "q1", ALICE, 590)  # 10 min
    act(EventKind.REPLY, "q2", BOB, 450)  # 50 min: over the 30-minute SLA
    reply_from_the_card(stack, clock, ids["c1"], ALICE, END - 380 * MINUTE, "So sorry, Dana! Please DM us.")  # 20 min
    assert [post["text"] for post in stack.x.posts_by_brand] == ["So sorry, Dana! Please DM us."]
    act(EventKind.ESCALATE, "c2", BOB, 200)  # escalated, still unanswered: over the SLA by the end of the day
    act(EventKind.FOLLOW_BACK, "p1", ALICE, 240)
    act(EventKind.CLAIM, "c3", ALICE, 15)  # 20 min old at the end: within the SLA
    return ids


def command(stack: Stack, text: str, user: str = ALICE) -> dict:
    """Send ``/birdhouse text`` and return the ephemeral answer the user sees."""
    before = len(stack.slack.ephemerals(user=user))
    answer = stack.slack.slash_command(user, "/birdhouse", text, MENTIONS)
    assert answer.status == 200  # the emulator, as Slack, gives up on an app that has not answered within 3 s
    return eventually(lambda: stack.slack.ephemerals(user=user)[before:])[-1]


def test_stats_after_a_scripted_day_are_exact(stack: Stack):
    scripted_day(stack)

    answer = command(stack, "stats")

    shown = block_texts(answer["blocks"])
    assert "Birdhouse stats: last 24 hours" in shown
    assert "*Mentions*\n8: 3 complaints, 2 questions, 1 praise, 1 noise, 1 spam" in shown
    assert "*Answered*\n3 of 5 questions and complaints (60%)" in shown
    assert "*First response*\nmedian 20 min · p90 44 min" in shown  # 10, 20, 50 min
    assert "*SLA breaches*\n2 (SLA 30 min)" in shown
    assert "*Escalations*\n1" in shown and "*Follow-backs*\n1" in shown
    assert ("1. <@U0ALICE>: 2 replies · 0 escalations · 1 follow-back\n"
            "2. <@U0BOB>: 1 reply · 1 escalation · 0 follow-backs") in shown
    # One reply posted ($0.015) and one page of mentions read (8 owned reads at $0.001).
    assert "`create_post`: 1 request, 1 item, $0.015\n`mentions`: 1 request, 8 items, $0.008" in shown
    assert "Estimated cost: *$0.023* at pay-per-use prices" in shown
    assert "no published price for users_me" in shown
    assert stack.slack.messages(MENTIONS)[-1]["blocks"] != answer["blocks"]  # only Alice saw it


def test_numbers_come_from_the_event_log_not_the_process(stack: Stack):
    scripted_day(stack)
    first = command(stack, "stats 7d")
    stack.close()  # a restart: a new app process over the same Redis
    stack.serve_app()

    again = command(stack, "stats 7d")

    assert "Birdhouse stats: last 7 days" in block_texts(again["blocks"])
    assert block_texts(again["blocks"]) == block_texts(first["blocks"])


def test_share_posts_the_figures_in_the_channel_once(stack: Stack):
    scripted_day(stack)
    answer = command(stack, "stats")
    before = len(stack.slack.messages(MENTIONS))

    clicks = [stack.slack.click_ephemeral(ALICE, answer["message_ts"], "stats_share") for _ in range(2)]  # a double click

    assert [click.status for click in clicks] == [200, 200]
    shared = stack.slack.messages(MENTIONS)[before:]
    assert len(shared) == 1
    shown = block_texts(shared[0]["blocks"])
    assert "shared by <@U0ALICE>" in shown
    assert "*Answered*\n3 of 5 questions and complaints (60%)" in shown
    assert "Share in channel" not in shown


def test_queue_lists_exactly_the_open_items_oldest_first_with_links(stack: Stack):
    ids = scripted_day(stack)

    answer = command(stack, "queue")

    shown = block_texts(answer["blocks"])
    assert "Open queue: 2 items waiting" in shown
    open_sections = [block for block in answer["blocks"] if block["block_id"].startswith("open-")]
    assert [block["block_id"] for block in open_sections] == [f"open-{ids['c2']}", f"open-{ids['c3']}"]
    c2, c3 = (block["text"]["text"] for block in open_sections)
    assert "waiting 5 h 00 min · unclaimed · :sos: escalated" in c2
    assert "waiting 20 min · claimed by <@U0ALICE>" in c3
    cards = {card["metadata"]["event_payload"]["tweet_id"]: card["ts"] for card in stack.cards()}
    assert f"/archives/{MENTIONS}/p{cards[ids['c2']].replace('.', '')}|open card>" in c2
    assert ">@acme the package arrived damaged and support ignores me" in c3


def test_help_unknown_subcommands_and_bad_arguments_get_a_helpful_answer(stack: Stack):
    stack.serve_app()

    help_text = block_texts(command(stack, "help")["blocks"])
    unknown = block_texts(command(stack, "frobnicate <!channel>")["blocks"])
    bad_window = block_texts(command(stack, "stats 1h")["blocks"])
    bad_queue = block_texts(command(stack, "queue please")["blocks"])

    for usage in ("/birdhouse stats [24h|7d|30d]", "/birdhouse queue", "/birdhouse help"):
        assert usage in help_text and usage in unknown
    assert "I don't know “frobnicate”" in unknown
    assert "“1h” is not a window I know: use one of 24h, 7d, 30d." in bad_window
    assert "/birdhouse queue takes nothing after it (not “please”)." in bad_queue


def test_an_unsigned_command_is_refused(stack: Stack):
    stack.serve_app()
    body = "command=%2Fbirdhouse&text=stats&user_id=U0ALICE&channel_id=C0MENTIONS"

    answer = stack.slack.deliver(body.encode(), "application/x-www-form-urlencoded", signature="v0=" + "0" * 64)

    assert answer.status == 401
    assert stack.slack.ephemerals() == [] and "Birdhouse stats" not in json.dumps(answer.text)
