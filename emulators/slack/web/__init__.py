"""The emulated workspace as a web page: channels, threads, modals and the App Home, live, clickable.

``rendering`` turns Block Kit and mrkdwn into HTML (pure); ``page`` serves it from the Slack emulator's own
HTTP server under ``/_workspace/`` and turns the visitor's clicks into the requests Slack would send.
"""

from emulators.slack.web.page import WorkspacePage
from emulators.slack.web.teammates import TeammatesSwitch

__all__ = ["TeammatesSwitch", "WorkspacePage"]
