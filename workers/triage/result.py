"""The verdict on one post, as shown on a Slack card and stored with it."""

from dataclasses import asdict, dataclass

LABELS = ("question", "complaint", "praise", "spam", "noise")
# The one label a card headlines: what needs the team most comes first.
_HEADLINE_ORDER = ("complaint", "question", "praise", "spam", "noise")


@dataclass(frozen=True)
class Triage:
    question: bool  # expects an answer or an action from the brand
    complaint: bool  # a problem with, or dissatisfaction about, the brand (sarcasm included)
    praise: bool  # thanks or compliments
    spam: bool  # promotion, scams, follow-bait
    noise: bool  # needs no attention: reposts, empty or passing mentions, chatter among others
    language: str  # ISO 639-1, or "und" when the post has no words
    ranked: bool  # False when the language is not English: the labels above were not guessed
    scores: dict[str, float]  # label -> 0..1
    # label -> short human-readable cues, only for labels that are on; "language" when not ranked
    reasons: dict[str, tuple[str, ...]]
    priority: int  # 0..100, higher is read first

    @property
    def kind(self) -> str:
        return next((label for label in _HEADLINE_ORDER if getattr(self, label)), "other")

    def to_dict(self) -> dict:
        return {**asdict(self), "reasons": {label: list(cues) for label, cues in self.reasons.items()}, "kind": self.kind}

    @classmethod
    def from_dict(cls, d: dict) -> "Triage":
        return cls(
            **{label: bool(d[label]) for label in LABELS},
            language=d["language"],
            ranked=bool(d["ranked"]),
            scores={label: float(score) for label, score in d["scores"].items()},
            reasons={label: tuple(cues) for label, cues in d["reasons"].items()},
            priority=int(d["priority"]),
        )
