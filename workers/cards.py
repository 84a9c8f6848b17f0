"""The life of a card in Slack, whatever it shows: composed from what is stored, posted exactly once, updated in
place for everyone, and acted on through its buttons (``workers.actions``).

A kind of card (``mention_cards``, ``follower_cards``) says what its card shows, where it goes and where its
message is kept; everything else is done here, the same way for every kind. Posting is
``workers.posting.post_once``, called by the drain of the card's channel (``workers.drain``), which alone posts
to that channel, in its outbox's order.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

import redis
from rq import get_current_job

from birdhouse.errors import CONTENT_REFUSALS, SLACK_TRY_AGAIN, THREAD_REFUSALS, SlackBlocked, SlackError
from birdhouse.models import CardKind
from birdhouse.settings import Settings
from birdhouse.store import CardRef
from birdhouse.store.leases import HeldLease
from birdhouse.store.card_updates import PendingUpdates
from birdhouse.store.posts import RefusedCards
from slackbot.views.notices import plain_card, text_card
from workers.backlog import Band
from workers.context import Context
from workers.posting import Posted, Subject, post_once, take_turn_after

RENDER_LEASE_SECONDS = 5.0  # renewed while a render runs (a chat.update may wait on Slack); a dead one's frees


@dataclass(frozen=True)
class Message:
    text: str  # the notification text, where blocks are not shown
    blocks: list[dict[str, Any]]


@dataclass(frozen=True)
class Placement:
    """Where a new card goes."""

    channel: str
    thread_ts: str | None = None
    broadcast: bool = False  # a card in a thread shown in the channel too
    starts_conversation: str | None = None  # the conversation whose later mentions go under this card


@dataclass(frozen=True)
class Draft:
    """A new card: where it goes and what it shows, from one reading of its subject."""

    placement: Placement
    message: Message


@dataclass(frozen=True)
class FollowTarget:
    """Whom a card's Follow back follows, and how the audit log tells which card it was pressed on."""

    x_user_id: str
    mention_id: str | None
    data: dict[str, Any]


class CardType(Protocol):
    kind: CardKind
    event_type: str  # message metadata naming the card's subject, to find it again after a lost answer
    subject_key: str
    unposted_key: str  # the Redis set of subjects whose card is not in Slack yet

    def channel(self, settings: Settings) -> str: ...

    def draft(self, ctx: Context, subject_id: str) -> Draft | None:
        """The new card; None when its subject is not stored."""

    def compose(self, ctx: Context, subject_id: str) -> Message | None:
        """The card as it stands, to update it; None when its subject is not stored."""

    def ref(self, ctx: Context, subject_id: str) -> CardRef | None: ...

    def record(self, pipe: redis.client.Pipeline, subject_id: str, ref: CardRef, placement: Placement) -> None:
        """Write where the card is, on ``pipe`` (a transaction)."""

    def unposted(self, ctx: Context) -> list[str]: ...

    def queue_places(self, ctx: Context, subject_ids: list[str]) -> dict[str, tuple[Band, float]]:
        """Each card's band in the channel's outbox and when it came (oldest first within a band), read in one
        go; a subject that is not stored is left out."""

    def follow_target(self, ctx: Context, subject_id: str) -> FollowTarget: ...


# -- the lifecycle -----------------------------------------------------------------------------------------
class Form(StrEnum):
    """How a card is posted: as composed, or plainer after Slack refused it (``next_form``)."""

    FULL = "full"
    UNTHREADED = "unthreaded"  # as composed, in the channel instead of a thread Slack refused
    PLAIN = "plain"  # its notification text and its buttons
    TEXT = "text"  # its notification text alone


def next_form(refused: Form, error: str) -> Form:
    """The form to try after Slack refused a card posted in ``refused`` with ``error``: a refused thread costs only
    the thread; a refused layout, the layout, then the buttons. Any other refusal (of the metadata, say) is no
    plainer form's to mend: the card keeps its form."""
    if error in THREAD_REFUSALS and refused is Form.FULL:
        return Form.UNTHREADED
    if error in CONTENT_REFUSALS or error in THREAD_REFUSALS:
        return Form.TEXT if refused in (Form.PLAIN, Form.TEXT) else Form.PLAIN
    return refused


def plainer(ctx: Context, subject: Subject, form: Form, exc: SlackError, *, keep_buttons: bool = False) -> Form:
    """The form to try after Slack refused the card in ``form``, noted for the card; ``exc`` raised again when no
    plainer form mends that refusal (or, with ``keep_buttons``, none that keeps the buttons)."""
    after = next_form(form, exc.error)
    if after is form or (keep_buttons and after is Form.TEXT):
        raise exc
    RefusedCards(ctx.redis).note(subject.name, after, exc.error)
    return after


def refused_form(ctx: Context, subject: Subject) -> tuple[Form, str]:
    """The form a card is posted and updated in, and Slack's error that made it so ("" for none)."""
    noted = RefusedCards(ctx.redis).get(subject.name)
    return (Form(noted[0]), noted[1]) if noted else (Form.FULL, "")


def in_form(message: Message, form: Form, error: str) -> Message:
    if form is Form.PLAIN:
        actions = [block for block in message.blocks if block.get("type") == "actions"]
        return Message(message.text, plain_card(message.text, actions, error))
    if form is Form.TEXT:
        return Message(text_card(message.text, error), [])
    return message


def post_card(ctx: Context, cards: CardType, subject_id: str) -> dict[str, Any]:
    """Post the card, once. A card Slack refuses for what it shows is tried again at once in a plainer form
    (``next_form``), so it reaches the channel rather than being refused at every poll."""
    draft = cards.draft(ctx, subject_id)
    if draft is None:
        raise LookupError(f"{cards.kind} {subject_id} is not stored; nothing to post")
    subject = Subject(cards.event_type, cards.subject_key, subject_id)
    form, error = refused_form(ctx, subject)
    while True:
        place, message = draft.placement, in_form(draft.message, form, error)
        if form is not Form.FULL:
            place = dataclasses.replace(place, thread_ts=None, broadcast=False)
        try:
            posted = _post(ctx, cards, subject, place, message)
        except (*SLACK_TRY_AGAIN, SlackBlocked):
            raise  # not the card's fault: it is posted as it is, later
        except SlackError as exc:
            form, error = plainer(ctx, subject, form, exc), exc.error
            take_turn_after(ctx, exc, place.channel)
            continue
        return {"posted": posted.ts, "recovered": posted.recovered, "already": posted.already,
                "thread": place.thread_ts, "broadcast": place.broadcast, "form": form}


def _post(ctx: Context, cards: CardType, subject: Subject, place: Placement, message: Message) -> Posted:
    def compose() -> dict[str, Any]:
        return {"text": message.text, "blocks": message.blocks or None, "reply_broadcast": place.broadcast}

    # Only the drain holding the channel's lease posts cards: that lease is what keeps two posts apart.
    return post_once(
        ctx, subject, place.channel, compose,
        posted=lambda: (card := cards.ref(ctx, subject.id)) and card.ts,
        record=lambda pipe, ts: cards.record(pipe, subject.id, CardRef(place.channel, ts), place),
        thread_ts=place.thread_ts,
    )


def update_card(ctx: Context, cards: CardType, subject_id: str) -> dict[str, Any]:
    """Re-render the card from what is stored, in the form it was posted in. One renderer at a time per card,
    reading the state inside its lease; an update that finds the lease taken leaves its mark and returns at once,
    and the holder renders again before letting go, so the last update always shows the latest state and no
    worker waits."""
    card = cards.ref(ctx, subject_id)
    if card is None:
        return {"skipped": "no card"}
    subject = Subject(cards.event_type, cards.subject_key, subject_id)
    form, error = refused_form(ctx, subject)
    if form is Form.TEXT:
        return {"skipped": "text only"}  # nothing on it changes
    pending = PendingUpdates(ctx.redis)
    pending.mark(cards.kind, subject_id)
    job = get_current_job()
    rendered = 0
    while pending.pending(cards.kind, subject_id):
        lease = HeldLease(ctx.redis, f"render:{cards.kind}:{subject_id}", RENDER_LEASE_SECONDS,
                          token=job.id if job else None)
        with lease as held:
            if not held:
                break  # another renderer holds it: it renders again before letting go
            while not lease.lost.is_set() and pending.take(cards.kind, subject_id):
                message = cards.compose(ctx, subject_id)
                if message is None:
                    return {"skipped": "not stored"}
                shown = in_form(message, form, error)
                try:
                    ctx.slack.update_message(card.channel, card.ts, text=shown.text, blocks=shown.blocks)
                except (*SLACK_TRY_AGAIN, SlackBlocked):
                    raise  # the next change renders it again
                except SlackError as exc:
                    # Refused for what it shows (a new reply's text, say): shown plainer from now on, but never as
                    # text alone, which an update cannot make of a card with buttons.
                    form, error = plainer(ctx, subject, form, exc, keep_buttons=True), exc.error
                    pending.mark(cards.kind, subject_id)
                    continue
                rendered += 1
            if lease.lost.is_set():  # another renderer took over mid-render: it renders again, after this one
                pending.mark(cards.kind, subject_id)
    return {"updated": card.ts, "rendered": rendered}
