"""Measure triage: precision, recall and F1 per label (`make eval`).

    .venv/bin/python tools/eval_triage.py          # every figure, held-out sets included
    .venv/bin/python tools/eval_triage.py --dev    # only cross-validation on the training split

1. complaints-2019 (../shared/datasets/complaints-2019/complaints.csv, skipped when absent): the
   shipped general complaint model has seen every tweet of it, so the figures come from 10-fold
   cross-validation: for each fold the general complaint model (and its threshold) is retrained,
   exactly as tools/train_triage.py does, on the other nine folds; then (a) that model alone and
   (b) the whole `triage()` pipeline, with the shipped brand models on top, label the held-out fold.
   Counts are pooled over the ten folds.
2. Brand mentions, four held-out splits of tests/fixtures/brand_mentions.jsonl, never trained or
   tuned on and labelled by the shipped weights: `test` (the first writer's posts), `heldout2`
   (a second writer's), `heldout3` (a third's) and `heldout4` (a fourth's); the last three were
   written and committed before any model output on them was seen. Label figures are over
   English posts; other languages are scored on being recognised and left unranked.
3. 5-fold cross-validation on the brand-mention train split: the figure to tune against. `--dev`
   prints only this one, so that tuning never shows a held-out figure.
"""

import argparse
import sys
from collections.abc import Iterable

from train_triage import (
    COMPLAINTS_CSV,
    brand_examples,
    complaint_examples,
    folds,
    load_brand_mentions,
    load_complaints,
    train_label,
    train_labels,
)

from workers.triage import triage
from workers.triage.model import TriageModel, shipped_model
from workers.triage.result import LABELS

HELD_OUT_SPLITS = ("test", "heldout2", "heldout3", "heldout4")
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
        return f"  {name:14} {precision:9.3f} {recall:7.3f} {f1:6.3f} {self.support:8}"


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def _table(title: str, tallies: dict[str, Tally]) -> None:
    print(title)
    print(f"  {'label':14} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8}")
    for name, tally in tallies.items():
        print(tally.row(name))
    print()


def _tally(pairs: Iterable[tuple[object, dict]], labels: tuple[str, ...]) -> dict[str, Tally]:
    """Counts for (prediction, gold) pairs; a prediction is anything with the labels as attributes."""
    tallies = {label: Tally() for label in labels}
    for predicted, gold in pairs:
        for label in labels:
            tallies[label].add(getattr(predicted, label), gold[label])
    return tallies


class _Complaint:
    def __init__(self, complaint: bool) -> None:
        self.complaint = complaint


def evaluate_complaints_2019() -> None:
    rows = load_complaints()
    if rows is None:
        print(f"complaints-2019: skipped, {COMPLAINTS_CSV} not found\n")
        return
    shipped = shipped_model()
    examples = list(zip(complaint_examples(rows), rows))
    general_alone, pipeline = [], []
    for i, held_out in enumerate(parts := folds(examples, CV_FOLDS)):
        general = train_label([e for j, part in enumerate(parts) if j != i for e, _ in part], "complaint")
        model = TriageModel(general, shipped.labels)
        for example, (text, is_complaint) in held_out:
            gold = {"complaint": is_complaint}
            general_alone.append((_Complaint(general.score(example.present) >= general.threshold), gold))
            pipeline.append((triage({"text": text}, model=model), gold))
    title = f"complaints-2019: {len(rows)} tweets, {CV_FOLDS}-fold cross-validation (general model retrained per fold)"
    _table(title, {"general model": _tally(general_alone, ("complaint",))["complaint"],
                "triage()": _tally(pipeline, ("complaint",))["complaint"]})


def evaluate_brand_held_out(split: str) -> None:
    english = load_brand_mentions(split)
    verdicts = [triage(post) for post in english]
    tallies = _tally(zip(verdicts, (post["gold"] for post in english)), LABELS)
    _table(f"brand mentions, held-out split '{split}': {len(english)} English posts, shipped weights", tallies)

    sarcastic = [verdict for post, verdict in zip(english, verdicts) if "sarcasm" in post["tags"]]
    other_languages = load_brand_mentions(split, english=False)
    recognised = sum(
        (verdict := triage(post)).language == post["gold"]["language"] and not verdict.ranked
        for post in other_languages
    )
    misranked = sum(not verdict.ranked and verdict.language != "und" for verdict in verdicts)
    print(f"  sarcastic complaints caught: {sum(v.complaint for v in sarcastic)}/{len(sarcastic)}")
    print(f"  other languages recognised and left unranked: {recognised}/{len(other_languages)}")
    print(f"  English posts wrongly left unranked: {misranked}/{len(english)}\n")


def evaluate_brand_train_cv() -> None:
    """Retrains the brand models per fold on top of the shipped general complaint model, which
    never saw a brand mention, so no fold leaks into another."""
    general = shipped_model().general_complaint
    posts = load_brand_mentions("train")
    examples = list(zip(brand_examples(posts, general), posts))
    labelled = []
    for i, held_out in enumerate(parts := folds(examples, DEV_FOLDS)):
        model = TriageModel(general, train_labels([e for j, part in enumerate(parts) if j != i for e, _ in part]))
        labelled += [(triage(post, model=model), post["gold"]) for _, post in held_out]
    title = f"brand mentions, train split: {len(posts)} English posts, {DEV_FOLDS}-fold cross-validation (dev)"
    _table(title, _tally(labelled, LABELS))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dev", action="store_true", help="only cross-validate on the brand-mention train split")
    arguments = parser.parse_args()
    if not arguments.dev:
        evaluate_complaints_2019()
        for split in HELD_OUT_SPLITS:
            evaluate_brand_held_out(split)
    evaluate_brand_train_cv()
    return 0


if __name__ == "__main__":
    sys.exit(main())
