"""``birdhouse check``: everything an operator must get right before going live, each with what to do."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import redis

from birdhouse.activity import FOLLOW_EVENT
from birdhouse.errors import SlackError, SlackUnavailable, XError, XNotEnrolled
from birdhouse.redis_server import MIN_VERSION, describe, new_enough
from birdhouse.settings import Settings
from birdhouse.slackclient import SlackClient
from birdhouse.store.capabilities import FOLLOW_EVENTS, Capabilities
from birdhouse.xclient import XClient


# Each failure is one finding; slack_sdk's own ERROR line would say it a second time.
QUIET_SLACK_SDK = logging.getLogger("birdhouse.check.slack_sdk")
QUIET_SLACK_SDK.setLevel(logging.CRITICAL)


@dataclass(frozen=True)
class Finding:
    ok: bool
    subject: str
    message: str

    def line(self) -> str:
        return f"{'ok ' if self.ok else 'FAIL'}  {self.subject}: {self.message}"


def run_checks(settings: Settings, connection: redis.Redis) -> list[Finding]:
    findings: list[Finding] = []
    for check in CHECKS:
        findings.extend(check(settings, connection))
    return findings


def check_redis(settings: Settings, connection: redis.Redis) -> Iterator[Finding]:
    try:
        connection.ping()
    except redis.RedisError as exc:
        yield Finding(False, "Redis", f"unreachable ({exc}): set REDIS_URL to a running server")
        return
    yield Finding(True, "Redis", describe(connection))
    version = str(connection.info("server").get("redis_version", "?"))
    if not new_enough(version):
        yield Finding(False, "Redis", f"version {version} is too old: Birdhouse needs Redis "
                                      f"{'.'.join(map(str, MIN_VERSION))} or later")
    policy = connection.config_get("maxmemory-policy").get("maxmemory-policy", "noeviction")
    if policy != "noeviction":
        yield Finding(False, "Redis", f"maxmemory-policy is {policy}: set it to noeviction, or evicted keys "
                                      "will lose or duplicate cards")
    if str(connection.config_get("appendonly").get("appendonly")) != "yes":
        yield Finding(False, "Redis", "appendonly is off: queued jobs and card mappings are lost if Redis "
                                      "restarts (set appendonly yes)")


def check_slack(settings: Settings, connection: redis.Redis) -> Iterator[Finding]:
    client = SlackClient(settings, None, logger=QUIET_SLACK_SDK)  # a few reads, even with Redis down: unpaced
    try:
        auth = client.auth_test()
    except SlackUnavailable as exc:
        yield Finding(False, "Slack", f"cannot reach {settings.slack_api_url} ({exc.error}): check SLACK_API_URL")
        return
    except SlackError as exc:
        yield Finding(False, "Slack", f"auth.test failed ({exc.error}): check SLACK_BOT_TOKEN")
        return
    yield Finding(True, "Slack", f"bot @{auth.get('user')} in workspace {auth.get('team')}")
    for variable, channel in (("BIRDHOUSE_MENTIONS_CHANNEL", settings.mentions_channel),
                              ("BIRDHOUSE_FOLLOWERS_CHANNEL", settings.followers_channel),
                              ("BIRDHOUSE_SUPPORT_CHANNEL", settings.support_channel)):
        try:
            info = client.channel_info(channel)
        except SlackError as exc:
            yield Finding(False, variable, f"{channel}: {exc.error} (is it the channel id?)")
            continue
        if info.get("is_archived"):
            yield Finding(False, variable, f"#{info.get('name')}: archived, so Slack takes no message there; "
                                           "unarchive it or name another channel")
        elif info.get("is_member") is False:
            yield Finding(False, variable, f"#{info.get('name')}: the bot is not a member; /invite it")
        else:
            yield Finding(True, variable, f"#{info.get('name')}")


def check_x(settings: Settings, connection: redis.Redis) -> Iterator[Finding]:
    client = XClient(settings)
    try:
        me = client.me()
    except XError as exc:
        yield Finding(False, "X", f"users/me failed: {exc}")
        return
    yield Finding(True, "X", f"signed in as @{me['username']} (id {me['id']})")
    try:
        client.followers(me["id"], max_results=1)
        yield Finding(True, "X followers", "follower lookup allowed")
    except XNotEnrolled:
        yield Finding(False, "X followers", "the access level does not include follower lookup: new-follower "
                                            "cards are off, everything else runs")
    except XError as exc:
        yield Finding(False, "X followers", f"follower lookup failed: {exc}")


def check_ingest(settings: Settings, connection: redis.Redis) -> Iterator[Finding]:
    """Which of BIRDHOUSE_INGEST's modes the access level allows, and whether the chosen one is among them."""
    refusal, subscriptions = _activity_api(settings)
    if refusal is None:
        yield Finding(True, "X ingest", "poll, stream and webhook allowed; "
                      + _follower_source(subscriptions, Capabilities(connection)))
    else:
        yield Finding(settings.ingest == "poll", "X ingest", f"poll only ({refusal}): stream and webhook are off")
    if settings.ingest == "poll":
        yield Finding(True, "BIRDHOUSE_INGEST", f"poll, every {settings.poll_interval:g} s")
    elif refusal is not None:
        yield Finding(False, "BIRDHOUSE_INGEST", f"{settings.ingest} needs the Activity API: set it to poll")
    elif settings.ingest == "webhook" and not settings.webhook_url:
        yield Finding(False, "BIRDHOUSE_INGEST", "webhook needs BIRDHOUSE_WEBHOOK_URL, the public URL of /x/webhooks")
    else:
        yield Finding(True, "BIRDHOUSE_INGEST", f"{settings.ingest}, with a reconciling poll every "
                                                f"{settings.mention_poll_interval():g} s")


def _activity_api(settings: Settings) -> tuple[str | None, list[dict]]:
    """(why the Activity API is out of reach, or None; its subscriptions)."""
    if not settings.x_bearer_token:
        return "X_BEARER_TOKEN is not set, and the Activity API is app-only", []
    try:
        return None, XClient(settings).subscriptions()
    except XNotEnrolled:
        return "the access level does not include the Activity API", []
    except XError as exc:
        return f"the Activity API failed: {exc}", []


def _follower_source(subscriptions: list[dict], capabilities: Capabilities) -> str:
    if any(s.get("event_type") == FOLLOW_EVENT for s in subscriptions):
        return "new followers come from follow.follow events"
    if capabilities.missing_reason(FOLLOW_EVENTS) is not None:
        return "X refused follow.follow events (Enterprise only), so new followers come from the follower poll"
    return "follow.follow events (Enterprise only) are tried at start; without them the follower poll finds new followers"


CHECKS: tuple[Callable[[Settings, redis.Redis], Iterator[Finding]], ...] = (check_redis, check_slack, check_x,
                                                                            check_ingest)
