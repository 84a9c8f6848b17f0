"""An emulated Slack workspace for tests and the demo: Web API, Block Kit limits, rate limits, interactivity."""

from emulators.slack.emulator import SlackEmulator
from emulators.slack.interactions import AppResponse

__all__ = ["AppResponse", "SlackEmulator"]
