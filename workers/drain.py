"""Posting each channel's outbox at Slack's pace, most urgent first: one drain per channel, wherever it runs.

Every worker process runs a ``Drainer`` beside its RQ worker. For each channel with something waiting it tries
the channel's lease; the one that gets it posts, one message at a time: it waits for Slack's next free turn
and takes it (``SlackClient.take_turn``), then takes the most urgent member at that moment, so an urgent mention that
arrives behind a hundred others goes out next. The lease is renewed while the drain lives and expires a few
seconds after its process dies, when another process's drainer takes the channel over. A member leaves the
outbox only once its message is recorded, and ``post_once`` finds a message whose answer was lost, so a
takeover posts nothing twice.

When more is waiting than Slack can post within ``BIRDHOUSE_DIGEST_AFTER`` seconds, the least urgent mentions
are folded into digest messages (``workers.backlog.to_fold``).

When Slack refuses the channel itself (``SlackBlocked``: the app removed from it, the channel archived, the token
revoked), every message waits in its place and the channel is tried again every ``BLOCKED_RETRY_SECONDS`` with
its most urgent one, so a channel nobody can post to costs one call a while, not one per message per poll.

What the drain posts is every Birdhouse message to a channel: cards and mention digests (posted here), and the
cases, SLA posts and follower digests whose posters the composition root (``workers.runner.POSTERS``) hands in,
so the drain needs no module that decides them. Each poster runs under the channel's lease and posts with
``post_once``.

A poster also says which channel its kind belongs in now. After an operator points a setting at another channel,
what waited in the old channel's outbox moves to the new one's, keeping its place: a card is then posted by one
drain only, and a digest or a case goes where the team now looks, even if the old channel is archived.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis

from birdhouse.errors import (SLACK_TRY_AGAIN, TOKEN_REFUSALS, SlackBlocked, SlackError, SlackRateLimited,
                              unblocking)
from birdhouse.models import CardKind
from birdhouse.settings import Settings
from birdhouse.slackclient import pace_of
from birdhouse.store import CardRef
from birdhouse.store.leases import HeldLease
from birdhouse.store.outbox import Digests, Outbox, member, parse_member
from birdhouse.store.posts import PostAttempts
from slackbot.views.mention_digest import mention_digest
from workers.backlog import Band, cards_in_time, to_fold
from workers.cards import CardType, post_card
from workers.context import Context
from workers.mention_cards import MENTION_CARDS
from workers.posting import Subject, attempt_name, post_once

log = logging.getLogger(__name__)

LEASE_SECONDS = 5.0  # a dead drain's channel is taken over this long after its last renewal
IDLE_WAIT = 0.2  # an idle drainer is woken by anything queued, and looks anyway this often
BACKOFF_SECONDS = 2.0  # after Slack did not answer, before trying the message again
UNANSWERED_IN_A_ROW = 3  # then the channel's drain ends, and the next round begins it again
BLOCKED_RETRY_SECONDS = 30.0  # a channel Slack refuses is tried again this often
DIGEST_EVENT = "birdhouse_digest"



@dataclass(frozen=True)
class Poster:
    """How the drain posts one kind of outbox member."""

    post: Callable[[Context, str, str], dict[str, Any]]  # (context, channel, subject id): exactly once, under the lease
    event_type: str  # its messages' metadata, which names its post attempts (``Subject.name``)
    # The channel a member (by its subject id) belongs in now; None: the one it was queued in.
    home: Callable[[Settings, str], str | None] = lambda settings, subject_id: None
    in_outbox_channel: bool = True  # posted in the channel whose outbox holds it (a card goes where its draft says)


def queue_cards(ctx: Context, cards: CardType, subject_ids: list[str]) -> int:
    """Hand cards to their channel's outbox (a card already waiting keeps its place); the number handed."""
    entries = {member(cards.kind, subject_id): place
               for subject_id, place in cards.queue_places(ctx, subject_ids).items()}
    Outbox(ctx.redis).add(cards.channel(ctx.settings), entries, waiting_in=cards.unposted_key)
    return len(entries)


def request_card(ctx: Context, channel: str, mention_id: str) -> None:
    """A card asked for from a digest line: first in its channel's outbox."""
    queue_message(ctx, channel, member(CardKind.MENTION, mention_id), Band.REQUESTED)


def queue_message(ctx: Context, channel: str, name: str, band: Band, details: dict[str, Any] | None = None) -> None:
    """Hand a message that is not a card (``name``, a member) to its channel's outbox at ``band``, with what its
    poster needs beyond the store (read back with ``details_of``)."""
    outbox, place = Outbox(ctx.redis), (band, ctx.clock())
    if details is None:
        outbox.add(channel, {name: place})
    else:
        outbox.add_with_details(channel, name, place, details)


def details_of(ctx: Context, name: str) -> dict[str, Any]:
    """What ``queue_message`` kept for the member ``name``."""
    kept = Outbox(ctx.redis).details(name)
    if kept is None:
        raise LookupError(f"{name} was queued without its details; nothing to post")
    return kept


def drain_channel(ctx: Context, channel: str, posters: dict[str, Poster],
                  stop: threading.Event | None = None) -> int:
    """Post the channel's outbox until it is empty (or ``stop``), if its lease is free; the messages posted, or
    moved to the channel they belong in now."""
    outbox = Outbox(ctx.redis)
    posted = unanswered = 0
    lease = HeldLease(ctx.redis, f"drain:{channel}", LEASE_SECONDS)
    with lease as held:
        if not held:
            return 0
        posted += rehome(ctx, channel, posters)
        blocked = outbox.blocked(channel)  # read under the lease: the last holder may have just been refused
        if blocked is not None and ctx.clock() < blocked.until:
            return posted
        while not (stop is not None and stop.is_set()) and not lease.lost.is_set():
            ctx.slack.take_turn("chat.postMessage", channel)
            waiting, head = outbox.waiting_and_head(channel)
            # Nothing is folded while Slack refuses the channel: a digest would wait as long as the cards, and
            # once a message goes the backlog is folded as it then stands.
            if blocked is None and fold(ctx, channel, waiting):
                waiting, head = outbox.waiting_and_head(channel)
            if head is None:
                ctx.slack.give_back_turn("chat.postMessage", channel)
                break
            name, _band = head
            try:
                post_member(ctx, channel, name, posters)
            except SLACK_TRY_AGAIN as exc:  # it stays, and post_once checks before posting again
                log.warning("Slack did not take %s in %s: %s", name, channel, exc.error)
                unanswered += 1
                if unanswered >= UNANSWERED_IN_A_ROW:
                    break  # Slack is down: the channel waits for the next round
                if stop is not None:
                    stop.wait(exc.retry_after if isinstance(exc, SlackRateLimited) else BACKOFF_SECONDS)
                continue
            except SlackBlocked as exc:
                if exc.channel in (channel, None) or exc.error in TOKEN_REFUSALS:  # nothing here would go: all waits
                    now = ctx.clock()
                    outbox.block(channel, exc.error, now, now + BLOCKED_RETRY_SECONDS)
                    if blocked is None:
                        log.error("Slack refuses every message in %s (%s): %d wait, tried again every %.0f s; %s",
                                  channel, exc.error, outbox.waiting(channel), BLOCKED_RETRY_SECONDS,
                                  unblocking(exc.error))
                    break
                # Refused in another channel (the note to a case's presser, in the card's channel): this message
                # alone is refused.
                log.error("Slack refused %s in %s: %s in %s", name, channel, exc.error, exc.channel)
            except SlackError as exc:  # refused: its mentions are unposted (again), for the next poll to hand back
                log.error("Slack refused %s in %s: %s", name, channel, exc.error)
            except LookupError as exc:
                log.error("%s", exc)
            except redis.RedisError:
                raise  # Redis is away: the member stays, for this drain's next round
            except Exception:  # a poster's bug must not hold up the channel behind one message, round after round
                log.exception("posting %s in %s failed; it leaves the outbox", name, channel)
            else:
                posted += 1
                if blocked is not None:
                    outbox.unblock(channel)
                    log.warning("Slack takes messages in %s again", channel)
                    blocked = None
            unanswered = 0
            outbox.remove(channel, name)
    return posted


def post_member(ctx: Context, channel: str, name: str, posters: dict[str, Poster]) -> dict[str, Any]:
    kind, subject_id = parse_member(name)
    poster = posters.get(kind)
    if poster is None:  # queued by a version that knew a kind this one does not
        raise LookupError(f"{name} in {channel} is of no kind this version posts; it leaves the outbox")
    return poster.post(ctx, channel, subject_id)


def rehome(ctx: Context, channel: str, posters: dict[str, Poster]) -> int:
    """Move what waits in ``channel`` but belongs in another channel now to that channel's outbox; the number
    moved. A message posted in its outbox's channel whose post was attempted and not settled stays: it may be in
    this channel's history, where its next attempt looks for it."""
    outbox = Outbox(ctx.redis)
    elsewhere: dict[str, tuple[str, str | None]] = {}  # member -> (its home, its post attempt if that must be settled)
    for name, _band in outbox.queued(channel):
        kind, subject_id = parse_member(name)
        poster = posters.get(kind)
        if poster is not None and (home := poster.home(ctx.settings, subject_id)) not in (None, channel):
            elsewhere[name] = home, attempt_name(poster.event_type, subject_id) if poster.in_outbox_channel else None
    if not elsewhere:
        return 0
    unsettled = PostAttempts(ctx.redis).unsettled([attempt for _home, attempt in elsewhere.values() if attempt])
    moving = [(name, home) for name, (home, attempt) in elsewhere.items()
              if attempt is None or attempt not in unsettled]
    for home in {home for _name, home in moving}:
        outbox.move(channel, home, [name for name, to in moving if to == home])
    if moving:
        log.warning("moved %d messages waiting in %s to the channels they belong in now", len(moving), channel)
    return len(moving)


def drain_posters(kinds: dict[CardKind, CardType]) -> dict[str, Poster]:
    """The posters of what the drain itself makes: each kind of card, and mention digests."""
    def card_poster(cards: CardType) -> Poster:
        return Poster(lambda ctx, channel, subject_id: post_card(ctx, cards, subject_id), cards.event_type,
                      lambda settings, subject_id: cards.channel(settings), in_outbox_channel=False)

    return {**{str(kind): card_poster(cards) for kind, cards in kinds.items()},
            "digest": Poster(post_digest, DIGEST_EVENT, lambda settings, digest_id: MENTION_CARDS.channel(settings))}


# -- digests -----------------------------------------------------------------------------------------------
def fold(ctx: Context, channel: str, waiting: int) -> int:
    """Fold what cannot be posted in time (of the ``waiting`` members) into digests; the mentions folded."""
    outbox = Outbox(ctx.redis)
    pace = pace_of("chat.postMessage", channel, ctx.settings.slack_pace)
    fits = cards_in_time(ctx.settings.digest_after, pace.rate, int(pace.capacity))
    if waiting <= fits:
        return 0
    folded = 0
    backlog = outbox.head(channel, waiting)
    for lines in to_fold(backlog, fits, cards_only(ctx, [name for name, _ in backlog])):
        mention_ids = sorted((parse_member(name)[1] for name in lines), key=int)
        Digests(ctx.redis).fold(channel, uuid.uuid4().hex[:12], mention_ids, Band.DIGEST, ctx.clock(),
                                ctx.mentions.UNPOSTED)
        folded += len(mention_ids)
    return folded


def cards_only(ctx: Context, names: list[str]) -> frozenset[str]:
    """The mention cards among ``names`` that must not be folded: those whose post was attempted and not
    confirmed (Slack may show them), and the lines of a digest Slack refused."""
    mentions = {parse_member(name)[1]: name for name in names if name.startswith("mention:")}
    subjects = {Subject(MENTION_CARDS.event_type, MENTION_CARDS.subject_key, mention_id).name: name
                for mention_id, name in mentions.items()}
    attempted = {subjects[subject] for subject in PostAttempts(ctx.redis).unsettled(list(subjects))}
    refused = {mentions[mention_id] for mention_id in Digests(ctx.redis).refused_lines(list(mentions))}
    return frozenset(attempted | refused)


def post_digest(ctx: Context, channel: str, digest_id: str) -> dict[str, Any]:
    digests = Digests(ctx.redis)
    mention_ids = digests.lines(digest_id)
    mentions = [mention for mention_id in mention_ids if (mention := ctx.mentions.get(mention_id)) is not None]

    def compose() -> dict[str, Any]:
        text, blocks = mention_digest(mentions)
        return {"text": text, "blocks": blocks}

    try:
        posted = post_once(ctx, Subject(DIGEST_EVENT, "digest_id", digest_id), channel, compose,
                           posted=lambda: (card := digests.card(digest_id)) and card.ts,
                           record=lambda pipe, ts: Digests(pipe).set_card(digest_id, CardRef(channel, ts)))
    except (*SLACK_TRY_AGAIN, SlackBlocked):
        raise  # maybe posted, or the channel refused: it stays in the outbox, its lines folded
    except SlackError:
        # Refused, so not posted: its lines are unposted mentions again, handed back by the next poll as cards (one
        # line may be what Slack refused: folded again, it would take the others down with it every time).
        digests.unfold(digest_id, ctx.mentions.UNPOSTED)
        raise
    return {"digest": posted.ts, "lines": len(mentions)}


# -- the loop in every worker process ----------------------------------------------------------------------
def drain_all(ctx: Context, posters: dict[str, Poster], stop: threading.Event | None = None) -> int:
    """One round over every channel with something waiting; the messages posted (or moved)."""
    outbox = Outbox(ctx.redis)
    return sum(drain_channel(ctx, channel, posters, stop) for channel in outbox.channels()
               if outbox.ready(channel, ctx.clock()))


class Drainer:
    """Beside every RQ worker: a thread per channel with something waiting, so one channel's long backlog at
    Slack's pace never holds up another's cards (each thread posts only if it wins the channel's lease)."""

    def __init__(self, ctx: Context, posters: dict[str, Poster]) -> None:
        self.ctx = ctx
        self.posters = posters

    def run(self, stop: threading.Event) -> None:
        draining: dict[str, threading.Thread] = {}
        while not stop.is_set():
            try:
                outbox = Outbox(self.ctx.redis)
                for channel in outbox.channels():
                    thread = draining.get(channel)
                    if (thread is None or not thread.is_alive()) and outbox.ready(channel, self.ctx.clock()):
                        draining[channel] = threading.Thread(target=self._drain, args=(channel, stop), daemon=True,
                                                             name=f"birdhouse-drain-{channel}")
                        draining[channel].start()
                outbox.wait_for_more(IDLE_WAIT)
            except redis.RedisError:
                log.warning("Redis is away; draining again when it is back")
                stop.wait(IDLE_WAIT)

    def _drain(self, channel: str, stop: threading.Event) -> None:
        try:
            drain_channel(self.ctx, channel, self.posters, stop)
        except redis.RedisError:
            log.warning("Redis is away; draining %s again when it is back", channel)
        except Exception:
            log.exception("draining %s failed; trying again", channel)
