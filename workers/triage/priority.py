"""Priority 0..100: the order a team should read mentions in.

Each headline kind owns a band, so a complaint from anyone is read before praise from anyone; the
author's reach moves a post up within (and a little past) its band. Spam and noise get no reach
bonus: a big account posting spam is still spam.
"""

_BASE = {
    "complaint": 75,
    "question": 60,
    "unranked": 45,  # another language: nobody knows yet what it says, so it sits mid-queue
    "praise": 30,
    "other": 20,
    "noise": 5,
    "spam": 0,
}
_COMPLAINT_WITH_QUESTION = 5  # a complaint that also asks for something needs an answer too
_FOLLOWER_BANDS = ((100_000, 15), (10_000, 10), (2_000, 5))  # (at least this many followers, bonus)
_VERIFIED_BONUS = 5
_MAX_REACH_BONUS = 20
_NO_REACH_BONUS = frozenset({"noise", "spam"})


def reach_bonus(author: dict | None) -> int:
    if not author:
        return 0
    followers = (author.get("public_metrics") or {}).get("followers_count") or 0
    bonus = next((points for floor, points in _FOLLOWER_BANDS if followers >= floor), 0)
    # verified_type is "blue", "business" or "government"; "none" (or absent) means not verified.
    if author.get("verified") or author.get("verified_type") not in (None, "none"):
        bonus += _VERIFIED_BONUS
    return min(bonus, _MAX_REACH_BONUS)


def priority(kind: str, *, ranked: bool, also_question: bool, author: dict | None) -> int:
    band = kind if ranked or kind in _NO_REACH_BONUS else "unranked"
    score = _BASE[band]
    if band == "complaint" and also_question:
        score += _COMPLAINT_WITH_QUESTION
    if band not in _NO_REACH_BONUS:
        score += reach_bonus(author)
    return max(0, min(100, score))
