"""The buttons on new-follower cards: Follow back, Add to VIP list, Dismiss.

Each press comes from the team (``authz.team_only``), is claimed in the action ledger and queued before the
ack: a double click, two people at once or a Slack redelivery finds the claim taken and nothing is done twice.
The worker acts on X and updates the card for everyone.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import redis
from slack_bolt import Ack, App

from birdhouse import jobs
from birdhouse.models import CardKind
from birdhouse.store.actions import action_key
from birdhouse.store.events import EventKind
from slackbot.authz import team_only
from slackbot.services import Services
from slackbot.views import follower_card

Enqueue = Callable[[redis.Redis, str, str, str], None]  # (connection, action key, follower id, Slack user)


# What each button does: the kind of event it writes (which names its action key) and its job.
ACTIONS: dict[str, tuple[EventKind, Enqueue]] = {
    follower_card.FOLLOW_BACK: (EventKind.FOLLOW_BACK, partial(jobs.follow_back, kind=CardKind.FOLLOWER)),
    follower_card.ADD_TO_VIP: (EventKind.VIP_LIST, jobs.add_to_vip),
    follower_card.DISMISS: (EventKind.FOLLOWER_DISMISS, jobs.dismiss_follower),
}


class FollowerActions:
    def __init__(self, services: Services) -> None:
        self.services = services

    def pressed(self, ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        # Claimed and queued before the ack (Redis only, well within Slack's 3 s): once Slack has its answer,
        # the press is safely in the queue. A follow is keyed by the X user, as on their mention cards.
        kind, enqueue = ACTIONS[action["action_id"]]
        user, follower_id = body["user"]["id"], action["value"]
        key = action_key(kind, follower_id)
        if self.services.claim(key, user):
            enqueue(self.services.redis, key, follower_id, user)
        ack()


def register(app: App, services: Services) -> None:
    actions = FollowerActions(services)
    for action_id in ACTIONS:
        app.action(action_id, middleware=[team_only(services.team)])(actions.pressed)
    # The x.com link button opens the browser; Slack still reports the click, which only needs an ack.
    app.action(follower_card.FOLLOW_INTENT)(lambda ack: ack())
