"""The Slack Web API at the edge: slack_sdk pointed at ``SLACK_API_URL``.

Only 429s are retried here (Slack did nothing, and says when to come back). Other failures surface to the
caller: a chat.postMessage whose answer was lost may have posted, and only the caller knows how to check.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from birdhouse.settings import Settings

TIMEOUT_SECONDS = 15


def web_client(settings: Settings, logger: logging.Logger | None = None) -> WebClient:
    return WebClient(
        logger=logger,
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=TIMEOUT_SECONDS,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=5)],
    )
