"""The learned model's parts: what it reads in a post, how it scores, and what it was trained and judged on."""

from __future__ import annotations

import csv
import math
from pathlib import Path

from workers.triage.features import DOMAIN_PLACEHOLDER, char_grams, feature_text, word_grams
from workers.triage.language import detect_language
from workers.triage.model import LABELS, MODEL_FILE, TriageModel, shipped_model

LABELLED = Path(__file__).resolve().parents[1] / "fixtures" / "twcs_airlines"


def test_the_model_reads_words_not_handles_links_or_the_airline_trade():
    text = feature_text("@Brand my Flight to #Boston is DELAYED &amp; no one at the gate knows why https://t.co/x")
    assert text == f"@_ my {DOMAIN_PLACEHOLDER} to boston is delayed & no one at the {DOMAIN_PLACEHOLDER} knows why _url_"


def test_grams_are_word_pairs_and_character_runs_within_words():
    assert word_grams("no wifi") == ["no", "wifi", "no wifi"]
    characters = char_grams("no wifi")
    assert {" n", "no ", " no ", "wif", " wifi"} <= set(characters)
    assert "o w" not in characters  # character runs never cross a space


def tiny_model() -> TriageModel:
    return TriageModel.from_dict({
        "terms": ["w:refund", "w:thanks", "c:ref"], "idf": [2.0, 1.0, 1.5],
        "labels": {"question": {"bias": 0.0, "threshold": 0.5, "coef": [0.0, 0.0, 0.0]},
                   "complaint": {"bias": -1.0, "threshold": 0.5, "coef": [3.0, -2.0, 1.0]},
                   "praise": {"bias": 0.0, "threshold": 0.5, "coef": [0.0, 0.0, 0.0]}},
    })


def test_a_score_is_the_logistic_of_unit_length_tf_idf_per_block():
    words = [(1 + math.log(2)) * 2.0, 1.0]  # refund twice (sublinear tf), thanks once
    norm = math.hypot(*words)
    characters = 1.0  # "ref" alone in its block: unit length whatever its weight
    expected = 1 / (1 + math.exp(-(-1.0 + 3.0 * words[0] / norm - 2.0 * words[1] / norm + 1.0 * characters)))
    assert math.isclose(tiny_model().scores("refund refund thanks")["complaint"], expected)


def test_a_post_with_no_known_term_scores_its_bias():
    assert math.isclose(tiny_model().scores("hello")["complaint"], 1 / (1 + math.e))


def test_the_model_survives_its_stored_form():
    stored = tiny_model().to_dict()
    assert TriageModel.from_dict(stored).to_dict() == stored


def test_the_shipped_model_is_small_and_its_thresholds_are_probabilities():
    model = shipped_model()
    assert set(model.labels) == set(LABELS)
    assert all(0 < label.threshold < 1 for label in model.labels.values())
    assert model.words.rows.shape[1] == model.chars.rows.shape[1] == 1 + len(LABELS)
    assert (Path(__file__).resolve().parents[2] / "workers" / "triage" / MODEL_FILE).stat().st_size < 3_000_000


def test_languages_come_from_the_identifier_and_short_english_stays_english():
    assert detect_language("@acme Wann kommt das Update?") == "de"
    assert detect_language("@acme ¿Tienen soporte en español? Mi cuenta está bloqueada.") == "es"
    assert detect_language("@acme 注文した商品がまだ届きません。") == "ja"
    assert detect_language("legends 🙌") == "en"
    assert detect_language("@acme ok") == "en"
    assert detect_language("@acme 👏👏 https://t.co/x") == "und"


def test_labels_are_by_id_only_and_the_held_out_split_is_the_one_drawn_first():
    with (LABELLED / "labels.csv").open(newline="") as rows:
        reader = csv.DictReader(rows)
        labels = list(reader)
    assert reader.fieldnames == ["id", "split", *LABELS]  # no text: it is not ours to redistribute
    held_out = [row["id"] for row in labels if row["split"] == "heldout"]
    assert held_out == (LABELLED / "heldout_ids.txt").read_text().split()
    training = {row["id"] for row in labels if row["split"] == "train"}
    assert len(training) >= 4000 and not training & set(held_out)
    assert training <= set((LABELLED / "train_ids.txt").read_text().split())


def test_other_industries_are_labelled_by_id_only_every_tweet_by_both_passes():
    folder = LABELLED.parent / "complaints_2019"
    with (folder / "labels.csv").open(newline="") as rows:
        reader = csv.DictReader(rows)
        labels = list(reader)
    with (folder / "passes.csv").open(newline="") as rows:
        passes = {row["id"] for row in csv.DictReader(rows)}
    assert reader.fieldnames == ["id", "split", *LABELS]  # no text: the tweets are not ours to redistribute
    assert [row["id"] for row in labels] == (folder / "cv_ids.txt").read_text().split()
    assert passes == {row["id"] for row in labels} and {row["split"] for row in labels} == {"cv"}
