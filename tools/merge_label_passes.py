"""Merge two independent labelling passes and the adjudication of their disagreements (docs/labelling.md).

    python tools/merge_label_passes.py SET PASS_A PASS_B ADJUDICATED

SET is a folder of tests/fixtures (``twcs_airlines``, ``complaints_2019``) holding one ``<split>_ids.txt`` per
split. Each pass folder holds TSV files of ``id<TAB>question<TAB>complaint<TAB>praise`` (0/1). Writes into SET, by
post id only: ``passes.csv`` (both passes, for agreement) and ``labels.csv`` (the final labels: the passes where
they agree, the adjudicator's where they did not), each post with its split.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
LABELS = ("question", "complaint", "praise")


def read_folder(folder: Path) -> dict[str, tuple[int, ...]]:
    found: dict[str, tuple[int, ...]] = {}
    for path in sorted(folder.glob("*.tsv")):
        for line in path.read_text().splitlines():
            post_id, *values = line.split("\t")
            found[post_id] = tuple(int(value) for value in values)
            assert len(values) == len(LABELS) and set(values) <= {"0", "1"}, f"{path}: {line!r}"
    return found


def main(labelled_set: str, pass_a: Path, pass_b: Path, adjudicated: Path) -> int:
    first, second, third = read_folder(pass_a), read_folder(pass_b), read_folder(adjudicated)
    folder = FIXTURES / labelled_set
    splits = {post_id: ids.name.removesuffix("_ids.txt")
              for ids in sorted(folder.glob("*_ids.txt")) for post_id in ids.read_text().split()}
    both = [post_id for post_id in splits if post_id in first and post_id in second]
    missing = [post_id for post_id in both if first[post_id] != second[post_id] and post_id not in third]
    if missing:
        print(f"{len(missing)} disagreements are not adjudicated yet, e.g. {missing[:3]}", file=sys.stderr)
        return 1
    with (folder / "passes.csv").open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "split", *(f"a_{label}" for label in LABELS), *(f"b_{label}" for label in LABELS)])
        writer.writerows([post_id, splits[post_id], *first[post_id], *second[post_id]] for post_id in both)
    with (folder / "labels.csv").open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "split", *LABELS])
        for post_id in both:
            final = first[post_id] if first[post_id] == second[post_id] else third[post_id]
            writer.writerow([post_id, splits[post_id], *final])
    print(f"{len(both)} posts labelled by both passes; {sum(first[i] != second[i] for i in both)} adjudicated")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], *(Path(arg) for arg in sys.argv[2:])))
