"""Who may act on cards: the people and user groups in BIRDHOUSE_TEAM (everyone when it is empty), checked by
Bolt listener middleware (``team_only``) before any card listener runs.

User groups are resolved with usergroups.users.list and kept in Redis for a minute, so a click costs no
Slack call most of the time and a change to the group is honoured within a minute.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

import redis
from slack_bolt import Ack, BoltResponse

from birdhouse.errors import SlackError
from birdhouse.slackclient import SlackClient
from birdhouse.store.usergroups import UserGroups
from slackbot.views import notices

log = logging.getLogger(__name__)

GROUP_CACHE_SECONDS = 60

# How a refusal is answered: (ack, body, Slack, what to say) -> Bolt's response.
Refuse = Callable[[Ack, dict[str, Any], SlackClient, str], BoltResponse]


class TeamUnknown(Exception):
    """A user group could not be resolved: refuse, and say why, rather than guess."""


def is_member(user: str, team: Iterable[str], group_members: dict[str, Iterable[str]]) -> bool:
    """``team`` holds user ids (U…/W…) and group ids (S…); ``group_members`` maps each group to its users."""
    team = tuple(team)
    if not team:
        return True
    return user in team or any(user in group_members.get(entry, ()) for entry in team if entry.startswith("S"))


class Team:
    def __init__(self, team: tuple[str, ...], connection: redis.Redis, slack: SlackClient) -> None:
        self.team = team
        self.groups = UserGroups(connection)
        self.slack = slack

    def allows(self, user: str) -> bool:
        if not self.team or user in self.team:
            return True
        groups = {group: self._members(group) for group in self.team if group.startswith("S")}
        return is_member(user, self.team, groups)

    def _members(self, group: str) -> list[str]:
        if (kept := self.groups.members(group)) is not None:
            return kept
        try:
            users = self.slack.usergroup_members(group)
        except SlackError as exc:
            log.error("cannot list user group %s: %s (the app needs usergroups:read)", group, exc.error)
            raise TeamUnknown(group) from exc
        self.groups.keep(group, users, GROUP_CACHE_SECONDS)
        return users


def refuse_privately(ack: Ack, body: dict[str, Any], slack: SlackClient, text: str) -> BoltResponse:
    """A button press: acked, and the person told why nothing happened, only them."""
    response = ack()
    slack.post_ephemeral(body["channel"]["id"], body["user"]["id"], text)
    return response


def team_only(team: Team, refuse: Refuse = refuse_privately) -> Callable[..., BoltResponse | None]:
    """Bolt listener middleware: the listener runs for people on the team; anyone else is refused, and nothing
    happens."""

    def on_the_team(ack: Ack, body: dict[str, Any], next_: Callable[[], None]) -> BoltResponse | None:
        try:
            refusal = None if team.allows(body["user"]["id"]) else notices.NOT_ON_TEAM
        except TeamUnknown:
            refusal = notices.TEAM_UNKNOWN
        if refusal is None:
            next_()
            return None
        return refuse(ack, body, team.slack, refusal)

    return on_the_team
