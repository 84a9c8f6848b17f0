"""The learned part of triage: one logistic regression per label over cues and word n-grams.

Weights are trained offline by `tools/train_triage.py` (pure Python, seeded) and committed as
`weights.json`; here they are only read. A score is sigmoid(bias + sum of the weights of the
features present); a label is on when its score reaches the threshold chosen at training time.
"""

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .cues import CueMatch
from .text import PostText

WEIGHTS_FILE = "weights.json"
_WORD_PREFIX = "w:"
_BIGRAM_PREFIX = "b:"
_CUE_PREFIX = "cue:"


def features(text: PostText, cues: tuple[CueMatch, ...]) -> frozenset[str]:
    """The model's view of a post: which cues fired, which words and word pairs it uses."""
    tokens = text.tokens
    return frozenset(
        [_CUE_PREFIX + cue.name for cue in cues]
        + [_WORD_PREFIX + token for token in tokens]
        + [_BIGRAM_PREFIX + first + " " + second for first, second in zip(tokens, tokens[1:])]
    )


@dataclass(frozen=True, slots=True)
class LabelModel:
    bias: float
    weights: dict[str, float]
    threshold: float

    def score(self, present: frozenset[str]) -> float:
        z = self.bias + sum(self.weights.get(feature, 0.0) for feature in present)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def telling_words(self, present: frozenset[str], limit: int = 2) -> tuple[str, ...]:
        """The words that pushed the score up most, as card reasons ("word 'refund'")."""
        words = [(self.weights[f], f) for f in present if not f.startswith(_CUE_PREFIX) and self.weights.get(f, 0) > 0]
        return tuple(f"word '{f.split(':', 1)[1]}'" for _, f in sorted(words, reverse=True)[:limit])

    def to_dict(self) -> dict:
        return {"bias": self.bias, "threshold": self.threshold, "weights": self.weights}

    @classmethod
    def from_dict(cls, d: dict) -> "LabelModel":
        return cls(bias=d["bias"], weights=d["weights"], threshold=d["threshold"])


Models = dict[str, LabelModel]  # label -> model, for "question", "complaint", "praise"


@cache
def shipped_models() -> Models:
    """The committed weights, read once per process."""
    data = json.loads(resources.files(__package__).joinpath(WEIGHTS_FILE).read_text(encoding="utf-8"))
    return {label: LabelModel.from_dict(model) for label, model in data["labels"].items()}
