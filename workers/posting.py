"""Posting to Slack exactly once: mention cards, follower cards, digests and cases alike.

Slack has no idempotency key, and its answer can be lost after it posted (a worker killed, a dropped
connection). So every Birdhouse message carries metadata naming its subject, only its channel's drain posts it
(under the channel's lease), and the first unconfirmed attempt is noted before Slack is asked. A retry that
finds such an attempt looks for the message in the channel's history by its metadata before posting again. The
new message's record and the attempt's confirmation are one transaction; a refusal settles the attempt too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis

from birdhouse.errors import SLACK_TRY_AGAIN, THREAD_REFUSALS, SlackBlocked, SlackError, SlackUnavailable
from birdhouse.store.posts import PostAttempts
from workers.context import Context

log = logging.getLogger(__name__)

SEARCH_METHODS = ("conversations.history", "conversations.replies")  # how find_message looks


def attempt_name(event_type: str, subject_id: str) -> str:
    """What ``PostAttempts`` names the attempts to post a message about ``subject_id`` under ``event_type``."""
    return f"{event_type}:{subject_id}"


@dataclass(frozen=True)
class Subject:
    """What a message is about, as its metadata says: ``event_payload[key] == id`` under ``event_type``."""

    event_type: str
    key: str
    id: str

    @property
    def name(self) -> str:
        return attempt_name(self.event_type, self.id)

    @property
    def metadata(self) -> dict[str, Any]:
        return {"event_type": self.event_type, "event_payload": {self.key: self.id}}


@dataclass(frozen=True)
class Posted:
    ts: str | None  # None when it had been posted already and the caller keeps no ts
    recovered: bool = False  # found in the history after an interrupted attempt
    already: bool = False  # recorded as posted before this job got to it


def post_once(ctx: Context, subject: Subject, channel: str, compose: Callable[[], dict[str, Any]], *,
              posted: Callable[[], str | bool | None], record: Callable[[redis.client.Pipeline, str], None],
              thread_ts: str | None = None) -> Posted:
    """Post ``compose()`` (``text``, ``blocks``) to ``channel`` unless ``posted()`` says it is there, and
    ``record`` the new message's ts on a transaction that also confirms the attempt. The caller is the channel's
    drain (``workers.drain``): its lease keeps every other poster of the channel away, and it took Slack's turn
    for this message before choosing it."""
    if done := posted():
        return Posted(done if isinstance(done, str) else None, already=True)
    attempts = PostAttempts(ctx.redis)
    earlier = attempts.note(subject.name, ctx.clock())
    try:
        found = find_message(ctx, channel, subject, since=earlier, thread_ts=thread_ts) if earlier else None
    except (*SLACK_TRY_AGAIN, SlackBlocked):
        raise  # not searched: it may be there
    except SlackError:
        attempts.settle(subject.name)  # the thread is gone: nothing in it is seen (``find_message``)
        raise
    try:
        ts = found or ctx.slack.post_message(channel, thread_ts=thread_ts, metadata=subject.metadata,
                                             turn_taken=True, **compose())
    except SLACK_TRY_AGAIN:
        raise  # maybe posted: the next attempt searches first
    except SlackError:
        attempts.settle(subject.name)  # refused, and not in the history searched: nothing is in Slack
        raise
    with ctx.redis.pipeline() as pipe:
        record(pipe, ts)
        PostAttempts(pipe).settle(subject.name)
        pipe.execute()
    return Posted(ts, recovered=found is not None)


def take_turn_after(ctx: Context, refusal: SlackError, channel: str) -> None:
    """Before trying a refused message again in another form: a new Slack turn if the refused call was the post,
    which spent the drain's turn (a refused search did not)."""
    if refusal.method == "chat.postMessage":
        ctx.slack.take_turn("chat.postMessage", channel)


def find_message(ctx: Context, channel: str, subject: Subject, since: float,
                 thread_ts: str | None = None) -> str | None:
    """The ts of a message about ``subject`` posted after ``since``, or None. With ``thread_ts`` that thread is
    searched too (history lists only top-level messages), after the channel."""
    for thread in (None, thread_ts) if thread_ts is not None else (None,):
        cursor = None
        while True:
            try:
                page = ctx.slack.history_page(channel, oldest=f"{since - 1:.6f}", cursor=cursor, thread_ts=thread)
            except SlackBlocked:
                # The app may not read the channel (removed from it, a channels:history scope missing): the channel
                # waits, blocked, with this message at its head, and is searched again then.
                raise
            except SlackError as exc:
                if thread is not None and exc.error in THREAD_REFUSALS:
                    # The thread is gone (its root card deleted): nothing in it is seen, and the message needs a
                    # place of its own, as when Slack refuses to post in it.
                    raise
                # Without history we cannot tell; posting again risks a duplicate, not posting risks a loss.
                # Whether it was posted is unknown, as when Slack did not answer: the message stays in its outbox.
                log.error("cannot search #%s for %s: %s", channel, subject.name, exc.error)
                raise SlackUnavailable(exc.method, exc.error) from exc
            for message in page["messages"]:
                metadata = message.get("metadata") or {}
                if (metadata.get("event_type") == subject.event_type
                        and metadata.get("event_payload", {}).get(subject.key) == subject.id):
                    return message["ts"]
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not page.get("has_more") or not cursor:
                break
    return None
