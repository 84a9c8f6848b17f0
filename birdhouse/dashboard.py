"""What the team's surfaces read (``/birdhouse stats`` and ``queue``, the App Home, the SLA job): window
statistics from the event log and X usage, and the open queue with each card's mention and Slack permalink.

The math is in ``birdhouse.stats``; this module only fetches its inputs. Nothing here is kept in a process, so
every worker and web process gives the same answer, before and after restarts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial

import redis

from birdhouse import business_hours
from birdhouse.errors import SlackError
from birdhouse.settings import Settings
from birdhouse.slackclient import SlackClient
from birdhouse.stats import QUEUE_LOOKBACK, Elapsed, Item, Stats, compute, open_queue, usage_days, window_start
from birdhouse.store import CardRef, EventLog, MentionStore, UsageStore
from birdhouse.store.outbox import Outbox
from birdhouse.store.permalinks import PermalinkStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpenCard:
    item: Item
    card: CardRef
    author: str  # the X handle
    text: str  # the post as its author wrote it (untrusted)
    permalink: str | None  # None when Slack would not say


def sla_clock(settings: Settings) -> Elapsed:
    return partial(business_hours.elapsed, settings.business_hours)


def window_stats(connection: redis.Redis, settings: Settings, window: str, end: float) -> Stats:
    [stats] = windows_stats(connection, settings, (window,), end)
    return stats


def windows_stats(connection: redis.Redis, settings: Settings, windows: tuple[str, ...], end: float) -> list[Stats]:
    """The stats of each window ending at ``end``, from one read of the events of the longest."""
    usage = UsageStore(connection)
    events = EventLog(connection).between(min(window_start(window, end) for window in windows), end)
    days = {day: usage.day(day) for window in windows for day in usage_days(window, end)}
    return [compute(events, window=window, end=end, sla_seconds=settings.sla_minutes * 60,
                    elapsed=sla_clock(settings), usage=days) for window in windows]


def open_items(connection: redis.Redis, now: float) -> list[tuple[Item, CardRef]]:
    """Open questions and complaints that have a card in Slack, oldest first."""
    queue = open_queue(EventLog(connection).awaiting_answer(now - QUEUE_LOOKBACK.total_seconds(), now))
    cards = MentionStore(connection).cards([item.mention_id for item in queue])
    return [(item, card) for item, card in zip(queue, cards, strict=True) if card is not None]


def permalinks(connection: redis.Redis, client: SlackClient, cards: list[CardRef]) -> list[str | None]:
    """Each card's permalink: asked of Slack once per card, then kept."""
    store = PermalinkStore(connection)
    links = store.get_many(cards)
    for index, (card, link) in enumerate(zip(cards, links, strict=True)):
        if link is None:
            try:
                links[index] = client.permalink(card.channel, card.ts)
            except SlackError as exc:
                log.warning("no permalink for card %s/%s: %s", card.channel, card.ts, exc.error)
                continue
            store.set(card, links[index])
    return links


@dataclass(frozen=True)
class BlockedChannel:
    """A channel Slack refuses every message in, and what waits for it."""

    channel: str
    error: str  # Slack's code: not_in_channel, is_archived...
    since: float
    waiting: int


def blocked_channels(connection: redis.Redis) -> list[BlockedChannel]:
    """The channels Slack refuses that have something waiting (an emptied one is tried with its next message)."""
    outbox = Outbox(connection)
    return [BlockedChannel(channel, blocked.error, blocked.since, waiting)
            for channel, blocked in outbox.all_blocked().items() if (waiting := outbox.waiting(channel))]


def open_cards(connection: redis.Redis, client: SlackClient, now: float, shown: int) -> list[OpenCard]:
    """The open queue as the team sees it: who wrote what, and where its card is. Slack is asked for the
    permalinks of the oldest ``shown`` only: the rest are counted, not listed."""
    found = open_items(connection, now)
    links = permalinks(connection, client, [card for _, card in found[:shown]]) + [None] * len(found[shown:])
    mentions = MentionStore(connection).get_many([item.mention_id for item, _ in found])
    cards = []
    for (item, card), link, mention in zip(found, links, mentions, strict=True):
        author, text = (mention.author.username, mention.text) if mention else ("unknown", "")
        cards.append(OpenCard(item, card, author, text, link))
    return cards
