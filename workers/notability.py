"""Who among new followers deserves a person's attention, and why: pure, explainable, no I/O.

A follower earns points for signals a social team looks at (reach, verification, activity, a healthy
followers/following ratio, account age, the brand's field in their bio or name, a recent mention of the
brand), and collects bot signals (default picture, no posts, a brand-new account following thousands, a
bio that is only a link, an auto-generated handle). Enough bot signals and they get no card, whatever
their points; otherwise enough points earn a card and the rest go to the digest. Every point and every
signal comes with the words shown to the team, so each card says why it is there.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from birdhouse.defaults import DAY
from birdhouse.models import REACH_BANDS

NOTABLE, ORDINARY, LIKELY_BOT = "notable", "ordinary", "likely_bot"

_URL = re.compile(r"https?://\S+|\b[\w-]+(?:\.[\w-]+)+/\S*", re.IGNORECASE)
_GENERATED_HANDLE = re.compile(r"^[A-Za-z_]+\d{6,}$")  # X's suggested handles: a name and eight digits
_DEFAULT_AVATAR = "default_profile_images"
# Points per reach band, smallest band first; the configured notable reach is worth a card by itself.
_REACH_POINTS = {"2k+": 1, "10k+": 2, "100k+": 3, "1M+": 4}
GOOD_ACCOUNT_CAP = 2  # activity, ratio and account age together: real, not yet remarkable
_VERIFIED = {"business": (2, "business verified"), "government": (2, "government verified"),
             "blue": (1, "verified (blue)")}


@dataclass(frozen=True)
class Thresholds:
    keywords: tuple[str, ...] = ()  # the brand's field, lower case: a bio or name naming one is a point
    notable_followers: int = 10_000  # reach that earns a card by itself
    notable_score: int = 3  # points that earn a card
    bot_signals: int = 2  # bot signals that withhold a card
    active_posts_per_week: float = 3.0
    established_years: float = 3.0
    healthy_ratio: float = 2.0  # followers per account followed, with at least ratio_min_followers followers
    ratio_min_followers: int = 500
    new_account_days: float = 30.0
    mass_following: int = 2_000
    mention_window_days: float = 14.0


@dataclass(frozen=True)
class Notability:
    verdict: str  # NOTABLE | ORDINARY | LIKELY_BOT
    score: int
    reasons: tuple[str, ...]  # why notable, most telling first
    bot_signals: tuple[str, ...] = ()
    posts_per_week: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Notability:
        return cls(**{**data, "reasons": tuple(data["reasons"]), "bot_signals": tuple(data["bot_signals"])})


def _epoch(iso: str | None) -> float | None:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() if iso else None


def _ago(seconds: float) -> str:
    days = int(seconds // DAY)
    if days < 1:
        return "today"
    return "yesterday" if days == 1 else f"{days} days ago"


def _years(seconds: float) -> str:
    years = int(seconds // (365.25 * DAY))
    return f"{years} year{'s' if years != 1 else ''}"


def posts_per_week(tweet_count: int, created_at: float | None, now: float) -> float:
    """Average posts a week over the account's life (no extra read); accounts under a week count as a week."""
    if created_at is None:
        return 0.0
    weeks = max((now - created_at) / (7 * DAY), 1.0)
    return tweet_count / weeks


def keyword_hits(text: str, keywords: tuple[str, ...]) -> list[str]:
    """Keywords found in ``text`` as whole words (so 'tea' does not match 'team')."""
    lowered = text.lower()
    return [word for word in keywords if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", lowered)]


def bot_signals(user: dict[str, Any], now: float, thresholds: Thresholds) -> list[str]:
    metrics = user.get("public_metrics") or {}
    followers, following = metrics.get("followers_count", 0), metrics.get("following_count", 0)
    created_at = _epoch(user.get("created_at"))
    age = now - created_at if created_at is not None else None
    description = (user.get("description") or "").strip()
    signals = []
    if _DEFAULT_AVATAR in (user.get("profile_image_url") or ""):
        signals.append("default profile picture")
    if metrics.get("tweet_count", 0) == 0:
        signals.append("has never posted")
    if age is not None and age < thresholds.new_account_days * DAY and following >= thresholds.mass_following:
        signals.append(f"account {int(age // DAY)} days old already following {following:,}")
    elif following >= thresholds.mass_following and followers * 50 < following:
        signals.append(f"follows {following:,} but only {followers:,} follow back")
    if description and not _URL.sub("", description).strip(" \t\n-|:·•>→👉"):
        signals.append("bio is only a link")
    if _GENERATED_HANDLE.match(user.get("username", "")):
        signals.append("handle looks auto-generated")
    return signals


def assess(user: dict[str, Any], now: float, thresholds: Thresholds, *,
           mentioned_at: float | None = None) -> Notability:
    """Score one follower (an X API v2 user object) at ``now``. ``mentioned_at``: when they last mentioned
    the brand, from what Birdhouse already stored (no read)."""
    metrics = user.get("public_metrics") or {}
    followers, following = metrics.get("followers_count", 0), metrics.get("following_count", 0)
    tweets = metrics.get("tweet_count", 0)
    created_at = _epoch(user.get("created_at"))
    weekly = posts_per_week(tweets, created_at, now)
    points: list[tuple[int, str]] = []

    band = next((label for threshold, label in REACH_BANDS if followers >= threshold), None)
    reach = f"{band} followers ({followers:,})" if band else f"{followers:,} followers"
    if followers >= thresholds.notable_followers:
        points.append((thresholds.notable_score, reach))
    elif band:
        points.append((_REACH_POINTS[band], reach))
    if user.get("verified_type") in _VERIFIED:
        points.append(_VERIFIED[user["verified_type"]])
    if mentioned_at is not None and now - mentioned_at <= thresholds.mention_window_days * DAY:
        points.append((2, f"mentioned us {_ago(now - mentioned_at)}"))
    for where, text in (("bio", user.get("description") or ""), ("name", user.get("name") or "")):
        hits = keyword_hits(text, thresholds.keywords)
        if hits:
            points.append((2, f"{where} mentions " + ", ".join(f"'{word}'" for word in hits)))
            break  # the field counts once, however many places name it
    # Signs of a good ordinary account: all are shown, but together they count at most GOOD_ACCOUNT_CAP, since
    # being active, liked and long-standing makes someone real, not yet someone to single out.
    good_account = []
    if weekly >= thresholds.active_posts_per_week:
        good_account.append((1, f"active: posts ~{weekly:.0f} per week"))
    if followers >= thresholds.ratio_min_followers and followers >= thresholds.healthy_ratio * max(following, 1):
        good_account.append((1, f"followed by {followers / max(following, 1):.0f}× as many as they follow"))
    if created_at is not None and now - created_at >= thresholds.established_years * 365.25 * DAY:
        good_account.append((1, f"on X for {_years(now - created_at)}"))
    points += [(value if rank < GOOD_ACCOUNT_CAP else 0, text) for rank, (value, text) in enumerate(good_account)]

    signals = bot_signals(user, now, thresholds)
    score = sum(value for value, _ in points)
    # Business and government checks are paid for and vetted by X; a bot signal there is a quirk, not a bot.
    vetted = user.get("verified_type") in ("business", "government")
    if len(signals) >= thresholds.bot_signals and not vetted:
        verdict = LIKELY_BOT
    elif score >= thresholds.notable_score:
        verdict = NOTABLE
    else:
        verdict = ORDINARY
    reasons = tuple(text for _, text in sorted(points, key=lambda point: -point[0]))
    return Notability(verdict, score, reasons, tuple(signals), round(weekly, 1))


def explanation(notability: Notability) -> str:
    """One line a person reads: the verdict and its reasons."""
    if notability.verdict == LIKELY_BOT:
        return "Likely a bot: " + "; ".join(notability.bot_signals)
    head = "Notable" if notability.verdict == NOTABLE else "Ordinary"
    why = "; ".join(notability.reasons) or "nothing stands out"
    return f"{head} (score {notability.score}): {why}"
