"""Train triage's model (`workers/triage/model.json.gz`) on the labelled real posts.

    .venv/bin/python tools/train_triage.py        # cross-validate, choose thresholds, train, write the model

Optional: needs scikit-learn (`pip install -e '.[train]'`) and the posts' texts in
../shared/datasets/twcs-airlines/first_posts.jsonl (real customer posts to airlines, CC BY-NC-SA 4.0, never
copied into the repo); without them it says so and exits 0. Only the `train` split of
tests/fixtures/twcs_airlines/labels.csv is read: the held-out split is for `make eval`.

Method (docs/triage.md): the features of `workers/triage/features.py`, sublinear TF-IDF of words and of character
n-grams side by side (terms in at least two posts; the 100,000 most frequent character n-grams), one NB-LR per
label (a logistic regression over the features scaled by the label's log-count ratio; C = 4 and the smoothing
chosen on cross-validation). Thresholds are chosen on 5-fold cross-validation
for a care team's costs: a missed question or complaint costs twice a false alarm; for praise both cost the
same. complaints-2019's tweets to brands of eight other industries, labelled by us with the same rules
(tests/fixtures/complaints_2019), are trained on beside the airline posts, so that the model carries beyond
airlines; they are read from ../shared as well, and left out, saying so, when absent.
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from workers.triage.features import char_grams, feature_text, word_grams  # noqa: E402
from workers.triage.model import LABELS, MODEL_FILE, TriageModel  # noqa: E402

POSTS = REPO.parent / "shared" / "datasets" / "twcs-airlines" / "first_posts.jsonl"
COMPLAINTS_CSV = REPO.parent / "shared" / "datasets" / "complaints-2019" / "complaints.csv"
LABEL_FILE = REPO / "tests" / "fixtures" / "twcs_airlines" / "labels.csv"
# Our labels (question, complaint, praise) for complaints-2019's 3,449 tweets to brands of eight industries.
OTHER_INDUSTRIES_LABELS = REPO / "tests" / "fixtures" / "complaints_2019" / "labels.csv"
OTHER_INDUSTRIES_WEIGHT = 1.0  # labelled as carefully as the airline posts (docs/labelling.md)
OUTPUT = REPO / "workers" / "triage" / MODEL_FILE
MISS_COST = {"question": 2.0, "complaint": 2.0, "praise": 1.0}  # cost of a miss, a false alarm costing 1
C = 4.0
NB_SMOOTHING = 0.25  # added to each term's weight in each class before the log-count ratio
MAX_TERMS = 100_000
FOLDS = 5
SEED = 0
THRESHOLDS = [step / 100 for step in range(10, 91)]


def words(text: str) -> list[str]:
    return [f"w:{gram}" for gram in word_grams(feature_text(text))]


def characters(text: str) -> list[str]:
    return [f"c:{gram}" for gram in char_grams(feature_text(text))]


class Features:
    """Word and character TF-IDF side by side, each scaled to unit length (what `TriageModel.vector` reads)."""

    def __init__(self) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.blocks = [TfidfVectorizer(analyzer=words, sublinear_tf=True, min_df=2),
                       TfidfVectorizer(analyzer=characters, sublinear_tf=True, min_df=2, max_features=MAX_TERMS)]

    def fit_transform(self, texts: list[str]):
        from scipy.sparse import hstack

        return hstack([block.fit_transform(texts) for block in self.blocks]).tocsr()

    def transform(self, texts: list[str]):
        from scipy.sparse import hstack

        return hstack([block.transform(texts) for block in self.blocks]).tocsr()

    def terms(self) -> list[str]:
        return [str(term) for block in self.blocks for term in block.get_feature_names_out()]

    def idf(self) -> list[float]:
        return [float(value) for block in self.blocks for value in block.idf_]


def load_texts() -> dict[str, str] | None:
    if not POSTS.exists():
        return None
    with POSTS.open(encoding="utf-8") as lines:
        return {post["id"]: post["text"] for post in map(json.loads, lines)}


def labelled(split: str, texts: dict[str, str]) -> tuple[list[str], dict[str, list[int]]]:
    with LABEL_FILE.open(newline="") as rows:
        chosen = [row for row in csv.DictReader(rows) if row["split"] == split]
    return [texts[row["id"]] for row in chosen], {label: [int(row[label]) for row in chosen] for label in LABELS}


Extra = tuple[list[str], dict[str, list[int]]]  # posts of other industries and their labels
NO_EXTRA: Extra = ([], {label: [] for label in LABELS})


def load_other_industries() -> Extra:
    """complaints-2019 (D. Preoţiuc-Pietro, M. Găman, N. Aletras, ACL 2019) with our labels, when its texts are
    beside the repo."""
    if not COMPLAINTS_CSV.exists():
        return NO_EXTRA
    with COMPLAINTS_CSV.open(encoding="utf-8", newline="") as rows:
        texts = {row["id"]: row["text"] for row in csv.DictReader(rows)}
    with OTHER_INDUSTRIES_LABELS.open(newline="") as rows:
        chosen = list(csv.DictReader(rows))
    return [texts[row["id"]] for row in chosen], {label: [int(row[label]) for row in chosen] for label in LABELS}


class NaiveBayesLogistic:
    """A logistic regression over the features scaled by the label's log-count ratio (NB-LR: S. Wang and
    C. Manning, "Baselines and Bigrams", ACL 2012), which lifts the terms that tell the label apart before the
    regression weighs them. The scaling is folded into ``coef_``, so the shipped model reads the same unit-length
    TF-IDF vectors as a plain regression and costs nothing more per post."""

    def __init__(self, c: float) -> None:
        self.c = c

    def fit(self, matrix, gold: list[int], sample_weight: list[float]) -> "NaiveBayesLogistic":
        import numpy as np
        from scipy.sparse import diags
        from sklearn.linear_model import LogisticRegression

        weights = np.asarray(sample_weight)
        on = np.asarray(gold) == 1
        present = NB_SMOOTHING + np.asarray(matrix[on].T @ weights[on]).ravel()
        absent = NB_SMOOTHING + np.asarray(matrix[~on].T @ weights[~on]).ravel()
        ratio = np.log(present / present.sum()) - np.log(absent / absent.sum())
        regression = LogisticRegression(C=self.c, max_iter=5000).fit(matrix @ diags(ratio), gold,
                                                                      sample_weight=weights)
        self.coef_, self.intercept_ = regression.coef_ * ratio, regression.intercept_
        return self

    def predict_proba(self, matrix):
        import numpy as np

        on = 1.0 / (1.0 + np.exp(-(matrix @ self.coef_[0] + self.intercept_[0])))
        return np.column_stack([1.0 - on, on])


def fit(texts: list[str], labels: dict[str, list[int]], extra: Extra = NO_EXTRA,
        extra_weight: float = OTHER_INDUSTRIES_WEIGHT):
    """The vectorizer and one NB-LR per label of ``labels``, trained on ``texts`` and the extra posts (each
    weighing ``extra_weight`` against a post of ``texts``)."""
    extra_texts, extra_labels = extra
    vectorizer = Features()
    matrix = vectorizer.fit_transform(texts + extra_texts)
    weights = [1.0] * len(texts) + [extra_weight] * len(extra_texts)
    return vectorizer, {label: NaiveBayesLogistic(C).fit(matrix, gold + extra_labels[label], weights)
                        for label, gold in labels.items()}


def out_of_fold(texts: list[str], labels: dict[str, list[int]], extra: Extra = NO_EXTRA) -> dict[str, list[float]]:
    """Each post's probability per label from a model that never saw it (k-fold)."""
    from sklearn.model_selection import KFold

    found = {label: [0.0] * len(texts) for label in LABELS}
    for train, test in KFold(FOLDS, shuffle=True, random_state=SEED).split(texts):
        vectorizer, models = fit([texts[i] for i in train], {k: [v[i] for i in train] for k, v in labels.items()}, extra)
        matrix = vectorizer.transform([texts[i] for i in test])
        for label, model in models.items():
            for position, probability in zip(test, model.predict_proba(matrix)[:, 1]):
                found[label][position] = float(probability)
    return found


def cheapest_threshold(probabilities: list[float], gold: list[int], miss_cost: float) -> float:
    def cost(threshold: float) -> float:
        misses = sum(g and p < threshold for p, g in zip(probabilities, gold))
        alarms = sum(not g and p >= threshold for p, g in zip(probabilities, gold))
        return miss_cost * misses + alarms
    return min(THRESHOLDS, key=lambda threshold: (cost(threshold), abs(threshold - 0.5)))


def f1(probabilities: list[float], gold: list[int], threshold: float) -> tuple[float, float, float]:
    hits = sum(g and p >= threshold for p, g in zip(probabilities, gold))
    said, real = sum(p >= threshold for p in probabilities), sum(gold)
    precision, recall = hits / said if said else 0.0, hits / real if real else 0.0
    return precision, recall, 2 * precision * recall / (precision + recall) if hits else 0.0


def to_model(vectorizer, models, thresholds: dict[str, float]) -> TriageModel:
    return TriageModel.from_dict({
        "terms": vectorizer.terms(),
        "idf": [round(value, 5) for value in vectorizer.idf()],
        "labels": {label: {"bias": round(float(model.intercept_[0]), 5), "threshold": thresholds[label],
                           "coef": [round(float(value), 5) for value in model.coef_[0]]}
                   for label, model in models.items()},
    })


def main() -> int:
    texts = load_texts()
    if texts is None:
        print(f"skipped: {POSTS} is not here (the real posts exist only beside the repo on our machines)")
        return 0
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("skipped: scikit-learn is not installed (pip install -e '.[train]')")
        return 0
    posts, labels = labelled("train", texts)
    extra = load_other_industries()
    print(f"{len(posts)} labelled training posts to airlines (+ {len(extra[0])} complaints-2019 tweets to brands of "
          f"other industries, at weight {OTHER_INDUSTRIES_WEIGHT:g}); {FOLDS}-fold cross-validation on the airline posts:")
    probabilities = out_of_fold(posts, labels, extra)
    thresholds = {}
    for label in LABELS:
        thresholds[label] = cheapest_threshold(probabilities[label], labels[label], MISS_COST[label])
        precision, recall, score = f1(probabilities[label], labels[label], thresholds[label])
        print(f"  {label:9s} threshold {thresholds[label]:.2f} (a miss costs {MISS_COST[label]:g}x a false alarm): "
              f"precision {precision:.3f} recall {recall:.3f} F1 {score:.3f}")
    model = to_model(*fit(posts, labels, extra), thresholds)
    OUTPUT.write_bytes(gzip.compress(json.dumps(model.to_dict(), separators=(",", ":")).encode(), mtime=0))
    print(f"wrote {OUTPUT.relative_to(REPO)} ({OUTPUT.stat().st_size / 1e6:.1f} MB, {len(model.words.index) + len(model.chars.index):,} terms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
