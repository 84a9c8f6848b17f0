"""Draw the labelled samples of real airline posts (optional: needs ../shared/datasets/twcs-airlines).

The held-out split is drawn first and fixed by a seed, so it never depends on what was labelled
for training. Only ids are written into the repo: the texts are not ours to redistribute.

    python tools/twcs_split.py            # writes tests/fixtures/twcs_airlines/{heldout,train}_ids.txt
    python tools/twcs_split.py --batches DIR --size 125   # also writes labelling batches (text) to DIR
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT.parent / "shared" / "datasets" / "twcs-airlines" / "first_posts.jsonl"
OUT = ROOT / "tests" / "fixtures" / "twcs_airlines"
SEED = 20261202
HELDOUT = 1000
TRAIN = 40635


def draw(ids: list[str], heldout: int = HELDOUT, train: int = TRAIN) -> tuple[list[str], list[str]]:
    """Held-out first, then training, from one seeded shuffle of the sorted ids."""
    order = sorted(ids, key=int)
    random.Random(SEED).shuffle(order)
    return order[:heldout], order[heldout : heldout + train]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=Path, help="write labelling batches (with text) to this folder, outside the repo")
    parser.add_argument("--size", type=int, default=125)
    args = parser.parse_args()
    if not DATASET.exists():
        print(f"skipped: {DATASET} is not here (it exists only beside the repo on our machines)")
        return 0
    posts = {p["id"]: p for p in map(json.loads, DATASET.open(encoding="utf-8"))}
    heldout, train = draw(list(posts))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "heldout_ids.txt").write_text("\n".join(heldout) + "\n")
    (OUT / "train_ids.txt").write_text("\n".join(train) + "\n")
    print(f"{len(heldout)} held-out and {len(train)} training ids written to {OUT.relative_to(ROOT)}")
    if args.batches:
        args.batches.mkdir(parents=True, exist_ok=True)
        for split, ids in (("heldout", heldout), ("train", train)):
            for n, start in enumerate(range(0, len(ids), args.size)):
                lines = []
                for post_id in ids[start : start + args.size]:
                    post = posts[post_id]
                    replies = [turn["text"] for turn in post["conversation"] if turn["from"] == "brand"][:2]
                    lines.append(json.dumps({"id": post_id, "text": post["text"], "brand_replies": replies}, ensure_ascii=False))
                (args.batches / f"{split}_{n:02d}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"batches written to {args.batches}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
