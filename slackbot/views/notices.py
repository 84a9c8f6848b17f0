"""What the person who pressed a button is told, privately, when it did not go as planned; and what a card
Slack refused says instead.

X's own words (``detail``) are passed along escaped; the rest says what happened and what to do next.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from birdhouse import errors
from birdhouse.store.events import EventKind
from slackbot.views import mrkdwn

VERBS = {EventKind.REPLY: "post your reply", EventKind.LIKE: "like the post",
         EventKind.FOLLOW_BACK: "follow the author",
         EventKind.ESCALATE: "escalate", EventKind.VIP_LIST: "add them to the VIP list"}


def x_error(action: str, exc: errors.XError) -> str:
    """One clear sentence or two about an X refusal; the card stays as it was and usable."""
    verb = VERBS.get(action, action)
    detail = mrkdwn.escape(str(exc))
    if isinstance(exc, errors.XRateLimited):
        when = datetime.fromtimestamp(exc.reset_at, UTC).strftime("%H:%M UTC") if exc.reset_at else "a few minutes"
        return f":hourglass: X's rate limit is reached, so Birdhouse could not {verb}. Try again after {when}."
    if isinstance(exc, errors.XNotEnrolled):
        return (f":lock: X's access level for this app does not include this ({verb}); since April 2026 no "
                "self-serve tier may like or follow through the API. Use the x.com link on the card instead.")
    if isinstance(exc, errors.XUnauthorized):
        return ":key: X refused Birdhouse's credentials, so nothing was done. Ask an admin to run `birdhouse check`."
    if isinstance(exc, errors.XDuplicate):
        return (":repeat: X refused the reply: the brand already posted exactly this text. "
                "Change the wording and reply again.")
    if isinstance(exc, errors.XReplyNotAllowed):
        return (":no_entry: X does not allow the brand to reply to this post (an app on a self-serve tier may "
                f"only reply to posts that mention or quote the brand). X said: {detail}")
    if isinstance(exc, (errors.XNotVisible, errors.XNotFound)):
        return (f":ghost: Birdhouse could not {verb}: the post or its author is gone from X (deleted, "
                f"suspended or protected). X said: {detail}")
    if isinstance(exc, errors.XUnavailable):
        return f":warning: X did not answer, so Birdhouse could not {verb}. Try again in a minute."
    return f":warning: X refused to {verb}: {detail}"


def case_refused(support_channel: str, error: str) -> str:
    """Slack refused the escalation's case (the bot is not in the support channel, say)."""
    return (f":warning: Slack refused the case in <#{support_channel}> ({mrkdwn.escape(error)}), so nothing was "
            "escalated. Ask an admin to run `birdhouse check`, then press Escalate again.")


def unknown_reply_outcome(text: str) -> str:
    return (":warning: Birdhouse stopped while X was posting your reply, and cannot tell whether it went out. "
            "It will not post it again by itself: check the conversation on X before replying again. "
            f"Your text was:\n{mrkdwn.quote(text)}")


def reply_failed(text: str, reason: str) -> str:
    """An X refusal of a reply, with the text so nothing typed is lost."""
    return f"{reason}\nYour text was:\n{mrkdwn.quote(text)}"


NOT_ON_TEAM = (":no_entry: Only the social team (BIRDHOUSE_TEAM) can act on these cards. Ask an admin to add "
               "you if you should.")
TEAM_UNKNOWN = (":warning: Birdhouse could not check the team's user group with Slack just now, so it did "
                "nothing. Try again in a moment.")
REDIS_AWAY = (":warning: Birdhouse cannot reach its database (Redis) just now, so nothing was done. Try again in "
              "a minute.")


def refused_note(error: str) -> str:
    """Said on a card Slack refused as composed, in the plainer form it was posted in."""
    return (f":warning: Slack refused this card as Birdhouse composed it ({mrkdwn.escape(error)}), so it shows in "
            "a plainer form.")


def plain_card(fallback: str, actions: list[dict[str, Any]], error: str) -> list[dict[str, Any]]:
    """The card as its notification text (``fallback``, escaped already) and its buttons, saying why."""
    return [{"type": "section", "block_id": "plain", "text": {"type": "mrkdwn", "text": fallback}},
            {"type": "context", "block_id": "refused", "elements": [{"type": "mrkdwn", "text": refused_note(error)}]},
            *actions]


def text_card(fallback: str, error: str) -> str:
    """The card as text alone, when Slack refused even its plain form with buttons."""
    return f"{fallback}\n{refused_note(error)} Its buttons were refused too."
