"""What the Slack listeners need, handed to each ``register``: settings, Redis, the stores and the team.

Listeners ack within Slack's 3 seconds; anything that touches X goes to a worker through ``birdhouse.jobs``.
"""

from __future__ import annotations

from birdhouse.runtime import Runtime
from birdhouse.slackclient import SlackClient
from birdhouse.store.actions import ActionLedger
from slackbot.authz import Team


class Services(Runtime):
    def __post_init__(self) -> None:
        super().__post_init__()
        self.slack = SlackClient(self.settings, self.redis)  # every write to Slack, paced with the workers'
        self.team = Team(self.settings.team, self.redis, self.slack)
        self.ledger = ActionLedger(self.redis)

    def claim(self, key: str, user: str) -> bool:
        """True for the first press of an action only: a double click, two people at once or a Slack redelivery
        find it taken, and the first press is carried out once."""
        return self.ledger.claim(key, user, self.clock())
