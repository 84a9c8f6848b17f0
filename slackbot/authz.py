"""Who may act on cards: the people and user groups in BIRDHOUSE_TEAM (everyone when it is empty).

User groups are resolved with usergroups.users.list and kept in Redis for a minute, so a click costs no
Slack call most of the time and a change to the group is honoured within a minute.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable

import redis
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)

GROUP_CACHE_SECONDS = 60


class TeamUnknown(Exception):
    """A user group could not be resolved: refuse, and say why, rather than guess."""


def is_member(user: str, team: Iterable[str], group_members: dict[str, Iterable[str]]) -> bool:
    """``team`` holds user ids (U…/W…) and group ids (S…); ``group_members`` maps each group to its users."""
    team = tuple(team)
    if not team:
        return True
    return user in team or any(user in group_members.get(entry, ()) for entry in team if entry.startswith("S"))


class Team:
    def __init__(self, team: tuple[str, ...], connection: redis.Redis) -> None:
        self.team = team
        self.connection = connection

    def allows(self, user: str, client: WebClient) -> bool:
        if not self.team or user in self.team:
            return True
        groups = {group: self._members(group, client) for group in self.team if group.startswith("S")}
        return is_member(user, self.team, groups)

    def _members(self, group: str, client: WebClient) -> list[str]:
        key = f"bh:slack:usergroup:{group}"
        cached = self.connection.get(key)
        if cached is not None:
            return json.loads(cached)
        try:
            users = client.usergroups_users_list(usergroup=group)["users"]
        except SlackApiError as exc:
            log.error("cannot list user group %s: %s (the app needs usergroups:read)", group,
                      exc.response.get("error"))
            raise TeamUnknown(group) from exc
        self.connection.set(key, json.dumps(users), ex=GROUP_CACHE_SECONDS)
        return users
