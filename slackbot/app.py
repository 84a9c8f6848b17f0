"""The Bolt app: one factory, every listener registered from ``slackbot.listeners``."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import redis
from slack_bolt import App
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

from birdhouse.settings import Settings
from birdhouse.slackclient import web_client
from slackbot.listeners import LISTENERS
from slackbot.services import Services


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
    return app
