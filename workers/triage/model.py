"""The learned part of triage: one logistic regression per label over TF-IDF features (`features.py`).

Trained offline with scikit-learn by `tools/train_triage.py` on real posts labelled by people
(tests/fixtures/twcs_airlines, docs/labelling.md) and committed as `model.json.gz`; here it is only read,
with NumPy (already there for py3langid), so inference needs no scikit-learn. A label's score is
sigmoid(bias + coef · x), x being the post's sublinear TF-IDF vectors of words and of character n-grams,
each scaled to unit length, exactly as scikit-learn computes them; the label is on from the threshold chosen
on cross-validation.
"""

import gzip
import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from .features import char_grams, feature_text, word_grams

MODEL_FILE = "model.json.gz"
LABELS = ("question", "complaint", "praise")


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))  # clamped: math.exp overflows past ~709


@dataclass(frozen=True, slots=True)
class LabelModel:
    bias: float
    threshold: float


@dataclass(frozen=True)
class Block:
    """One vectorizer's terms: where each is, and per row its idf then one weight per label (NumPy, so that a
    post's few hundred terms are weighed in one step rather than one at a time)."""

    index: dict[str, int]
    rows: np.ndarray  # shape (terms, 1 + labels)

    def add(self, grams: list[str], totals: np.ndarray) -> np.ndarray:
        counts: dict[int, int] = {}
        for position in map(self.index.get, grams):
            if position is not None:
                counts[position] = counts.get(position, 0) + 1
        if not counts:
            return totals
        rows = self.rows[np.fromiter(counts, dtype=np.intp, count=len(counts))]
        weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=float, count=len(counts)))) * rows[:, 0]  # sublinear tf x idf
        return totals + weights @ rows[:, 1:] / np.sqrt(weights @ weights)  # unit length, as scikit-learn


@dataclass(frozen=True)
class TriageModel:
    words: Block
    chars: Block
    labels: dict[str, LabelModel]  # LABELS, in the order of the rows' weights

    def scores(self, escaped_text: str) -> dict[str, float]:
        text = feature_text(escaped_text)
        totals = np.array([model.bias for model in self.labels.values()])
        totals = self.chars.add(char_grams(text), self.words.add(word_grams(text), totals))
        return {label: sigmoid(float(total)) for label, total in zip(self.labels, totals)}

    def to_dict(self) -> dict:
        blocks = ((prefix, block, sorted(block.index, key=block.index.__getitem__))
                  for prefix, block in (("w", self.words), ("c", self.chars)))
        rows = [(f"{prefix}:{term}", block.rows[block.index[term]].tolist()) for prefix, block, terms in blocks
                for term in terms]
        return {"terms": [term for term, _ in rows], "idf": [row[0] for _, row in rows],
                "labels": {label: {"bias": model.bias, "threshold": model.threshold,
                                   "coef": [row[n + 1] for _, row in rows]}
                           for n, (label, model) in enumerate(self.labels.items())}}

    @classmethod
    def from_dict(cls, data: dict) -> "TriageModel":
        if tuple(data["labels"]) != LABELS:
            raise ValueError(f"a triage model has the labels {LABELS}, in that order, not {tuple(data['labels'])}")
        table = np.array([data["idf"], *(model["coef"] for model in data["labels"].values())]).T
        blocks = {}
        for prefix in ("w", "c"):
            chosen = [n for n, term in enumerate(data["terms"]) if term[0] == prefix]
            blocks[prefix] = Block({data["terms"][n][2:]: row for row, n in enumerate(chosen)},
                                   np.ascontiguousarray(table[chosen].reshape(len(chosen), 1 + len(LABELS))))
        return cls(words=blocks["w"], chars=blocks["c"],
                   labels={label: LabelModel(model["bias"], model["threshold"]) for label, model in data["labels"].items()})


@cache
def shipped_model() -> TriageModel:
    """The committed model, read once per process."""
    with resources.files(__package__).joinpath(MODEL_FILE).open("rb") as packed:
        return TriageModel.from_dict(json.loads(gzip.decompress(packed.read())))
