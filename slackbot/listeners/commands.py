"""``/birdhouse``: stats, queue and help, and the Share button of a stats answer.

Stats and the queue ack first and answer through the response_url: stats read every event of their window (a
busy month is a hundred thousand, seconds of work) and the queue may ask Slack for card permalinks (once per
card, then kept), and Slack gives up on an answer after 3 seconds. Answers are ephemeral; Share posts the
figures the asker saw in the channel, once.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond

from birdhouse.dashboard import open_cards, window_stats
from birdhouse.stats import WINDOWS, parse_window
from birdhouse.store.once import Once
from slackbot.services import Services
from slackbot.views.help import COMMAND, help_message
from slackbot.views.queue import MESSAGE_ITEMS, queue_message
from slackbot.views.stats import SHARE_ACTION, parse_share_value, stats_message

log = logging.getLogger(__name__)

WINDOW_CHOICES = ", ".join(WINDOWS)


def register(app: App, services: Services) -> None:
    @app.command(COMMAND)
    def birdhouse(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        subcommand, _, argument = (command.get("text") or "").strip().partition(" ")
        subcommand, argument = subcommand.lower(), argument.strip()
        if subcommand in ("", "stats"):
            window = parse_window(argument)
            if window is None:
                ack(**help_message(f"“{argument}” is not a window I know: use one of {WINDOW_CHOICES}."))
                return
            ack()
            stats = window_stats(services.redis, services.settings, window, services.clock())
            respond(**stats_message(stats, services.settings.sla_minutes), response_type="ephemeral")
        elif subcommand == "queue":
            if argument:
                ack(**help_message(f"{COMMAND} queue takes nothing after it (not “{argument}”)."))
                return
            ack()
            now = services.clock()
            queue = open_cards(services.redis, services.slack, now, shown=MESSAGE_ITEMS)
            respond(**queue_message(queue, now), response_type="ephemeral")
        elif subcommand == "help":
            ack(**help_message())
        else:
            ack(**help_message(f"I don't know “{subcommand}”."))

    @app.action(SHARE_ACTION)
    def share(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()  # a long window takes seconds to read, past Slack's 3 s; a second click finds the share claimed
        share_once(body, respond)

    def share_once(body: dict[str, Any], respond: Respond) -> None:
        user = body["user"]["id"]
        shared = parse_share_value(body["actions"][0].get("value", ""))
        if shared is None or parse_window(shared[0]) is None:
            respond(text=f"I can't read that stats message any more; run {COMMAND} stats again to share it.",
                    response_type="ephemeral", replace_original=False)
            return
        window, end = shared
        # A double click, or two people sharing the same answer, posts it once.
        once = Once(services.redis)
        channel = (body.get("channel") or {}).get("id", "")
        key = f"stats-share:{channel}:{window}:{end}"
        if not once.claim(key, services.clock()):
            return
        try:
            stats = window_stats(services.redis, services.settings, window, end)
            answer = respond(**stats_message(stats, services.settings.sla_minutes, shared_by=user),
                             response_type="in_channel", replace_original=False)
        except Exception:
            once.release(key)  # nothing was posted: the next press may try again
            raise
        if answer.status_code != 200:  # e.g. the response_url expired: nothing was posted, so allow a retry
            log.warning("sharing stats in %s failed: %s %s", channel, answer.status_code, answer.body)
            once.release(key)
