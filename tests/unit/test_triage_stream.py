"""`birdhouse triage` streams: one verdict line per post, bad lines reported and skipped."""

import io
import json

from workers.triage.stream import triage_lines


def run(*lines: str) -> tuple[list[dict], str, int]:
    out, err = io.StringIO(), io.StringIO()
    bad = triage_lines(io.StringIO("".join(line + "\n" for line in lines)), out, err)
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue(), bad


def test_each_post_gives_one_line_with_the_promised_fields():
    results, err, bad = run(
        json.dumps({"id": "1", "text": "@LumaBank how do I reset my PIN?"}),
        json.dumps({"id": "2", "text": "@LumaBank thank you, brilliant help today"}),
    )
    assert (bad, err) == (0, "")
    assert [r["id"] for r in results] == ["1", "2"]
    assert [r["kind"] for r in results] == ["question", "praise"]
    assert set(results[0]) >= {"id", "question", "complaint", "praise", "spam", "noise", "language",
                               "priority", "kind", "reasons"}


def test_malformed_lines_are_reported_by_number_and_the_rest_still_processed():
    results, err, bad = run(
        json.dumps({"id": "1", "text": "@ParceloHQ where is my parcel?"}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"id": "4", "author_id": "7"}),
        "",  # blank lines are not posts and not errors
        json.dumps({"id": "6", "text": "@ParceloHQ parcel lost again, useless"}),
    )
    assert bad == 3
    assert [r["id"] for r in results] == ["1", "6"]
    assert "line 2" in err and "line 3" in err and "line 4" in err
    assert "line 5" not in err


def test_author_is_taken_from_a_top_level_key_or_an_includes_envelope():
    text = "@ParceloHQ how do I book a collection?"
    big = {"id": "7", "verified": True, "public_metrics": {"followers_count": 150_000}}
    plain, top_level, envelope = run(
        json.dumps({"id": "1", "text": text, "author_id": "7"}),
        json.dumps({"id": "2", "text": text, "author_id": "7", "author": big}),
        json.dumps({"data": {"id": "3", "text": text, "author_id": "7"}, "includes": {"users": [big]}}),
    )[0]
    assert envelope["id"] == "3"
    assert plain["priority"] < top_level["priority"] == envelope["priority"]


def test_output_keeps_non_ascii_text_readable():
    results, _, _ = run(json.dumps({"id": "1", "text": "@BrewlyCoffee ¡el mejor café de Madrid, gracias!"}))
    assert results[0]["language"] == "es"
    assert results[0]["kind"] == "other"
