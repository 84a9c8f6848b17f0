"""Measure triage (`make eval`): precision, recall and F1 per label, on real posts first.

    .venv/bin/python tools/eval_triage.py

1. The real held-out split: 1,000 first posts to airlines (tests/fixtures/twcs_airlines, labelled by two
   people and adjudicated; docs/labelling.md), never trained or tuned on, labelled by the shipped model through
   `triage()`. 95% bootstrap intervals. Baseline: a bare "contains '?'" rule for question.
2. complaints-2019, 10-fold cross-validation: for each fold the model's architecture (features.py, the same
   logistic regression) is trained on the other nine folds, with the labelled airline posts as extra data at
   weight 0.3 (``AIRLINE_WEIGHT``), and judges the held-out fold at 0.5. Counts pooled over the folds.
3. complaints-2019 with our own labels (question, complaint, praise; tests/fixtures/complaints_2019): real tweets
   to brands of eight other industries. The shipped architecture and thresholds, trained on the airline posts
   alone (does it carry beyond airlines?), then on the airline posts plus four fifths of these, judged on the fifth
   (5-fold cross-validation, as the shipped model is trained on all of them).
4. The team's own posts to fictional brands of many industries (tests/fixtures/brand_mentions.jsonl, English):
   a regression check on other industries, not a measure of accuracy (we wrote them).
5. Agreement of the two labelling passes (Cohen's kappa per label), of both sets, and the model's heaviest features.

Parts 1 to 3 need the texts beside the repo (../shared/datasets; their licences keep them out of it) and say so
when they are absent; parts 2 and 3 need scikit-learn (`pip install -e '.[train]'`).
"""

from __future__ import annotations

import csv
import json
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tools"))

from train_triage import COMPLAINTS_CSV, fit, labelled, load_other_industries, load_texts  # noqa: E402

from workers.triage import triage  # noqa: E402
from workers.triage.model import LABELS, shipped_model  # noqa: E402

FIXTURES = REPO / "tests" / "fixtures"
PASSES = {"airline posts": FIXTURES / "twcs_airlines" / "passes.csv",
          "complaints-2019 tweets": FIXTURES / "complaints_2019" / "passes.csv"}
OTHER_INDUSTRY_FOLDS = 5
AIRLINE_WEIGHT = 0.3  # of a labelled airline post beside complaints-2019's own, in part 2: weaker, other labellers
BOOTSTRAP_SAMPLES = 1000
SEED = 7


def prf(predicted: list[bool], gold: list[bool]) -> tuple[float, float, float]:
    hits = sum(p and g for p, g in zip(predicted, gold))
    said, real = sum(predicted), sum(gold)
    precision, recall = (hits / said if said else 0.0), (hits / real if real else 0.0)
    return precision, recall, (2 * hits / (said + real) if said + real else 0.0)


def interval(predicted: list[bool], gold: list[bool]) -> tuple[float, float]:
    """95% bootstrap interval of F1: posts drawn again with replacement."""
    rng, n = random.Random(SEED), len(gold)
    scores = []
    for _ in range(BOOTSTRAP_SAMPLES):
        drawn = [rng.randrange(n) for _ in range(n)]
        scores.append(prf([predicted[i] for i in drawn], [gold[i] for i in drawn])[2])
    scores.sort()
    return scores[int(0.025 * BOOTSTRAP_SAMPLES)], scores[int(0.975 * BOOTSTRAP_SAMPLES) - 1]


def row(name: str, predicted: list[bool], gold: list[bool], *, with_interval: bool = True) -> str:
    precision, recall, f1 = prf(predicted, gold)
    low_high = "   F1 95%% CI %.3f-%.3f" % interval(predicted, gold) if with_interval else ""
    return f"  {name:22s} n={sum(gold):4d}   P {precision:.3f}   R {recall:.3f}   F1 {f1:.3f}{low_high}"


def held_out(texts: dict[str, str]) -> None:
    posts, gold = labelled("heldout", texts)
    verdicts = [triage({"id": str(n), "text": text}) for n, text in enumerate(posts)]
    other = sum(not verdict.ranked for verdict in verdicts)
    print(f"1. Real held-out split: {len(posts)} first posts to airlines ({other} judged another language, "
          f"left unranked)")
    for label in LABELS:
        print(row(label, [getattr(verdict, label) for verdict in verdicts], [bool(g) for g in gold[label]]))
    print(row("question: '?' rule", ["?" in text for text in posts], [bool(g) for g in gold["question"]]))


def complaints_2019(texts: dict[str, str]) -> None:
    try:
        from sklearn.model_selection import StratifiedKFold
    except ImportError:
        print("2. complaints-2019: skipped, scikit-learn is not installed (pip install -e '.[train]')")
        return
    if not COMPLAINTS_CSV.exists():
        print(f"2. complaints-2019: skipped, {COMPLAINTS_CSV} is not here")
        return
    with COMPLAINTS_CSV.open(encoding="utf-8", newline="") as rows:
        tweets = list(csv.DictReader(rows))
    text, gold = [t["text"] for t in tweets], [int(t["complaint"]) for t in tweets]
    posts, labels = labelled("train", texts)
    predicted = [False] * len(text)
    for train, test in StratifiedKFold(10, shuffle=True, random_state=0).split(text, gold):
        features, models = fit([text[i] for i in train], {"complaint": [gold[i] for i in train]},
                               (posts, {"complaint": labels["complaint"]}), extra_weight=AIRLINE_WEIGHT)
        probabilities = models["complaint"].predict_proba(features.transform([text[i] for i in test]))[:, 1]
        for i, probability in zip(test, probabilities):
            predicted[i] = probability >= 0.5
    print(f"2. complaints-2019, 10-fold cross-validation ({len(text)} tweets; the paper's best F1 is 0.79):")
    print(row("complaint", predicted, [bool(g) for g in gold]))


def other_industries(texts: dict[str, str]) -> None:
    try:
        from sklearn.model_selection import KFold
    except ImportError:
        print("3. complaints-2019 with our labels: skipped, scikit-learn is not installed (pip install -e '.[train]')")
        return

    tweets, gold = load_other_industries()
    if not tweets:
        print(f"3. complaints-2019 with our labels: skipped, {COMPLAINTS_CSV} is not here")
        return
    posts, labels = labelled("train", texts)
    thresholds = {label: model.threshold for label, model in shipped_model().labels.items()}

    def judged(vectorizer, models, chosen: list[int]) -> dict[str, list[bool]]:
        matrix = vectorizer.transform([tweets[i] for i in chosen])
        return {label: list(models[label].predict_proba(matrix)[:, 1] >= thresholds[label]) for label in LABELS}

    everyone = list(range(len(tweets)))
    alone = judged(*fit(posts, labels), everyone)
    beside: dict[str, list[bool]] = {label: [False] * len(tweets) for label in LABELS}
    for train, test in KFold(OTHER_INDUSTRY_FOLDS, shuffle=True, random_state=0).split(tweets):
        fitted = fit(posts, labels, ([tweets[i] for i in train], {k: [v[i] for i in train] for k, v in gold.items()}))
        for label, said in judged(*fitted, list(test)).items():
            for i, verdict in zip(test, said):
                beside[label][i] = verdict
    print(f"3. complaints-2019 with our labels ({len(tweets)} real tweets to brands of eight other industries):")
    for label in LABELS:
        print(row(f"{label}: airline only", alone[label], [bool(g) for g in gold[label]]))
        print(row(f"{label}: {OTHER_INDUSTRY_FOLDS}-fold", beside[label], [bool(g) for g in gold[label]]))


def own_posts() -> None:
    with (FIXTURES / "brand_mentions.jsonl").open(encoding="utf-8") as lines:
        posts = [post for post in map(json.loads, lines) if post["gold"]["language"] == "en"]
    verdicts = [triage(post) for post in posts]
    print(f"4. Our own posts to brands of other industries ({len(posts)}, English; a regression check):")
    for label in LABELS:
        print(row(label, [getattr(v, label) for v in verdicts], [post["gold"][label] for post in posts],
                  with_interval=False))


def agreement() -> None:
    print("5. Agreement of the two labelling passes, Cohen's kappa:")
    for name, path in PASSES.items():
        with path.open(newline="") as rows:
            passes = list(csv.DictReader(rows))
        for label in LABELS:
            first, second = [int(p[f"a_{label}"]) for p in passes], [int(p[f"b_{label}"]) for p in passes]
            observed = sum(a == b for a, b in zip(first, second)) / len(passes)
            p1, p2 = sum(first) / len(passes), sum(second) / len(passes)
            expected = p1 * p2 + (1 - p1) * (1 - p2)
            print(f"  {name} ({len(passes)}) {label:9s} kappa {(observed - expected) / (1 - expected):.3f}   "
                  f"raw agreement {observed:.3f}")
    words = shipped_model().words
    print("   the model's heaviest word features (what it leans on):")
    for column, label in enumerate(LABELS, start=1):  # column 0 is the idf
        heaviest = sorted(words.index, key=lambda term: words.rows[words.index[term], column], reverse=True)[:12]
        print(f"  {label:9s} {', '.join(heaviest)}")


def main() -> int:
    texts = load_texts()
    if texts is None:
        print("1-3. skipped: the real posts (../shared/datasets/twcs-airlines) are not beside the repo")
    else:
        held_out(texts)
        complaints_2019(texts)
        other_industries(texts)
    own_posts()
    agreement()
    return 0


if __name__ == "__main__":
    sys.exit(main())
