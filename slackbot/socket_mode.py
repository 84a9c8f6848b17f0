"""``birdhouse socket`` (and ``birdhouse run --socket``): the same Bolt app, over Slack's Socket Mode instead of
``POST /slack/events``: an outbound WebSocket, no public URL.

slack_sdk's built-in client acks each envelope once the listener has acked (Bolt's 3-second rule holds as
over HTTP), asks for a new URL on ``refresh_requested``, and its monitor reopens a dropped connection on the
ping beat; Slack retries any envelope left unacked meanwhile, and the listeners' ``SET NX`` claims make a
retried press act once.
"""

from __future__ import annotations

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler

PING_INTERVAL = 5.0  # seconds: how soon a dropped connection is noticed and reopened


def socket_mode_handler(app: App, app_token: str, ping_interval: float = PING_INTERVAL) -> SocketModeHandler:
    """Not yet connected: ``.connect()`` returns once connected (its threads serve), ``.start()`` blocks."""
    return SocketModeHandler(app, app_token, ping_interval=ping_interval)
