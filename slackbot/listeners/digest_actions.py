"""The "Show card" button on a mentions digest line: that mention gets its full card, first in the channel's line.

Claimed in the action ledger before the ack, so a double click or a second person asks for one card only."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from birdhouse import jobs
from birdhouse.store.actions import action_key
from birdhouse.store.outbox import Digests
from slackbot.authz import team_only
from slackbot.services import Services
from slackbot.views.mention_digest import CARD_ACTION

CARD_FROM_DIGEST = "card_from_digest"  # the action key's kind


def register(app: App, services: Services) -> None:
    @app.action(CARD_ACTION, middleware=[team_only(services.team)])
    def show_card(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        user, mention_id = body["user"]["id"], action["value"]
        key = action_key(CARD_FROM_DIGEST, mention_id)
        if Digests(services.redis).digest_of(mention_id) is not None and services.claim(key, user):
            jobs.card_from_digest(services.redis, key, mention_id, user)
        ack()
