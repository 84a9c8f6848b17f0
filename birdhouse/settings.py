"""Configuration: environment variables (and a ``.env`` file), validated once at start.

Every variable is declared once in ``VARIABLES``: its name, what it is for, its default and how to parse it.
Validation collects every problem before failing, so an operator fixes them all in one go, and each message
names the variable to set.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

from birdhouse import business_hours
from birdhouse.defaults import DAY
from birdhouse.errors import ConfigError


def _positive(unit: str) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        value = float(raw)
        if value <= 0:
            raise ValueError(f"must be a positive number of {unit}")
        return value

    return parse


_seconds, _minutes = _positive("seconds"), _positive("minutes")


def _id_list(raw: str) -> tuple[str, ...]:
    """Comma- or space-separated Slack ids (users U…/W…, user groups S…)."""
    ids = tuple(part for part in raw.replace(",", " ").split() if part)
    bad = [member for member in ids if member[0] not in "UWS"]
    if bad:
        raise ValueError(f"{', '.join(bad)} are not Slack user (U…) or user-group (S…) ids")
    return ids


def _words(raw: str) -> tuple[str, ...]:
    return tuple(word.strip().lower() for word in raw.split(",") if word.strip())


def _count(raw: str) -> int:
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError("must be a whole number of at least 1")
    return int(raw)


def _x_id(raw: str) -> str:
    if not raw.isdigit():
        raise ValueError("must be the number in the list's address, x.com/i/lists/<id>")
    return raw


_PERIODS = {"hourly": 3600.0, "daily": float(DAY), "weekly": 7.0 * DAY}


def _period(raw: str) -> float:
    if raw.lower() in _PERIODS:
        return _PERIODS[raw.lower()]
    try:
        return _seconds(raw)
    except ValueError:
        raise ValueError("must be hourly, daily, weekly or a number of seconds") from None


def _saved_replies(raw: str) -> tuple[str, ...]:
    """A text file, one saved reply per line."""
    try:
        lines = Path(raw).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ValueError(f"cannot read {raw}: {exc.strerror}") from None
    replies = tuple(line.strip() for line in lines if line.strip())
    if not replies:
        raise ValueError(f"{raw} has no replies in it")
    return replies


def _url(raw: str) -> str:
    if not raw.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")
    return raw


INGEST_MODES = ("poll", "stream", "webhook")


def _ingest(raw: str) -> str:
    if raw.lower() not in INGEST_MODES:
        raise ValueError(f"must be one of {', '.join(INGEST_MODES)}")
    return raw.lower()


def _channel(raw: str) -> str:
    if raw.startswith("#"):
        raise ValueError("must be a channel id such as C0123ABCD (channel details > About), not a #name")
    return raw


@dataclass(frozen=True)
class Variable:
    name: str
    field: str
    help: str
    default: str | None = None
    parse: Callable[[str], Any] = str
    secret: bool = False
    # Needed only by some commands (socket mode, X user context): checked where used, via Settings.require.
    optional: bool = False


VARIABLES: tuple[Variable, ...] = (
    Variable("REDIS_URL", "redis_url", "Redis for state and queues; unset: 127.0.0.1:6379, else a private server",
             optional=True),
    Variable("SLACK_BOT_TOKEN", "slack_bot_token", "the bot token (xoxb-…) from the Slack app's OAuth & Permissions page",
             secret=True),
    Variable("SLACK_SIGNING_SECRET", "slack_signing_secret", "the signing secret from the Slack app's Basic Information page",
             secret=True),
    Variable("SLACK_APP_TOKEN", "slack_app_token", "an app-level token (xapp-…, connections:write) for `birdhouse socket`",
             secret=True, optional=True),
    Variable("SLACK_API_URL", "slack_api_url", "Slack Web API base URL", default="https://slack.com/api/", parse=_url),
    Variable("X_API_URL", "x_api_url", "X API base URL", default="https://api.x.com", parse=_url),
    Variable("X_BEARER_TOKEN", "x_bearer_token", "the X app's bearer token (app-only reads)", secret=True, optional=True),
    Variable("X_API_KEY", "x_api_key", "the X app's API key (consumer key)", secret=True),
    Variable("X_API_SECRET", "x_api_secret", "the X app's API key secret", secret=True),
    Variable("X_ACCESS_TOKEN", "x_access_token", "the brand account's OAuth 1.0a access token", secret=True),
    Variable("X_ACCESS_TOKEN_SECRET", "x_access_token_secret", "the brand account's OAuth 1.0a access token secret",
             secret=True),
    Variable("BIRDHOUSE_MENTIONS_CHANNEL", "mentions_channel", "Slack channel id where mention cards go", parse=_channel),
    Variable("BIRDHOUSE_FOLLOWERS_CHANNEL", "followers_channel", "Slack channel id for notable followers and the digest",
             parse=_channel),
    Variable("BIRDHOUSE_SUPPORT_CHANNEL", "support_channel", "Slack channel id where escalated cases go",
             parse=_channel),
    Variable("BIRDHOUSE_TEAM", "team", "Slack user (U…) and user-group (S…) ids allowed to act; empty: everyone",
             default="", parse=_id_list),
    Variable("BIRDHOUSE_SLA_MINUTES", "sla_minutes",
             "minutes a question or complaint may wait for a reply before its card is nudged (an SLA breach)",
             default="30", parse=_minutes),
    Variable("BIRDHOUSE_SLA_ESCALATE_MINUTES", "sla_escalate_minutes",
             "minutes without a reply after which a question or complaint is escalated to the support channel",
             default="120", parse=_minutes),
    Variable("BIRDHOUSE_BUSINESS_HOURS", "business_hours",
             f"when the SLA clock runs, e.g. {business_hours.EXAMPLE}; unset: around the clock",
             optional=True, parse=business_hours.parse),
    Variable("BIRDHOUSE_POLL_INTERVAL", "poll_interval",
             "seconds between polls of X (at least; slower when X's rate-limit headers ask for it)",
             default="60", parse=_seconds),
    Variable("BIRDHOUSE_INGEST", "ingest",
             "how mentions (and, where the access level allows, new followers) reach Birdhouse: poll the timeline, "
             "stream (X's Activity stream, an outbound connection) or webhook (X posts to BIRDHOUSE_WEBHOOK_URL)",
             default="poll", parse=_ingest),
    Variable("BIRDHOUSE_RECONCILE_INTERVAL", "reconcile_interval",
             "seconds between the slow polls that stay on in stream and webhook mode, so a dropped stream or a "
             "missed delivery loses nothing", default="900", parse=_seconds),
    Variable("BIRDHOUSE_STREAM_SILENCE", "stream_silence",
             "seconds without a byte (X sends a keep-alive at least every 20 s) after which the stream is taken "
             "for dead and reconnected", default="25", parse=_seconds),
    Variable("BIRDHOUSE_WEBHOOK_URL", "webhook_url",
             "the public URL X posts events to in webhook mode: this app's /x/webhooks (https)",
             optional=True, parse=_url),
    Variable("BIRDHOUSE_FOLLOWER_POLL_INTERVAL", "follower_poll_interval",
             "seconds between reads of the newest followers (one small page each when nobody new came)",
             default="300", parse=_seconds),
    Variable("BIRDHOUSE_FOLLOWER_KEYWORDS", "follower_keywords",
             "comma-separated words of the brand's field (coffee, espresso): a new follower whose bio or name "
             "says one is worth a look", default="", parse=_words),
    Variable("BIRDHOUSE_NOTABLE_MIN_FOLLOWERS", "notable_min_followers",
             "followers at which a new follower earns a card on reach alone", default="10000", parse=_count),
    Variable("BIRDHOUSE_NOTABLE_MIN_SCORE", "notable_min_score",
             "notability points that earn a card (2k+ reach 1, verified 1-2, bio keyword 2, recent mention 2, "
             "active 1, healthy ratio 1, established account 1)", default="3", parse=_count),
    Variable("BIRDHOUSE_BOT_MIN_SIGNALS", "bot_min_signals",
             "bot signals (default picture, no posts, new account following thousands, link-only bio, "
             "generated handle) that keep a follower off cards", default="2", parse=_count),
    Variable("BIRDHOUSE_VIP_LIST_ID", "vip_list_id",
             "id of the X list that follower cards' 'Add to VIP list' adds to; unset: no such button",
             optional=True, parse=_x_id),
    Variable("BIRDHOUSE_DIGEST_PERIOD", "digest_period",
             "how often the new-follower digest is posted: hourly, daily, weekly, or seconds",
             default="daily", parse=_period),
    Variable("BIRDHOUSE_DIGEST_AFTER", "digest_after",
             "seconds of cards a channel's backlog may hold at Slack's pace; beyond that the lowest-priority "
             "mentions are listed in digest messages instead of single cards", default="60", parse=_seconds),
    Variable("BIRDHOUSE_SLACK_PACE", "slack_pace",
             "how fast Birdhouse writes to Slack, as a multiple of Slack's published limits (1 message per "
             "second per channel); raise it only against an emulator", default="1", parse=_positive("times")),
    Variable("BIRDHOUSE_SAVED_REPLIES", "saved_replies",
             "a text file of saved replies, one per line, offered in the reply modal; unset: none",
             optional=True, parse=_saved_replies),
)


@dataclass(frozen=True)
class Settings:
    redis_url: str | None
    slack_bot_token: str
    slack_signing_secret: str
    slack_app_token: str | None
    slack_api_url: str
    x_api_url: str
    x_bearer_token: str | None
    x_api_key: str
    x_api_secret: str
    x_access_token: str
    x_access_token_secret: str
    mentions_channel: str
    followers_channel: str
    support_channel: str
    team: tuple[str, ...]
    sla_minutes: float
    sla_escalate_minutes: float
    business_hours: business_hours.BusinessHours | None
    poll_interval: float
    ingest: str
    reconcile_interval: float
    stream_silence: float
    webhook_url: str | None
    follower_poll_interval: float
    follower_keywords: tuple[str, ...]
    notable_min_followers: int
    notable_min_score: int
    bot_min_signals: int
    vip_list_id: str | None
    digest_period: float
    digest_after: float
    slack_pace: float
    saved_replies: tuple[str, ...] | None

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None, dotenv: str | Path | None = ".env") -> Settings:
        """Read the environment over the ``.env`` file (the environment wins), or raise ConfigError listing
        every problem."""
        source: dict[str, str] = {}
        if dotenv is not None and Path(dotenv).is_file():
            source.update({key: value for key, value in dotenv_values(dotenv).items() if value is not None})
        source.update(os.environ if environ is None else environ)

        values: dict[str, Any] = {}
        problems: list[str] = []
        for variable in VARIABLES:
            raw = source.get(variable.name, "").strip() or variable.default
            if raw is None:
                values[variable.field] = None
                if not variable.optional:
                    problems.append(f"{variable.name} is not set: {variable.help}.")
                continue
            try:
                values[variable.field] = variable.parse(raw)
            except ValueError as exc:
                problems.append(f"{variable.name} is invalid ({exc}): {variable.help}.")
        if problems:
            raise ConfigError(problems)
        return cls(**values)

    def require(self, *field_names: str) -> None:
        """Fail with the variable to set when an optional setting that this command needs is missing."""
        missing = [variable for variable in VARIABLES if variable.field in field_names and not getattr(self, variable.field)]
        if missing:
            raise ConfigError([f"{variable.name} is not set: {variable.help}." for variable in missing])

    def mention_poll_interval(self) -> float:
        """Polling is the way in, or only the safety net beside the stream or the webhook."""
        return self.poll_interval if self.ingest == "poll" else max(self.poll_interval, self.reconcile_interval)

    def secrets(self) -> list[str]:
        """Every secret value in force, for the log redaction filter."""
        return [str(getattr(self, v.field)) for v in VARIABLES if v.secret and getattr(self, v.field)]


