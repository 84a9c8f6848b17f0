"""Birdhouse's numbers in one place (as rq keeps its defaults): how long it keeps what it keeps, and the
Block Kit limits its messages are cut to.

Every key Birdhouse writes expires: Redis must not grow with the account's history.
"""

DAY = 86400

CARD_RETENTION_SECONDS = 90 * DAY  # cards, their actions, permalinks and followers: longer than anyone acts on one
STATS_RETENTION_SECONDS = 40 * DAY  # events the stats and the SLA read: longer than their 30-day window
REMEMBER_SECONDS = 7 * DAY  # what X refused (access level), a post attempt, a failed job: a week to look at it
SEEN_RETENTION_SECONDS = 2 * DAY  # the ids X sent on a UTC day: needed only until that day is over

SECTION_TEXT_LIMIT = 3000  # Slack's limit on the text of a section or a context element
