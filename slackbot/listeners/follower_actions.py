"""The buttons on new-follower cards: Follow back, Add to VIP list, Dismiss.

Each press is acked at once, checked against the team, and claimed in the action ledger before anything is
queued: a double click, two people at once or a Slack redelivery finds the claim taken and nothing is done
twice. The worker acts on X and updates the card for everyone.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from birdhouse.store.actions import ActionLedger
from slackbot.authz import Team, TeamUnknown
from slackbot.services import Services
from slackbot.views import follower_card, notices
from workers import followers

ACTIONS = {
    follower_card.FOLLOW_BACK: followers.FOLLOW_BACK_ACTION,
    follower_card.ADD_TO_VIP: followers.VIP_ACTION,
    follower_card.DISMISS: followers.DISMISS_ACTION,
}


def register(app: App, services: Services) -> None:
    team = Team(services.settings.team, services.redis)
    ledger = ActionLedger(services.redis)

    def pressed(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        user, channel = body["user"]["id"], body["channel"]["id"]
        try:
            refusal = None if team.allows(user, client) else notices.NOT_ON_TEAM
        except TeamUnknown:
            refusal = notices.TEAM_UNKNOWN
        if refusal is None:
            # Claimed and queued before the ack (Redis only, well within Slack's 3 s): once Slack has its
            # answer, the press is safely in the queue.
            name, x_user_id = ACTIONS[action["action_id"]], action["value"]
            if ledger.claim(followers.action_key(x_user_id, name), user, services.clock()):
                services.enqueue("workers.followers.act", name, x_user_id, user, channel,
                                 job_id=f"follower-{name}-{x_user_id}")
            # else a double click or a second person: the first press is being carried out
            ack()
            return
        ack()
        client.chat_postEphemeral(channel=channel, user=user, text=refusal)

    for action_id in ACTIONS:
        app.action(action_id)(pressed)
    # The x.com link button opens the browser; Slack still reports the click, which only needs an ack.
    app.action(follower_card.FOLLOW_INTENT)(lambda ack: ack())
