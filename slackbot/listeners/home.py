"""The App Home tab: published afresh each time someone opens it."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from birdhouse.dashboard import blocked_channels, open_cards, windows_stats
from slackbot.services import Services
from slackbot.views.home import QUEUE_ITEMS, home_view


def register(app: App, services: Services) -> None:
    @app.event("app_home_opened")
    def publish_home(event: dict[str, Any]) -> None:
        if event.get("tab") != "home":  # the Messages tab opens this event too
            return
        now = services.clock()
        day, week = windows_stats(services.redis, services.settings, ("24h", "7d"), now)
        queue = open_cards(services.redis, services.slack, now, shown=QUEUE_ITEMS)
        services.slack.publish_view(event["user"], home_view(day, week, queue, services.settings, now,
                                                             blocked=blocked_channels(services.redis)))
