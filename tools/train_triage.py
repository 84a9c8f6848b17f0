"""Train the triage model and write workers/triage/weights.json.

    .venv/bin/python tools/train_triage.py

Logistic regressions over cue and word-n-gram features (see workers/triage/model.py for the two
layers), fitted with AdaGrad in pure Python (no numpy at run time or here) and a seeded shuffle, so
the same data gives the same weights. Each threshold maximises F1 on 5-fold out-of-fold scores.

Training data:
- the general complaint model: complaints-2019 (Preoţiuc-Pietro et al., ACL 2019), all 3,449
  tweets; read from ../shared/datasets/complaints-2019/complaints.csv, never copied;
- the question, complaint and praise models: the English posts of the `train` split of
  tests/fixtures/brand_mentions.jsonl. The `test`, `heldout2`, `heldout3` and `heldout4` splits are
  never read here: they are the held-out sets of tools/eval_triage.py.
"""

import csv
import json
import math
import random
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from workers.triage.classify import LEARNED_LABELS
from workers.triage.cues import find_cues
from workers.triage.model import WEIGHTS_FILE, LabelModel, TriageModel, base_features, general_opinion, sigmoid
from workers.triage.text import read_post_text

REPO = Path(__file__).resolve().parents[1]
COMPLAINTS_CSV = (REPO / ".." / "shared" / "datasets" / "complaints-2019" / "complaints.csv").resolve()
BRAND_MENTIONS = REPO / "tests" / "fixtures" / "brand_mentions.jsonl"
WEIGHTS_PATH = REPO / "workers" / "triage" / WEIGHTS_FILE
SEED = 2026
ATTRIBUTION = (
    "general_complaint weights learned from the complaints-2019 data set: D. Preoţiuc-Pietro, M. Găman, "
    "N. Aletras, 'Automatically Identifying Complaints in Social Media', ACL 2019. No text from it is included."
)

# Chosen by 5-fold cross-validation on the training data (see docs/triage.md).
EPOCHS = 6
LEARNING_RATE = 0.2
L2 = 3e-3
MIN_FEATURE_COUNT = 2  # features seen once are memorised, not learned
THRESHOLD_FOLDS = 5


@dataclass(frozen=True, slots=True)
class Example:
    present: frozenset[str]
    gold: dict[str, bool]  # only the labels this example was annotated for


def text_features(text: str) -> frozenset[str]:
    post_text = read_post_text(text)
    return base_features(post_text, find_cues(post_text))


def load_complaints() -> list[tuple[str, bool]] | None:
    """(text, is complaint) rows of complaints-2019, or None when the data set is not there."""
    if not COMPLAINTS_CSV.exists():
        return None
    with COMPLAINTS_CSV.open(encoding="utf-8", newline="") as rows:
        return [(row["text"], row["complaint"] == "1") for row in csv.DictReader(rows)]


def complaint_examples(rows: list[tuple[str, bool]]) -> list[Example]:
    return [Example(text_features(text), {"complaint": is_complaint}) for text, is_complaint in rows]


def load_brand_mentions(split: str, *, english: bool = True) -> list[dict]:
    """The English (or, with english=False, the other-language) posts of one split. Labels of
    other languages are not guessed, so not learned either."""
    with BRAND_MENTIONS.open(encoding="utf-8") as lines:
        posts = map(json.loads, lines)
        return [post for post in posts if post["split"] == split and (post["gold"]["language"] == "en") == english]


def brand_examples(posts: list[dict], general_complaint: LabelModel) -> list[Example]:
    examples = []
    for post in posts:
        base = text_features(post["text"])
        present = base | general_opinion(general_complaint.score(base))
        examples.append(Example(present, {label: post["gold"][label] for label in LEARNED_LABELS}))
    return examples


def fit(examples: list[Example], label: str, threshold: float = 0.5) -> LabelModel:
    """Logistic regression with L2, AdaGrad steps, a seeded shuffle per epoch."""
    annotated = [e for e in examples if label in e.gold]
    counts = Counter(f for e in annotated for f in e.present)
    vocabulary = {f for f, n in counts.items() if n >= MIN_FEATURE_COUNT}
    rows = [([f for f in e.present if f in vocabulary], float(e.gold[label])) for e in annotated]
    weights: dict[str, float] = {}
    squared_gradients: dict[str, float] = {}
    bias = bias_squared_gradient = 0.0
    shuffle = random.Random(SEED).shuffle
    for _ in range(EPOCHS):
        shuffle(rows)
        for present, gold in rows:
            error = sigmoid(bias + sum(weights.get(f, 0.0) for f in present)) - gold
            bias_squared_gradient += error * error
            bias -= LEARNING_RATE * error / math.sqrt(bias_squared_gradient)
            for f in present:
                w = weights.get(f, 0.0)
                gradient = error + L2 * w
                squared_gradients[f] = squared_gradients.get(f, 0.0) + gradient * gradient
                weights[f] = w - LEARNING_RATE * gradient / math.sqrt(squared_gradients[f])
    kept = {f: round(w, 4) for f, w in sorted(weights.items()) if abs(w) >= 0.005}
    return LabelModel(bias=round(bias, 4), weights=kept, threshold=threshold)


def folds(examples: list[Example], k: int) -> list[list[Example]]:
    """k folds of a seeded shuffle (a fixed order, so every run splits the same way)."""
    order = list(examples)
    random.Random(SEED).shuffle(order)
    return [order[i::k] for i in range(k)]


def best_threshold(scored: list[tuple[float, bool]]) -> float:
    """The score cut-off with the highest F1 (midway between neighbouring scores)."""
    scored = sorted(scored, reverse=True)
    positives = sum(gold for _, gold in scored)
    best_f1, best_cut, true_positives = -1.0, 0.5, 0
    for i, (score, gold) in enumerate(scored):
        true_positives += gold
        f1 = 2 * true_positives / (i + 1 + positives)
        next_score = scored[i + 1][0] if i + 1 < len(scored) else 0.0
        if f1 > best_f1 and next_score < score:
            best_f1, best_cut = f1, (score + next_score) / 2
    return round(best_cut, 4)


def train_label(examples: list[Example], label: str) -> LabelModel:
    """Threshold from out-of-fold scores, then the weights from all the examples."""
    annotated = [e for e in examples if label in e.gold]
    out_of_fold = []
    parts = folds(annotated, THRESHOLD_FOLDS)
    for i, held_out in enumerate(parts):
        model = fit([e for j, part in enumerate(parts) if j != i for e in part], label)
        out_of_fold += [(model.score(e.present), e.gold[label]) for e in held_out]
    return fit(annotated, label, threshold=best_threshold(out_of_fold))


def train_labels(examples: list[Example]) -> dict[str, LabelModel]:
    return {label: train_label(examples, label) for label in LEARNED_LABELS}


def main() -> int:
    complaints = load_complaints()
    if complaints is None:
        print(f"complaints-2019 not found at {COMPLAINTS_CSV}: cannot train the general complaint model", file=sys.stderr)
        return 1
    general_complaint = train_label(complaint_examples(complaints), "complaint")
    model = TriageModel(general_complaint, train_labels(brand_examples(load_brand_mentions("train"), general_complaint)))
    document = {
        "attribution": ATTRIBUTION,
        "trained_on": {
            "general_complaint": "complaints-2019, all rows",
            "labels": "tests/fixtures/brand_mentions.jsonl, split=train, English posts",
        },
        "general_complaint": general_complaint.to_dict(),
        "labels": {label: label_model.to_dict() for label, label_model in model.labels.items()},
    }
    WEIGHTS_PATH.write_text(json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    for name, label_model in {"general_complaint": general_complaint, **model.labels}.items():
        print(f"{name:18} {len(label_model.weights):5} weights, threshold {label_model.threshold}")
    print(f"wrote {WEIGHTS_PATH.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
