"""The buttons on mention cards, and the reply modal.

Every press is settled before Slack hears back: the person is checked against the team (``authz.team_only``,
before any listener here runs), the card's state is read, and the action is claimed (``ActionLedger``,
``SET NX``) and queued — a double click, two people at once or a redelivery find the claim taken and do nothing. That is Redis work plus at most a Slack call or
two, well inside the 3 seconds; anything touching X is left to a worker (``workers.actions``), which updates
the card for everyone. Claim, unassign, done, dismiss and reopen never touch X: their state change and its
event are one Redis transaction here, and a quick job re-renders the card.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import uuid
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltResponse

from birdhouse import jobs
from birdhouse.errors import SlackError
from birdhouse.models import CardKind, Mark, Mention
from birdhouse.slackclient import SlackClient
from birdhouse.store import Event, EventLog
from birdhouse.store.actions import action_key
from birdhouse.store.cards import DISMISSED, DONE, OPEN, CardStore
from birdhouse.store.events import EventKind
from slackbot.authz import team_only
from slackbot.services import Services
from slackbot.views import mention_card as card
from slackbot.views import notices
from slackbot.views.buttons import ON_X_SUFFIX
from slackbot.views.reply_modal import (CALLBACK_ID, SAVED_ACTION, TEXT_ACTION, ReplyDraft, reply_modal,
                                        submission_errors, typed_text)

log = logging.getLogger(__name__)

# A refusal as said under the reply's input: plain words, where a modal would show emoji codes as text.
IN_MODAL = {notices.NOT_ON_TEAM: "Only the social team (BIRDHOUSE_TEAM) can reply from Birdhouse.",
            notices.TEAM_UNKNOWN: "Birdhouse could not check the team with Slack just now, so nothing was sent. "
                                  "Try again in a moment."}


# The buttons that reach X: the kind of event each writes (which names its action key) and its job.
X_ACTIONS = {card.LIKE: (EventKind.LIKE, jobs.like),
             card.FOLLOW_BACK: (EventKind.FOLLOW_BACK, partial(jobs.follow_back, kind=CardKind.MENTION)),
             card.ESCALATE: (EventKind.ESCALATE, jobs.escalate)}


def _done_by(kind: str, mention: Mention, cards: CardStore) -> str | None:
    state = cards.get(mention.id, mention.author.id)
    done = {EventKind.LIKE: state.liked_by, EventKind.FOLLOW_BACK: state.followed_by,
            EventKind.ESCALATE: state.escalated}[kind]
    return done.user if done else None


def refuse_in_modal(ack: Ack, body: dict[str, Any], slack: SlackClient, text: str) -> BoltResponse:
    """A reply submitted by someone off the team: said under the input, and the modal stays open."""
    draft = ReplyDraft.from_metadata(body["view"]["private_metadata"])
    return ack(response_action="errors", errors={draft.text_block: IN_MODAL.get(text, text)})


class MentionActions:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.cards = CardStore(services.redis)

    def _pressed(self, body: dict[str, Any], action: dict[str, Any]
                 ) -> tuple[str, str, Mention] | None:
        """(user, channel, mention) for a press on a card whose mention is stored."""
        user, channel = body["user"]["id"], body["channel"]["id"]
        mention = self.services.mentions.get(action["value"])
        if mention is None:
            self.services.slack.post_ephemeral(channel, user,
                                               ":ghost: Birdhouse no longer has this mention; nothing was done.")
            return None
        return user, channel, mention

    def _refresh(self, mention_id: str) -> None:
        jobs.update_card(self.services.redis, CardKind.MENTION, mention_id)

    # -- like, follow back, escalate: claimed here, done by a worker -----------------------------------
    def x_action(self, ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        pressed = self._pressed(body, action)
        if pressed is not None:
            user, channel, mention = pressed
            kind, enqueue = X_ACTIONS[action["action_id"]]
            # A follow is keyed by the author, as on their follower card: one follow per person.
            key = action_key(kind, mention.author.id if kind == EventKind.FOLLOW_BACK else mention.id)
            if (done_by := _done_by(kind, mention, self.cards)) is not None:
                self.services.slack.post_ephemeral(channel, user, f"<@{done_by}> already did that.")
                self._refresh(mention.id)  # done elsewhere (a follow from a follower card): show it here too
            elif self.services.claim(key, user):
                enqueue(self.services.redis, key, mention.id, user)
            # else: a double click or a second person; the first press is being carried out.
        ack()

    # -- claim, unassign, done, dismiss, reopen: no X, one transaction ----------------------------------
    def card_action(self, ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        pressed = self._pressed(body, action)
        if pressed is not None:
            user, channel, mention = pressed
            refusal = self._change(action["action_id"], mention.id, Mark(user, self.services.clock()))
            if refusal:
                self.services.slack.post_ephemeral(channel, user, refusal)
            else:
                self._refresh(mention.id)
        ack()

    def _change(self, action_id: str, mention_id: str, mark: Mark) -> str | None:
        """Apply the change and audit it; or say why it was not applied (someone got there first)."""
        state = self.cards.get(mention_id)
        holder = state.claimed_by.user if state.claimed_by else None
        transitions = {
            card.CLAIM: (EventKind.CLAIM, lambda also: self.cards.claim(mention_id, mark, also),
                         f"<@{holder}> has already claimed it."),
            card.UNCLAIM: (EventKind.UNCLAIM, lambda also: self.cards.unclaim(mention_id, mark.user, also),
                           f"Only <@{holder}>, who claimed it, can unassign it." if holder else "Nobody holds it."),
            card.DONE_ACTION: (EventKind.DONE, lambda also: self.cards.change_status(mention_id, OPEN, DONE, mark, also),
                               "It is already closed."),
            card.DISMISS: (EventKind.DISMISS,
                           lambda also: self.cards.change_status(mention_id, OPEN, DISMISSED, mark, also),
                           "It is already closed."),
            card.REOPEN: (EventKind.REOPEN,
                          lambda also: state.closed and self.cards.change_status(mention_id, state.status, OPEN, mark,
                                                                                 also),
                          "It is already open."),
        }
        kind, change, refusal = transitions[action_id]
        event = Event(kind, at=mark.at, mention_id=mention_id, user=mark.user)
        return None if change(lambda pipe: EventLog(pipe).record(event)) else refusal

    # -- reply: a modal, then a worker -----------------------------------------------------------------
    def _modal(self, mention: Mention, draft: ReplyDraft, user: str, **kwargs: Any) -> dict[str, Any]:
        return reply_modal(mention, draft, state=self.cards.get(mention.id), user=user,
                           saved_replies=self.services.settings.saved_replies or (), **kwargs)

    def open_reply(self, ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        pressed = self._pressed(body, action)
        if pressed is not None:
            user, channel, mention = pressed
            draft = ReplyDraft(mention_id=mention.id, nonce=uuid.uuid4().hex, channel=channel)
            self.services.slack.open_view(body["trigger_id"], self._modal(mention, draft, user))
        ack()

    def _update_modal(self, body: dict[str, Any], draft: ReplyDraft, **kwargs: Any) -> None:
        view = body["view"]
        mention = self.services.mentions.get(draft.mention_id)
        if mention is None:
            return
        try:
            self.services.slack.update_view(view["id"], view["hash"],
                                            self._modal(mention, draft, body["user"]["id"], **kwargs))
        except SlackError as exc:
            # hash_conflict: a newer keystroke's update won; it carries the newer count.
            log.info("reply modal not updated: %s", exc.error)

    def typed(self, ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        self._update_modal(body, ReplyDraft.from_metadata(body["view"]["private_metadata"]),
                           text=action.get("value") or "")

    def saved_chosen(self, ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        draft = ReplyDraft.from_metadata(body["view"]["private_metadata"])
        saved = self.services.settings.saved_replies or ()
        index = int(action["selected_option"]["value"])
        if 0 <= index < len(saved):
            self._update_modal(body, dataclasses.replace(draft, fill=draft.fill + 1), prefill=saved[index])

    def submit_reply(self, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        user = body["user"]["id"]
        draft = ReplyDraft.from_metadata(view["private_metadata"])
        text = typed_text(view["state"]["values"], draft)
        if errors := submission_errors(text, draft):
            ack(response_action="errors", errors=errors)
            return
        key = action_key(EventKind.REPLY, draft.nonce)
        # A second submit of the same modal carries the same nonce: only the first is queued.
        if self.services.claim(key, user):
            jobs.reply(self.services.redis, key, draft.mention_id, user, text)
        ack()


def register(app: App, services: Services) -> None:
    actions = MentionActions(services)
    on_the_team = [team_only(services.team)]
    app.action(re.compile(r"^mention\.(like|follow_back|escalate)$"), middleware=on_the_team)(actions.x_action)
    app.action(re.compile(r"^mention\.(claim|unclaim|done|dismiss|reopen)$"),
               middleware=on_the_team)(actions.card_action)
    app.action(card.REPLY, middleware=on_the_team)(actions.open_reply)
    app.action(TEXT_ACTION)(actions.typed)
    app.action(SAVED_ACTION)(actions.saved_chosen)
    app.view(CALLBACK_ID, middleware=[team_only(services.team, refuse_in_modal)])(actions.submit_reply)
    # x.com link buttons open the browser; Slack still reports the click, which only needs an ack.
    app.action(re.compile(r"^mention\..*" + re.escape(ON_X_SUFFIX) + "$"))(lambda ack: ack())
