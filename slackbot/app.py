"""The Bolt app: one factory, every listener registered from ``slackbot.listeners``."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

import redis
from slack_bolt import App, BoltResponse, Respond
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

from birdhouse.settings import Settings
from birdhouse.slackclient import web_client
from slackbot.listeners import LISTENERS
from slackbot.services import Services
from slackbot.views.notices import REDIS_AWAY

log = logging.getLogger(__name__)


class _SameToken(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment even when it is given a client, then warns on every start
    that the client's token wins. Our client is built from that very token, so that one warning says nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


BOLT_LOG = logging.getLogger("slack_bolt.App")
BOLT_LOG.addFilter(_SameToken())


def create_app(settings: Settings, connection: redis.Redis, clock: Callable[[], float] = time.time) -> App:
    app = App(
        client=web_client(settings),
        logger=BOLT_LOG,
        signing_secret=settings.slack_signing_secret,
        # slackbot.web checks the signature before the body is parsed; Socket Mode has none to check.
        request_verification_enabled=False,
        # auth.test is asked on the first request instead of at import, so the app starts without Slack.
        token_verification_enabled=False,
    )
    services = Services(settings, connection, clock)
    for register in LISTENERS:
        register(app, services)
    app.error(answer_failure)
    return app


def answer_failure(error: Exception, body: dict[str, Any], respond: Respond | None,
                   response: BoltResponse | None) -> BoltResponse | None:
    """Bolt's error handler, for listeners and middleware alike. Redis away (restarting, say) is an outage, not a
    bug: the person is told at once that nothing was done, and a press or a modal gets a 503 (Slack shows it
    failed; a modal stays open with what was typed). Events are acked before their listener runs: a home tab
    opened meanwhile is shown again the next time. Anything else keeps Bolt's answer, a 500 and the traceback
    in the log."""
    if not isinstance(error, (redis.ConnectionError, redis.TimeoutError)):
        BOLT_LOG.exception("Failed to answer a Slack request (error: %s)", error)
        return None
    kind = "slash command" if "command" in body else body.get("type") or "Slack"
    log.warning("Redis is away (%s: %s): a %s request was not acted on", type(error).__name__, error, kind)
    if response is None:  # the listener had acked already (a command, a Share press): told by its response_url
        tell_redis_away(respond)
        return None
    if "command" in body:  # Slack shows the answer to a slash command, privately, to whoever typed it
        return BoltResponse(status=200, body=json.dumps({"response_type": "ephemeral", "text": REDIS_AWAY}),
                            headers={"content-type": "application/json"})
    tell_redis_away(respond)
    return BoltResponse(status=503, body=json.dumps({"error": "Redis is away"}),
                        headers={"content-type": "application/json"})


def tell_redis_away(respond: Respond | None) -> None:
    if respond is None:
        return
    try:
        respond(text=REDIS_AWAY, response_type="ephemeral", replace_original=False)
    except OSError as exc:  # Slack out of reach too: a press's 503 still says it failed
        log.warning("could not tell the person Redis is away: %s", exc)
