"""Measure triage: precision, recall and F1 per label (`make eval`).

    .venv/bin/python tools/eval_triage.py          # the two figures that matter
    .venv/bin/python tools/eval_triage.py --dev    # plus cross-validation on the training split

1. complaints-2019 (../shared/datasets/complaints-2019/complaints.csv, skipped when absent): the
   shipped weights have seen every tweet of it, so the figure comes from 10-fold cross-validation:
   for each fold the complaint model (and its threshold) is retrained, exactly as
   tools/train_triage.py does, on the other nine folds plus the brand-mention train split, then the
   whole `triage()` pipeline labels the held-out fold. Counts are pooled over the ten folds.
2. Brand mentions, held-out split (tests/fixtures/brand_mentions.jsonl, split=test): never trained
   or tuned on; labelled by the shipped weights. Label figures are over English posts; other
   languages are scored on being recognised and left unranked.
`--dev` adds 5-fold cross-validation on the brand-mention train split: the figure to tune against.
"""

import argparse
import sys
from collections.abc import Callable, Iterable

from train_triage import (
    COMPLAINTS_CSV,
    Example,
    brand_examples,
    complaint_examples,
    folds,
    load_brand_mentions,
    load_complaints,
    train,
    train_label,
)

from workers.triage import Triage, triage
from workers.triage.model import Models, shipped_models
from workers.triage.result import LABELS

CV_FOLDS = 10
DEV_FOLDS = 5


class Tally:
    """Confusion counts for one label."""

    def __init__(self) -> None:
        self.true_positive = self.false_positive = self.false_negative = self.support = 0

    def add(self, predicted: bool, gold: bool) -> None:
        self.true_positive += predicted and gold
        self.false_positive += predicted and not gold
        self.false_negative += gold and not predicted
        self.support += gold

    def row(self, name: str) -> str:
        precision = _ratio(self.true_positive, self.true_positive + self.false_positive)
        recall = _ratio(self.true_positive, self.true_positive + self.false_negative)
        f1 = _ratio(2 * precision * recall, precision + recall)
        return f"  {name:12} {precision:9.3f} {recall:7.3f} {f1:6.3f} {self.support:8}"


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def _table(title: str, tallies: dict[str, Tally]) -> None:
    print(title)
    print(f"  {'label':12} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8}")
    for name, tally in tallies.items():
        print(tally.row(name))
    print()


def _tally(pairs: Iterable[tuple[Triage, dict]], labels: tuple[str, ...]) -> dict[str, Tally]:
    tallies = {label: Tally() for label in labels}
    for verdict, gold in pairs:
        for label in labels:
            tallies[label].add(getattr(verdict, label), gold[label])
    return tallies


def _cross_validate(
    examples: list[tuple[Example, dict, dict]], k: int, retrain: Callable[[list[Example]], Models]
) -> list[tuple[Triage, dict]]:
    """(verdict, gold) for every (example, post, gold), each labelled by models that never saw it."""
    labelled = []
    for i, held_out in enumerate(parts := folds(examples, k)):
        models = retrain([e for j, part in enumerate(parts) if j != i for e, _, _ in part])
        labelled += [(triage(post, models=models), gold) for _, post, gold in held_out]
    return labelled


def evaluate_complaints_2019() -> None:
    rows = load_complaints()
    if rows is None:
        print(f"complaints-2019: skipped, {COMPLAINTS_CSV} not found\n")
        return
    brand_train = brand_examples(load_brand_mentions("train"))
    examples = [
        (e, {"id": str(i), "text": text}, {"complaint": is_complaint})
        for i, (e, (text, is_complaint)) in enumerate(zip(complaint_examples(rows), rows))
    ]

    def retrain(fold_examples: list[Example]) -> Models:
        return {**shipped_models(), "complaint": train_label(fold_examples + brand_train, "complaint")}

    tallies = _tally(_cross_validate(examples, CV_FOLDS, retrain), ("complaint",))
    _table(f"complaints-2019: {len(rows)} tweets, {CV_FOLDS}-fold cross-validation (model retrained per fold)", tallies)


def _english(posts: list[dict]) -> list[dict]:
    return [post for post in posts if post["gold"]["language"] == "en"]


def evaluate_brand_held_out() -> None:
    posts = load_brand_mentions("test")
    english = _english(posts)
    verdicts = [triage(post) for post in english]
    tallies = _tally(zip(verdicts, (post["gold"] for post in english)), LABELS)
    _table(f"brand mentions, held-out split: {len(english)} English posts, shipped weights", tallies)

    sarcastic = [verdict for post, verdict in zip(english, verdicts) if "sarcasm" in post["tags"]]
    other_languages = [post for post in posts if post["gold"]["language"] != "en"]
    recognised = sum(
        (verdict := triage(post)).language == post["gold"]["language"] and not verdict.ranked
        for post in other_languages
    )
    misranked = sum(not verdict.ranked and verdict.language != "und" for verdict in verdicts)
    print(f"  sarcastic complaints caught: {sum(v.complaint for v in sarcastic)}/{len(sarcastic)}")
    print(f"  other languages recognised and left unranked: {recognised}/{len(other_languages)}")
    print(f"  English posts wrongly left unranked: {misranked}/{len(english)}\n")


def evaluate_brand_train_cv() -> None:
    rows = load_complaints() or []
    general = complaint_examples(rows)
    posts = _english(load_brand_mentions("train"))
    examples = [(e, post, post["gold"]) for e, post in zip(brand_examples(posts), posts)]

    def retrain(fold_examples: list[Example]) -> Models:
        return train(general + fold_examples)

    tallies = _tally(_cross_validate(examples, DEV_FOLDS, retrain), LABELS)
    _table(f"brand mentions, train split: {len(examples)} English posts, {DEV_FOLDS}-fold cross-validation (dev)", tallies)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dev", action="store_true", help="also cross-validate on the brand-mention train split")
    arguments = parser.parse_args()
    evaluate_complaints_2019()
    evaluate_brand_held_out()
    if arguments.dev:
        evaluate_brand_train_cv()
    return 0


if __name__ == "__main__":
    sys.exit(main())
