"""SLA nudges on a controllable clock: the scheduler enqueues the check, a real RQ worker runs it and queues what
is due in its channel's outbox, the channel's drain posts it, and the nudge and escalation land in the Slack
emulator once each."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from birdhouse import business_hours, jobs
from birdhouse.dashboard import permalinks, window_stats
from birdhouse.store import Event
from birdhouse.store.events import EventKind
from emulators.http import Fault
from tests.conftest import ALICE, MENTIONS, SUPPORT, Stack
from tests.helpers import FakeClock, at_once, drained_by_two_workers_at_once, events, reconfigured
from workers.drain import BLOCKED_RETRY_SECONDS
from workers.mentions import fetch_new_mentions
from workers.scheduler import Scheduler
from workers.sla import CHECK, check_open_items

MINUTE = 60.0
THURSDAY_10 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC).timestamp()
FRIDAY_1650 = datetime(2026, 11, 27, 16, 50, tzinfo=UTC).timestamp()
MONDAY_09 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC).timestamp()


def post_mentions(stack: Stack, clock: FakeClock, *texts: str) -> list[str]:
    """Mentions posted now, polled into cards; their ids."""
    stack.use_clock(clock)
    stack.slack.disable_rate_limits()
    author = stack.x.add_user("dana", name="Dana", followers_count=120)
    at = datetime.fromtimestamp(clock(), UTC)
    ids = [stack.x.post(author["id"], text, created_at=at)["id"] for text in texts]
    stack.poll_mentions()
    return ids


def thread(stack: Stack, mention_id: str) -> list[str]:
    card = stack.ctx.mentions.card(mention_id)
    return [message["text"] for message in stack.slack.replies(card.channel, card.ts)]


def check_at(stack: Stack, scheduler: Scheduler, clock: FakeClock, at: float) -> None:
    """Move the clock and let the scheduler and a worker do what is due."""
    clock.now = at
    scheduler.tick()
    stack.work()


def test_nudge_once_at_the_threshold_then_escalate_once(stack: Stack):
    clock = FakeClock(THURSDAY_10)
    complaint, question, _praise = post_mentions(
        stack, clock, "@acme my order never arrived and nobody answers. Where is it?",
        "@acme do you ship to Norway?", "@acme love the new espresso blend, thank you!")
    stack.ctx.events.record(Event(EventKind.REPLY, at=THURSDAY_10 + 5 * MINUTE, mention_id=question, user=ALICE))
    scheduler = Scheduler(stack.redis, stack.settings, (CHECK,), clock)

    check_at(stack, scheduler, clock, THURSDAY_10 + 29 * MINUTE)
    assert thread(stack, complaint) == []

    check_at(stack, scheduler, clock, THURSDAY_10 + 30 * MINUTE)
    [nudge] = thread(stack, complaint)
    assert nudge.startswith("<!subteam^S0SOCIAL> :hourglass_flowing_sand: This complaint has waited 30 min")
    assert "the SLA is 30 min" in nudge

    for minutes in (31, 119):
        check_at(stack, scheduler, clock, THURSDAY_10 + minutes * MINUTE)
    assert len(thread(stack, complaint)) == 1
    assert stack.slack.messages(SUPPORT) == []
    assert thread(stack, question) == []  # answered in time: never nudged

    check_at(stack, scheduler, clock, THURSDAY_10 + 120 * MINUTE)
    check_at(stack, scheduler, clock, THURSDAY_10 + 200 * MINUTE)
    [case] = stack.slack.messages(SUPPORT)
    assert "Unanswered complaint from @dana*, waiting 2 h 00 min: escalated automatically by the SLA" in case["text"]
    assert f"/archives/{MENTIONS}/p" in case["text"]
    assert thread(stack, complaint)[1] == f":sos: No reply after 2 h 00 min: escalated to <#{SUPPORT}>."
    assert len(thread(stack, complaint)) == 2

    stats = window_stats(stack.redis, stack.settings, "24h", clock())
    assert (stats.sla_breaches, stats.escalations, stats.sla_escalations) == (1, 1, 1)


def test_business_hours_hold_the_clock_and_the_nudge_goes_to_whoever_claimed_it(stack: Stack):
    clock = FakeClock(FRIDAY_1650)
    [complaint] = post_mentions(stack, clock, "@acme my order never arrived and nobody answers. Where is it?")
    stack.ctx.events.record(Event(EventKind.CLAIM, at=FRIDAY_1650 + MINUTE, mention_id=complaint, user=ALICE))
    stack.ctx.settings = replace(stack.settings, business_hours=business_hours.parse("Mon-Fri 09:00-17:00 UTC"))
    scheduler = Scheduler(stack.redis, stack.ctx.settings, (CHECK,), clock)

    check_at(stack, scheduler, clock, FRIDAY_1650 + 40 * MINUTE)  # 17:30 Friday: 10 business minutes
    check_at(stack, scheduler, clock, MONDAY_09 + 19 * MINUTE)  # 29
    assert thread(stack, complaint) == []

    check_at(stack, scheduler, clock, MONDAY_09 + 20 * MINUTE)  # 30
    [nudge] = thread(stack, complaint)
    assert nudge.startswith("<@U0ALICE> :hourglass_flowing_sand: This complaint has waited 30 min of business hours")


def test_two_workers_checking_and_draining_at_once_post_each_sla_message_once(stack: Stack):
    clock = FakeClock(THURSDAY_10)
    [complaint] = post_mentions(stack, clock, "@acme my order never arrived and nobody answers. Where is it?")

    def two_workers() -> None:
        """Each checks, then drains the outboxes, at the same moment as the other."""
        at_once(*[lambda: check_open_items(stack.ctx)] * 2)
        drained_by_two_workers_at_once(stack)

    clock.now = THURSDAY_10 + 31 * MINUTE
    two_workers()
    assert len(thread(stack, complaint)) == 1

    clock.now = THURSDAY_10 + 121 * MINUTE
    two_workers()
    two_workers()  # the case's note, queued by the drain that posted the case, may still have been waiting
    assert len(stack.slack.messages(SUPPORT)) == 1
    assert thread(stack, complaint)[1].startswith(":sos: No reply after 2 h 01 min")
    assert len(thread(stack, complaint)) == 2
    assert [len(events(stack, kind)) for kind in (EventKind.SLA_NUDGE, EventKind.SLA_ESCALATE)] == [1, 1]


def test_a_nudge_still_waiting_when_the_item_is_answered_is_not_posted(stack: Stack):
    clock = FakeClock(THURSDAY_10)
    [complaint] = post_mentions(stack, clock, "@acme my order never arrived and nobody answers. Where is it?")
    clock.now = THURSDAY_10 + 31 * MINUTE
    assert check_open_items(stack.ctx)["nudges"] == [complaint]  # queued; its channel's drain has not run yet

    jobs.reply(stack.redis, "reply-1", complaint, ALICE, "So sorry! It ships today.")  # answered from the card
    stack.work()  # the reply, then the drain

    assert [post["text"].endswith("So sorry! It ships today.") for post in stack.x.posts_by_brand] == [True]
    assert thread(stack, complaint) == [] and events(stack, EventKind.SLA_NUDGE) == []


def test_a_nudge_goes_out_before_the_cards_already_waiting_in_its_channel(stack: Stack):
    clock = FakeClock(THURSDAY_10)
    [complaint] = post_mentions(stack, clock, "@acme my order never arrived and nobody answers. Where is it?")
    clock.now = THURSDAY_10 + 31 * MINUTE
    fan = stack.x.add_user("erin", name="Erin", followers_count=80)
    at = datetime.fromtimestamp(clock(), UTC)
    praise = [stack.x.post(fan["id"], f"@acme the espresso blend number {n} is lovely", created_at=at)["id"]
              for n in range(8)]
    fetch_new_mentions(stack.ctx)  # the poll queues their cards, and no drain has run yet
    posted: list[dict] = []
    stack.slack.on_message(lambda event, channel, message: posted.append(message)
                           if event == "posted" and channel == MENTIONS else None)

    check_open_items(stack.ctx)
    stack.work()

    first, *cards = [message["metadata"]["event_payload"] for message in posted]
    assert first == {"sla": f"{complaint}:nudge"}
    assert sorted(card["tweet_id"] for card in cards) == sorted(praise)
    assert len(thread(stack, complaint)) == 1


def test_a_nudge_slack_will_not_take_in_the_cards_thread_comes_to_the_channel_once_with_the_cards_link(
        stack: Stack):
    clock = FakeClock(THURSDAY_10)
    [complaint] = post_mentions(stack, clock, "@acme my order never arrived and nobody answers. Where is it?")
    scheduler = Scheduler(stack.redis, stack.settings, (CHECK,), clock)
    stack.slack.inject(Fault("/api/chat.postMessage", "status", times=1, status=200,
                             body={"ok": False, "error": "restricted_action_thread_locked"}))

    for minutes in (30, 31, 32):
        check_at(stack, scheduler, clock, THURSDAY_10 + minutes * MINUTE)

    assert thread(stack, complaint) == []
    [_card, nudge] = stack.slack.messages(MENTIONS)
    card = stack.ctx.mentions.card(complaint)
    assert nudge["text"].startswith("<!subteam^S0SOCIAL> :hourglass_flowing_sand: This <https://")
    assert f"/archives/{MENTIONS}/p{card.ts.replace('.', '')}|complaint> has waited 30 min" in nudge["text"]
    assert [event.mention_id for event in events(stack, EventKind.SLA_NUDGE)] == [complaint]


def test_an_sla_case_waiting_for_a_support_channel_the_settings_no_longer_name_goes_to_the_new_one(stack: Stack):
    clock = FakeClock(THURSDAY_10)
    [complaint] = post_mentions(stack, clock, "@acme my order never arrived and nobody answers. Where is it?")
    scheduler = Scheduler(stack.redis, stack.settings, (CHECK,), clock)
    stack.slack.archive(SUPPORT)
    check_at(stack, scheduler, clock, THURSDAY_10 + 120 * MINUTE)  # the case is refused there: it waits
    assert stack.slack.messages(SUPPORT) == []

    stack.slack.add_channel("C0NEWSUPPORT", "support-new")
    system = reconfigured(stack, BIRDHOUSE_SUPPORT_CHANNEL="C0NEWSUPPORT")
    system.use_clock(clock)
    clock.advance(BLOCKED_RETRY_SECONDS)  # when the old channel's drain looks again
    system.work()

    [case] = system.slack.messages("C0NEWSUPPORT")
    assert "Unanswered complaint from @dana*, waiting 2 h 00 min" in case["text"]
    assert thread(system, complaint)[-1] == ":sos: No reply after 2 h 00 min: escalated to <#C0NEWSUPPORT>."
    assert system.slack.messages(SUPPORT) == []


def test_a_nudge_for_a_card_an_admin_deleted_comes_to_the_channel_linking_the_post_on_x(stack: Stack):
    clock = FakeClock(THURSDAY_10)
    [complaint] = post_mentions(stack, clock, "@acme my order never arrived and nobody answers. Where is it?")
    scheduler = Scheduler(stack.redis, stack.settings, (CHECK,), clock)
    card = stack.ctx.mentions.card(complaint)
    permalinks(stack.redis, stack.ctx.slack, [card])  # the queue showed it: its link is kept
    stack.slack.delete_as_admin(MENTIONS, card.ts)
    stack.slack.inject(Fault("/api/chat.postMessage", "lose_answer"))  # the nudge went under the gone card, unseen

    check_at(stack, scheduler, clock, THURSDAY_10 + 30 * MINUTE)  # its retry finds the thread gone

    [nudge] = stack.slack.messages(MENTIONS)
    assert f"/status/{complaint}|complaint> has waited 30 min" in nudge["text"]
    assert [event.mention_id for event in events(stack, EventKind.SLA_NUDGE)] == [complaint]
