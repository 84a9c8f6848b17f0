"""The Bolt app: one factory, every listener registered from ``slackbot.listeners``."""

from __future__ import annotations

import time
from collections.abc import Callable

import redis
from slack_bolt import App

from birdhouse.settings import Settings
from birdhouse.slackclient import web_client
from slackbot.listeners import LISTENERS
from slackbot.services import Services


def create_app(settings: Settings, connection: redis.Redis, clock: Callable[[], float] = time.time) -> App:
    app = App(
        client=web_client(settings),
        signing_secret=settings.slack_signing_secret,
        # auth.test is asked on the first request instead of at import, so the app starts without Slack.
        token_verification_enabled=False,
    )
    services = Services(settings, connection, clock)
    for register in LISTENERS:
        register(app, services)
    return app
