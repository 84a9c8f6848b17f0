"""Scripted button presses for ``make demo``: someone on the team acts on a card, as Slack would send it.

Takes the demo's SlackEmulator (anything with its ``messages``, ``click``, ``views`` and ``submit_view``);
the press travels signed over HTTP to the app like any other, and a worker carries it out.
"""

from __future__ import annotations

import json
from typing import Any

from slackbot.views.mention_card import KIND_LABELS

ACTIONS = ("reply", "like", "follow_back", "escalate", "claim", "done", "dismiss")


def _button_ids(message: dict[str, Any]) -> set[str]:
    return {element["action_id"] for block in message.get("blocks", []) if block["type"] == "actions"
            for element in block["elements"]}


def _kind(message: dict[str, Any]) -> str | None:
    """The headline triage kind a card shows, read back from its triage line."""
    triage = next((block for block in message.get("blocks", []) if block.get("block_id") == "triage"), None)
    text = triage["elements"][0]["text"] if triage else ""
    return next((kind for kind, label in KIND_LABELS.items() if text.startswith(label)), None)


def press(slack: Any, user: str, channel: str, action: str, *, kind: str | None = None,
          mention_id: str | None = None, reply_text: str | None = None) -> str | None:
    """Press ``action`` on the newest card in ``channel`` that offers it, shows triage ``kind`` and is the card
    of ``mention_id``, for those given (for ``reply``: open the modal and submit ``reply_text``, by default a
    thank-you naming the post). The mention id acted on, or None when no card fits. ``user`` must be on
    BIRDHOUSE_TEAM, or the press is refused as it would be in Slack."""
    if action not in ACTIONS:
        raise ValueError(f"action must be one of {ACTIONS}, not {action!r}")
    action_id = f"mention.{action}"
    card = next((m for m in reversed(slack.messages(channel))
                 if action_id in _button_ids(m) and kind in (None, _kind(m))
                 and mention_id in (None, m["metadata"]["event_payload"]["tweet_id"])), None)
    if card is None:
        return None
    mention_id = card["metadata"]["event_payload"]["tweet_id"]
    slack.click(user, channel, card["ts"], action_id)
    if action == "reply":
        view = next((v for v in slack.views.values() if v["callback_id"] == action_id
                     and json.loads(v["private_metadata"])["mention_id"] == mention_id), None)
        if view is None:
            return None
        text = reply_text or f"Thanks for reaching out! Someone from the team is on it (ref {mention_id[-6:]})."
        slack.submit_view(user, view["id"], {"reply_text": {"reply.text": text}})
    return mention_id
