"""The reply modal: the post quoted, who else is on it, saved replies, a text input and X's length count.

Slack modals cannot run code as someone types, so the count is kept live the closest way Slack allows: the
text input dispatches a block_action on every character entered (``dispatch_action`` with
``trigger_actions_on: on_character_entered``; Slack sends them as the person pauses), and the app answers
with ``views.update`` re-rendering the count line. The input keeps what was typed because its block_id and
action_id do not change. Choosing a saved reply does change the input's block_id (``reply_text.<n>``): that
is the one way Slack lets an app put new text into an input a person has already touched.
Submitting checks the text again, and problems appear under the input (``response_action: errors``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from birdhouse.defaults import SECTION_TEXT_LIMIT
from birdhouse.models import Mention
from birdhouse.store.cards import CardState
from birdhouse.tweet_length import MAX_WEIGHTED_LENGTH, reply_problem, weighted_length
from slackbot.views import mrkdwn

CALLBACK_ID = "mention.reply"
TEXT_BLOCK = "reply_text"
TEXT_ACTION = "reply.text"
SAVED_BLOCK, SAVED_ACTION = "saved", "reply.saved"
LENGTH_BLOCK = "length"
OPTION_TEXT_LIMIT = 75
INPUT_LIMIT = 3000  # Slack's own cap for plain_text_input; X's weighted limit is checked separately


@dataclass(frozen=True)
class ReplyDraft:
    """What the modal carries between renders, in private_metadata. ``nonce`` names this one reply: a
    double submit of the same modal carries the same nonce and is posted once."""

    mention_id: str
    nonce: str
    channel: str
    fill: int = 0  # how many times a saved reply was put into the input (its block_id suffix)

    def metadata(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_metadata(cls, raw: str) -> ReplyDraft:
        return cls(**json.loads(raw))

    @property
    def text_block(self) -> str:
        return f"{TEXT_BLOCK}.{self.fill}" if self.fill else TEXT_BLOCK


def length_line(text: str) -> str:
    length = weighted_length(text)
    rule = "links count 23, most emoji and CJK characters 2"
    if length > MAX_WEIGHTED_LENGTH:
        return f":warning: *{length}/{MAX_WEIGHTED_LENGTH}*, {length - MAX_WEIGHTED_LENGTH} over X's limit ({rule})"
    return f"{length}/{MAX_WEIGHTED_LENGTH} as X counts ({rule})"


def _others(state: CardState, user: str) -> list[str]:
    """What someone about to reply should know: another person holds the card, or it was answered."""
    notes = []
    if state.claimed_by and state.claimed_by.user != user:
        notes.append(f":raising_hand: <@{state.claimed_by.user}> has claimed this mention: check with them first.")
    for reply in state.replies:
        notes.append(f":leftwards_arrow_with_hook: <@{reply.user}> already replied: {mrkdwn.escape(reply.text)}")
    return notes


def reply_modal(mention: Mention, draft: ReplyDraft, *, state: CardState, user: str,
                saved_replies: tuple[str, ...] = (), text: str = "",
                prefill: str | None = None) -> dict[str, Any]:
    """``text`` is what the input holds now (for the count); ``prefill`` puts a saved reply in the input."""
    quoted = f"*{mrkdwn.escape(mention.author.name)}* (@{mention.author.username}) wrote:\n{mrkdwn.quote(mention.text)}"
    blocks: list[dict[str, Any]] = []
    if notes := _others(state, user):
        blocks.append({"type": "context", "block_id": "others",
                       "elements": [{"type": "mrkdwn", "text": mrkdwn.truncate(note, SECTION_TEXT_LIMIT)}
                                    for note in notes[:10]]})
    blocks.append({"type": "section", "block_id": "post",
                   "text": {"type": "mrkdwn", "text": mrkdwn.truncate(quoted, SECTION_TEXT_LIMIT)}})
    if saved_replies:
        options = [{"text": {"type": "plain_text", "text": mrkdwn.truncate(saved, OPTION_TEXT_LIMIT)},
                    "value": str(index)} for index, saved in enumerate(saved_replies[:100])]
        blocks.append({"type": "actions", "block_id": SAVED_BLOCK, "elements": [{
            "type": "static_select", "action_id": SAVED_ACTION, "options": options,
            "placeholder": {"type": "plain_text", "text": "Start from a saved reply"}}]})
    element: dict[str, Any] = {
        "type": "plain_text_input", "action_id": TEXT_ACTION, "multiline": True, "max_length": INPUT_LIMIT,
        "dispatch_action_config": {"trigger_actions_on": ["on_character_entered"]},
        "placeholder": {"type": "plain_text", "text": f"Reply to @{mention.author.username}"},
    }
    if prefill is not None:
        element["initial_value"] = prefill
        text = prefill
    blocks.append({"type": "input", "block_id": draft.text_block, "dispatch_action": True,
                   "label": {"type": "plain_text", "text": "Your reply (posted on X as the brand)"},
                   "element": element})
    blocks.append({"type": "context", "block_id": LENGTH_BLOCK,
                   "elements": [{"type": "mrkdwn", "text": length_line(text)}]})
    return {
        "type": "modal", "callback_id": CALLBACK_ID, "private_metadata": draft.metadata(),
        "title": {"type": "plain_text", "text": "Reply on X"},
        "submit": {"type": "plain_text", "text": "Post reply"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def typed_text(values: dict[str, dict[str, Any]], draft: ReplyDraft) -> str:
    """The reply text from a view's ``state.values`` (None-safe: an untouched input has no value)."""
    return (values.get(draft.text_block, {}).get(TEXT_ACTION, {}).get("value") or "")


def submission_errors(text: str, draft: ReplyDraft) -> dict[str, str]:
    """``response_action: errors`` for the input, or {} when the text can go to X."""
    problem = reply_problem(text)
    return {draft.text_block: problem} if problem else {}
