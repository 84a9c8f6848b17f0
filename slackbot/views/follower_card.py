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
from birdhouse.models import Author
from slackbot.views import buttons, mrkdwn
from slackbot.views.mention_card import author_line

BIO_LIMIT = 600  # a bio is at most 160 characters on X; this leaves room for escaping without a wall of text

FOLLOW_BACK = "follower.follow_back"
FOLLOW_INTENT = FOLLOW_BACK + buttons.ON_X_SUFFIX
ADD_TO_VIP = "follower.vip"
DISMISS = "follower.dismiss"

# Outcome names kept per follower (FollowerStore.outcomes) and shown on the card.
FOLLOWED, INTENT, VIP, DISMISSED = "follow_back", "follow_intent", "vip", "dismiss"


def _activity_line(author: Author, posts_per_week: float) -> str:
    parts = [f"{author.tweet_count:,} posts (~{posts_per_week:g} a week)",
             f"follows {author.following_count:,}"]
    if author.created_at:
        joined = datetime.fromisoformat(author.created_at.replace("Z", "+00:00"))
        parts.append(f"on X since {joined:%b %Y}")
    return " · ".join(parts)


def _outcome_lines(outcomes: dict[str, str]) -> list[str]:
    lines = []
    if FOLLOWED in outcomes:
        lines.append(f":white_check_mark: Followed back by <@{outcomes[FOLLOWED]}>")
    elif INTENT in outcomes:
        lines.append(f":link: {mrkdwn.escape(outcomes[INTENT])}: the button opens X's follow dialog on x.com "
                     "for whoever clicks it")
    if VIP in outcomes:
        lines.append(f":star: Added to the VIP list by <@{outcomes[VIP]}>")
    return lines


def _buttons(author: Author, outcomes: dict[str, str], *, vip_list: bool) -> list[dict[str, Any]]:
    elements = []
    if FOLLOWED not in outcomes:
        elements.append(buttons.follow_back_button(author.id, author.username, INTENT not in outcomes,
                                                   action_id=FOLLOW_BACK, value=author.id))
    if vip_list and VIP not in outcomes:
        elements.append(buttons.button(":star: Add to VIP list", ADD_TO_VIP, author.id))
    elements.append(buttons.button("Dismiss", DISMISS, author.id))
    return elements


def fallback_text(user: dict[str, Any]) -> str:
    author = Author.from_api(user)
    return f"New notable follower: {mrkdwn.escape(author.name)} (@{mrkdwn.escape(author.username)})"


def follower_card(user: dict[str, Any], notability: dict[str, Any], outcomes: dict[str, str] | None = None, *,
                  vip_list: bool = False, follow_intent: str | None = None) -> list[dict[str, Any]]:
    """``user``: the X API v2 user object as read; ``notability``: workers.notability's assessment, as
    stored (``to_dict``). ``follow_intent``: why the API cannot follow (the access
    level), when already known: the card then offers the x.com link from the start and says why."""
    outcomes = dict(outcomes or {})
    if follow_intent and FOLLOWED not in outcomes:
        outcomes.setdefault(INTENT, follow_intent)
    author = Author.from_api(user)
    headline = {"type": "section", "block_id": "who",
                "text": {"type": "mrkdwn", "text": ":wave: New follower: " + author_line(author)}}
    if DISMISSED in outcomes:
        return [headline, {"type": "context", "block_id": "outcome", "elements": [
            {"type": "mrkdwn", "text": f"Dismissed by <@{outcomes[DISMISSED]}>"}]}]
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
    lines = _outcome_lines(outcomes)
    if lines:
        blocks.append({"type": "context", "block_id": "outcome",
                       "elements": [{"type": "mrkdwn", "text": line} for line in lines]})
    blocks.append({"type": "actions", "block_id": "follower_actions",
                   "elements": _buttons(author, outcomes, vip_list=vip_list)})
    return blocks
