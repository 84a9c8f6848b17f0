"""``/birdhouse help``, and the answer to a subcommand or argument Birdhouse does not know."""

from __future__ import annotations

from typing import Any

from slackbot.views import mrkdwn

COMMAND = "/birdhouse"
SUBCOMMANDS: tuple[tuple[str, str], ...] = (
    ("stats [24h|7d|30d]", "mentions, answers, response times, SLA breaches, the leaderboard and X API cost "
                           "(default 24h); only you see it, with a button to share it in the channel"),
    ("queue", "open questions and complaints, oldest first, with their age, who claimed them and a link to each"),
    ("help", "this list"),
)


def help_message(problem: str | None = None) -> dict[str, Any]:
    """Every subcommand; ``problem`` (what was wrong with the command typed, untrusted) goes first."""
    lines = [f"`{COMMAND} {usage}`: {what}" for usage, what in SUBCOMMANDS]
    lines.append("The *Home* tab of the Birdhouse app shows the last 24 hours and 7 days, the queue and the settings.")
    blocks: list[dict[str, Any]] = []
    if problem:
        blocks.append({"type": "section", "block_id": "problem",
                       "text": {"type": "mrkdwn", "text": f":warning: {mrkdwn.escape(problem)}"}})
    blocks.append({"type": "section", "block_id": "help", "text": {"type": "mrkdwn", "text": "\n".join(lines)}})
    text = f"{problem} Try {COMMAND} help." if problem else f"{COMMAND} stats, queue or help"
    return {"text": mrkdwn.escape(text), "blocks": blocks}
