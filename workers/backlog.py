"""What a channel posts first, and what it folds into a digest when it cannot post everything in time. Pure.

Bands, most urgent first: a case (an escalation in the support channel: what the support team acts on), a
card someone asked for (from a digest line), an SLA nudge (an item already past its SLA, in its card's thread),
complaints, questions, posts in another language (nobody knows yet what they say), the digests themselves (one
message standing for many), praise, notable followers and the follower digest, then the rest. Within a band,
oldest first.
"""

from __future__ import annotations

from enum import IntEnum


class Band(IntEnum):
    CASE = 0  # an escalation's case in the support channel, opened by a button press or by the SLA
    REQUESTED = 1
    NUDGE = 2  # the SLA's nudge in a card's thread, and its note there that it escalated
    COMPLAINT = 3
    QUESTION = 4
    OTHER_LANGUAGE = 5
    DIGEST = 6
    PRAISE = 7
    FOLLOWER = 8  # notable followers' cards, and the digest of a period's new followers
    REST = 9


# Bands whose mentions may be folded into a digest under pressure: never what needs an answer.
FOLDABLE = frozenset({Band.PRAISE, Band.REST})
DIGEST_LINES = 40  # a line is a section with its button: 40 plus the header and counts stay under 50 blocks


def mention_band(triage: dict) -> Band:
    """The band of a mention, from its triage (``Triage.to_dict``)."""
    kind = triage.get("kind")
    if kind in ("spam", "noise"):
        return Band.REST
    if not triage.get("ranked", True):
        return Band.OTHER_LANGUAGE
    return {"complaint": Band.COMPLAINT, "question": Band.QUESTION, "praise": Band.PRAISE}.get(kind, Band.REST)


def cards_in_time(seconds: float, per_second: float, burst: int) -> int:
    """How many messages a channel posts within ``seconds`` at Slack's pace: its burst, then its rate."""
    return burst + int(seconds * per_second)


def to_fold(backlog: list[tuple[str, int]], fits: int, cards_only: frozenset[str] = frozenset()) -> list[list[str]]:
    """The digests to make of ``backlog`` (members with their bands, most urgent first, oldest first within a
    band) when more is waiting than ``fits`` in time: foldable mentions, least urgent band first and oldest first
    within it, in digests of at most DIGEST_LINES, until what is left fits (each digest is a post too, so one of
    k lines frees k - 1). Oldest first: under a steady load, newer arrivals of higher bands keep going ahead of
    what is left, so folding the newest would leave the oldest waiting until the load ends. Never those in
    ``cards_only``: a card Slack may have posted already (its answer was lost), to be looked for, or a line of a
    digest Slack refused, which would be refused again with it."""
    left = len(backlog)
    if left <= fits:
        return []
    candidates = [(-band, position, name) for position, (name, band) in enumerate(backlog)
                  if band in FOLDABLE and name.startswith("mention:") and name not in cards_only]
    foldable = [name for *_, name in sorted(candidates)]
    folded: list[list[str]] = []
    while left > fits:
        size = min(DIGEST_LINES, left - fits + 1, len(foldable))
        if size < 2:  # a digest of one line frees nothing
            break
        lines, foldable = foldable[:size], foldable[size:]
        folded.append(lines)
        left -= size - 1
    return folded
