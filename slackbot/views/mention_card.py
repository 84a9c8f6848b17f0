"""The mention card: who wrote, what they wrote (safely), how triage read it, a link to the post, what the
team has done about it, and the buttons to do more.

Always rendered whole from the mention, its card state and the X access level, so whoever updates the card
(a worker after X answered, the app after a claim) shows the same thing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from birdhouse.defaults import SECTION_TEXT_LIMIT
from birdhouse.models import Author, Mention
from birdhouse.store.capabilities import XAccess
from birdhouse.store.cards import DISMISSED, DONE, CardState
from birdhouse.store.events import EventKind
from slackbot.views import mrkdwn
from slackbot.views.buttons import button, follow_back_button, like_button

KIND_LABELS = {
    "complaint": ":rotating_light: Complaint",
    "question": ":question: Question",
    "praise": ":sparkling_heart: Praise",
    "spam": ":no_entry_sign: Spam",
    "noise": ":zzz: Noise",
    "other": ":speech_balloon: Mention",
}
# action_ids are stable: the listeners and the stats read them. Every button's value is the mention id.
REPLY, LIKE, FOLLOW_BACK, ESCALATE = "mention.reply", "mention.like", "mention.follow_back", "mention.escalate"
CLAIM, UNCLAIM, DONE_ACTION, DISMISS, REOPEN = ("mention.claim", "mention.unclaim", "mention.done",
                                                "mention.dismiss", "mention.reopen")
CLOSED_LABELS = {DONE: ":white_check_mark: Done", DISMISSED: ":wastebasket: Dismissed (noise/spam)"}
REFUSED_NOTES = {
    EventKind.LIKE: "Liking through the API is not in this X access level (X answered 403 client-not-enrolled; "
            "self-serve tiers lost it in April 2026): use *Like on x.com*.",
    EventKind.FOLLOW_BACK: "Following through the API is not in this X access level (X answered 403 "
                   "client-not-enrolled; self-serve tiers lost it in April 2026): use *Follow on x.com*.",
}
VERIFIED_MARKS = {"blue": ":large_blue_circle: verified", "business": ":large_yellow_circle: business",
                  "government": ":white_circle: government"}


def author_line(author: Author) -> str:
    parts = [f"*{mrkdwn.escape(author.name)}*", mrkdwn.link(author.profile_url, "@" + author.username)]
    if author.verified_type in VERIFIED_MARKS:
        parts.append(VERIFIED_MARKS[author.verified_type])
    parts.append(f"{author.reach} followers")
    return " · ".join(parts)


def triage_line(triage: dict[str, Any]) -> str:
    """Every label triage set, headline first, then priority and language when they matter."""
    if not triage:
        return KIND_LABELS["other"]
    kind = triage.get("kind", "other")
    labels = [KIND_LABELS[kind]] + [KIND_LABELS[label] for label in ("complaint", "question", "praise")
                                    if label != kind and triage.get(label)]
    language = triage.get("language", "und")
    if triage.get("ranked", True):
        labels.append(f"priority {triage.get('priority', 0)}")
    elif language != "und":  # "und" is emoji or links only: no language to name, nothing to rank
        labels.append(f"not ranked (language: {mrkdwn.escape(language)})")
    return " · ".join(labels)


def fallback_text(mention: Mention) -> str:
    """The notification text: shown where blocks are not (push notifications, screen readers)."""
    kind = mention.triage.get("kind", "other")
    return mrkdwn.truncate(f"{kind.capitalize()} from @{mrkdwn.escape(mention.author.username)}: "
                           f"{mrkdwn.escape(mention.text)}", SECTION_TEXT_LIMIT)


def _when(at: float) -> str:
    return mrkdwn.date(datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "{time}")


def status_lines(state: CardState) -> list[str]:
    """Who did what, newest facts last. Slack user ids render as names (``<@U…>``)."""
    lines = []
    if state.closed and state.status_by:
        lines.append(f"{CLOSED_LABELS[state.status]} by <@{state.status_by.user}> at {_when(state.status_by.at)}")
    if state.claimed_by:
        lines.append(f":raising_hand: Claimed by <@{state.claimed_by.user}> at {_when(state.claimed_by.at)}")
    if state.escalated:
        lines.append(f":rotating_light: Escalated by <@{state.escalated.user}> · "
                     f"{mrkdwn.link(state.escalated.case_permalink, 'support case')}")
    if state.liked_by:
        lines.append(f":heart: Liked by <@{state.liked_by.user}>")
    if state.followed_by:
        lines.append(f":heavy_plus_sign: Followed back by <@{state.followed_by.user}>")
    for action, user in state.refused:
        lines.append(f":information_source: <@{user}> tried: {REFUSED_NOTES[action]}")
    return lines


def reply_lines(state: CardState) -> list[str]:
    return [f":leftwards_arrow_with_hook: <@{reply.user}> replied at {_when(reply.at)} · "
            f"{mrkdwn.link(reply.url, 'view on X')}\n{mrkdwn.quote(reply.text)}" for reply in state.replies]


def action_buttons(mention: Mention, state: CardState, access: XAccess) -> list[dict[str, Any]]:
    value = mention.id
    if state.closed:
        return [button(":leftwards_arrow_with_hook: Reopen", REOPEN, value)]
    buttons = [button(":speech_balloon: Reply", REPLY, value, style="primary")]
    if not state.liked_by:
        buttons.append(like_button(mention.id, access.like, action_id=LIKE, value=value))
    if not state.followed_by:
        buttons.append(follow_back_button(mention.author.id, mention.author.username, access.follow,
                                          action_id=FOLLOW_BACK, value=value))
    if not state.escalated:
        buttons.append(button(":rotating_light: Escalate to support", ESCALATE, value, style="danger"))
    if state.claimed_by:
        buttons.append(button(":raising_hand: Unassign", UNCLAIM, value))
    else:
        buttons.append(button(":raising_hand: Claim", CLAIM, value))
    buttons.append(button(":white_check_mark: Done", DONE_ACTION, value))
    buttons.append(button(":wastebasket: Dismiss (noise/spam)", DISMISS, value))
    return buttons


def mention_blocks(mention: Mention) -> list[dict[str, Any]]:
    """Who wrote what, and how triage read it: the top of a card, and of a support case."""
    return [
        {"type": "section", "block_id": "author", "text": {"type": "mrkdwn", "text": author_line(mention.author)}},
        {"type": "section", "block_id": "post",
         "text": {"type": "mrkdwn", "text": mrkdwn.truncate(mrkdwn.quote(mention.text), SECTION_TEXT_LIMIT)}},
        {"type": "context", "block_id": "triage", "elements": [
            {"type": "mrkdwn", "text": triage_line(mention.triage)},
            {"type": "mrkdwn", "text": f"{mrkdwn.link(mention.url, 'View on X')} · {mrkdwn.date(mention.created_at)}"},
        ]},
    ]


def mention_card(mention: Mention, state: CardState | None = None,
                 access: XAccess | None = None) -> list[dict[str, Any]]:
    state = state or CardState()
    blocks = mention_blocks(mention)
    if status := status_lines(state):
        blocks.append({"type": "section", "block_id": "status",
                       "text": {"type": "mrkdwn", "text": mrkdwn.truncate("\n".join(status), SECTION_TEXT_LIMIT)}})
    if replies := reply_lines(state):
        blocks.append({"type": "section", "block_id": "replies",
                       "text": {"type": "mrkdwn", "text": mrkdwn.truncate("\n".join(replies), SECTION_TEXT_LIMIT)}})
    blocks.append({"type": "actions", "block_id": "actions",
                   "elements": action_buttons(mention, state, access or XAccess())})
    return blocks
