"""One module per Slack surface, each with ``register(app, services)``. A new surface adds itself here."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App

from slackbot.listeners import commands, digest_actions, follower_actions, home, mention_actions
from slackbot.services import Services

Register = Callable[[App, Services], None]

LISTENERS: tuple[Register, ...] = (mention_actions.register, follower_actions.register, commands.register,
                                   home.register, digest_actions.register)
