"""The learned part of triage: logistic regressions over cues and word n-grams, in two layers.

1. A general complaint model, learned from 3,449 real tweets (complaints-2019). Its annotators
   counted many plain service requests ("where is my parcel?") as complaints, so on its own it
   would file questions as complaints; its score is therefore not a verdict but a second opinion.
2. One model per label (question, complaint, praise), learned from brand mentions, whose features
   are the cues, the words and that second opinion (as "general complaint score >= x" flags).

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
_OPINION_PREFIX = "general_complaint>="
_OPINION_STEPS = (0.3, 0.5, 0.7, 0.9)


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))  # clamped: math.exp overflows past ~709


def base_features(text: PostText, cues: tuple[CueMatch, ...]) -> frozenset[str]:
    """What every model sees: which cues fired, which words and word pairs the post uses."""
    tokens = text.tokens
    # Absence is evidence too, and a linear model cannot see it unless told: a post with no
    # complaint cue at all ("at the gate, flight to Rome on time") should need more from its words.
    absent = [] if any(cue.label == "complaint" for cue in cues) else [_CUE_PREFIX + "no_complaint_cue"]
    return frozenset(
        absent
        + [_CUE_PREFIX + cue.name for cue in cues]
        + [_WORD_PREFIX + token for token in tokens]
        + [_BIGRAM_PREFIX + first + " " + second for first, second in zip(tokens, tokens[1:])]
    )


@dataclass(frozen=True, slots=True)
class LabelModel:
    bias: float
    weights: dict[str, float]
    threshold: float

    def score(self, present: frozenset[str]) -> float:
        return sigmoid(self.bias + sum(self.weights.get(feature, 0.0) for feature in present))

    def to_dict(self) -> dict:
        return {"bias": self.bias, "threshold": self.threshold, "weights": self.weights}

    @classmethod
    def from_dict(cls, d: dict) -> "LabelModel":
        return cls(bias=d["bias"], weights=d["weights"], threshold=d["threshold"])


def general_opinion(score: float) -> frozenset[str]:
    """The general complaint score as cumulative flags, so a linear model can weigh each step."""
    return frozenset(_OPINION_PREFIX + str(step) for step in _OPINION_STEPS if score >= step)


@dataclass(frozen=True, slots=True)
class TriageModel:
    general_complaint: LabelModel
    labels: dict[str, LabelModel]  # "question", "complaint", "praise"

    def features(self, text: PostText, cues: tuple[CueMatch, ...]) -> frozenset[str]:
        base = base_features(text, cues)
        return base | general_opinion(self.general_complaint.score(base))


@cache
def shipped_model() -> TriageModel:
    """The committed weights, read once per process."""
    data = json.loads(resources.files(__package__).joinpath(WEIGHTS_FILE).read_text(encoding="utf-8"))
    return TriageModel(
        general_complaint=LabelModel.from_dict(data["general_complaint"]),
        labels={label: LabelModel.from_dict(model) for label, model in data["labels"].items()},
    )
