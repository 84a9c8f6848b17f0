"""The notable-follower card: who they are (safely escaped), why they are notable, and what the team did.

Buttons: Follow back (through the API, or X's web-intent link where the access level forbids following,
with the reason on the card),
Add to VIP list (when a list is configured), Dismiss. Once someone acts, the card says who and drops the
button, so the whole channel sees it is done.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from birdhouse.defaults import SECTION_TEXT_LIMIT
from birdhouse.models import Author, Follower
from birdhouse.store.followers import FollowerState
from slackbot.views import buttons, mrkdwn
from slackbot.views.mention_card import author_line

BIO_LIMIT = 600  # a bio is at most 160 characters on X; this leaves room for escaping without a wall of text

FOLLOW_BACK = "follower.follow_back"
FOLLOW_INTENT = FOLLOW_BACK + buttons.ON_X_SUFFIX
ADD_TO_VIP = "follower.vip"
DISMISS = "follower.dismiss"


def _activity_line(author: Author, posts_per_week: float) -> str:
    parts = [f"{author.tweet_count:,} posts (~{posts_per_week:g} a week)",
             f"follows {author.following_count:,}"]
    if author.created_at:
        joined = datetime.fromisoformat(author.created_at.replace("Z", "+00:00"))
        parts.append(f"on X since {joined:%b %Y}")
    return " · ".join(parts)


def _outcome_lines(state: FollowerState, follow_intent: str | None) -> list[str]:
    lines = []
    if state.followed_by:
        lines.append(f":white_check_mark: Followed back by <@{state.followed_by.user}>")
    elif follow_intent:
        lines.append(f":link: {mrkdwn.escape(follow_intent)}: the button opens X's follow dialog on x.com "
                     "for whoever clicks it")
    if state.added_to_vip_by:
        lines.append(f":star: Added to the VIP list by <@{state.added_to_vip_by}>")
    return lines


def _buttons(author: Author, state: FollowerState, *, vip_list: bool, api_follows: bool) -> list[dict[str, Any]]:
    elements = []
    if not state.followed_by:
        elements.append(buttons.follow_back_button(author.id, author.username, api_follows,
                                                   action_id=FOLLOW_BACK, value=author.id))
    if vip_list and not state.added_to_vip_by:
        elements.append(buttons.button(":star: Add to VIP list", ADD_TO_VIP, author.id))
    elements.append(buttons.button("Dismiss", DISMISS, author.id))
    return elements


def fallback_text(author: Author) -> str:
    return f"New notable follower: {mrkdwn.escape(author.name)} (@{mrkdwn.escape(author.username)})"


def follower_card(follower: Follower, state: FollowerState | None = None, *, vip_list: bool = False,
                  follow_intent: str | None = None) -> list[dict[str, Any]]:
    """``follow_intent``: why the API cannot follow (the access level), when already known: the card then
    offers the x.com link from the start and says why."""
    state = state or FollowerState()
    author, notability = follower.author, follower.notability
    headline = {"type": "section", "block_id": "who",
                "text": {"type": "mrkdwn", "text": ":wave: New follower: " + author_line(author)}}
    if state.dismissed_by:
        return [headline, {"type": "context", "block_id": "outcome", "elements": [
            {"type": "mrkdwn", "text": f"Dismissed by <@{state.dismissed_by}>"}]}]
    blocks: list[dict[str, Any]] = [headline]
    if author.description.strip():
        bio = mrkdwn.truncate(mrkdwn.quote(author.description), BIO_LIMIT)
        blocks.append({"type": "section", "block_id": "bio", "text": {"type": "mrkdwn", "text": bio}})
    blocks.append({"type": "context", "block_id": "activity", "elements": [
        {"type": "mrkdwn", "text": _activity_line(author, notability["posts_per_week"])}]})
    why = "*Why notable:* " + " · ".join(mrkdwn.escape(reason) for reason in notability["reasons"])
    if notability["bot_signals"]:
        why += "\n_Heads-up:_ " + " · ".join(mrkdwn.escape(signal) for signal in notability["bot_signals"])
    blocks.append({"type": "section", "block_id": "why", "text": {"type": "mrkdwn",
                                                                   "text": mrkdwn.truncate(why, SECTION_TEXT_LIMIT)}})
    lines = _outcome_lines(state, follow_intent)
    if lines:
        blocks.append({"type": "context", "block_id": "outcome",
                       "elements": [{"type": "mrkdwn", "text": line} for line in lines]})
    blocks.append({"type": "actions", "block_id": "follower_actions",
                   "elements": _buttons(author, state, vip_list=vip_list, api_follows=follow_intent is None)})
    return blocks
