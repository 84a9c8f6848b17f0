"""Logging that never prints a secret.

tweepy's debug log prints request headers, OAuth tokens included, and urllib3 and oauthlib echo URLs and
signatures. Their loggers are held at INFO/WARNING, and a filter on every handler masks each configured secret
in whatever gets through.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import IO

CHATTY_LOGGERS = {"tweepy": logging.INFO, "urllib3": logging.WARNING, "oauthlib": logging.WARNING,
                  "requests_oauthlib": logging.WARNING, "slack_sdk": logging.INFO, "slack_bolt": logging.INFO,
                  "rq.worker": logging.INFO}
MASK = "[secret]"


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # Longest first, so a secret containing another is masked whole.
        self.secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = message
        for secret in self.secrets:
            redacted = redacted.replace(secret, MASK)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def configure(level: int | str = logging.INFO, secrets: Iterable[str] = (), stream: IO[str] | None = None) -> None:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name, floor in CHATTY_LOGGERS.items():
        logging.getLogger(name).setLevel(max(floor, root.level))
