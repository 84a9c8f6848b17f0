"""How long Birdhouse keeps what it keeps, in one place (as rq keeps its defaults).

Every key Birdhouse writes expires: Redis must not grow with the account's history.
"""

DAY = 86400

CARD_RETENTION_SECONDS = 90 * DAY  # cards, their actions, permalinks and followers: longer than anyone acts on one
STATS_RETENTION_SECONDS = 40 * DAY  # events the stats and the SLA read: longer than their 30-day window
REMEMBER_SECONDS = 7 * DAY  # what X refused (access level), a post attempt, a failed job: a week to look at it
