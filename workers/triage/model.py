"""The learned part of triage: one logistic regression per label over TF-IDF features (`features.py`).

Trained offline with scikit-learn by `tools/train_triage.py` on real posts labelled by people
(tests/fixtures/twcs_airlines, docs/labelling.md) and committed as `model.json.gz`; here it is only read,
with NumPy (already there for py3langid), so inference needs no scikit-learn. A label's score is
sigmoid(bias + coef · x), x being the post's sublinear TF-IDF vectors of words and of character n-grams,
each scaled to unit length, exactly as scikit-learn computes them; the label is on from the threshold chosen
on cross-validation.
"""

import gzip
from collections import Counter
import json
import math
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import numpy as np

from .features import feature_text, word_char_grams, word_grams

MODEL_FILE = "model.json.gz"
LABELS = ("question", "complaint", "praise")
KNOWN_WORDS = 20_000  # words whose n-gram rows are kept: about 5 MB


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))  # clamped: math.exp overflows past ~709


@dataclass(frozen=True, slots=True)
class LabelModel:
    bias: float
    threshold: float


@dataclass(frozen=True, eq=False)  # compared by identity: its n-gram rows are cached per block
class Block:
    """One vectorizer's terms: where each is, and per row its idf then one weight per label (NumPy, so that a
    post's few hundred terms are weighed in one step rather than one at a time)."""

    index: dict[str, int]
    rows: np.ndarray  # shape (terms, 1 + labels)

    def positions(self, grams: list[str]) -> list[int]:
        return [position for position in map(self.index.get, grams) if position is not None]

    def word_positions(self, words: list[str]) -> list[int]:
        """The rows of the character n-grams of ``words``."""
        found: list[int] = []
        for word in words:
            found += self.word_rows(word)
        return found

    # Words recur from post to post, so most posts are a few look-ups here rather than a few hundred n-grams
    # made and looked up. A forked job's copy lives as long as the job (a poll's pages), the stream's as long
    # as its process.
    @lru_cache(maxsize=KNOWN_WORDS)
    def word_rows(self, word: str) -> tuple[int, ...]:
        return tuple(self.positions(word_char_grams(word)))

    def add(self, positions: list[int], totals: np.ndarray) -> np.ndarray:
        if not positions:
            return totals
        counts = Counter(positions)
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
        totals = self.words.add(self.words.positions(word_grams(text)), totals)
        totals = self.chars.add(self.chars.word_positions(text.split()), totals)
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
