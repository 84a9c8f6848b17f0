"""The mentions digest (``slackbot.views.mention_digest``): counts by kind, one line per mention with its author,
a short excerpt and its link, and a button that turns the line into a card."""

from __future__ import annotations

import json

from birdhouse.models import Author, Mention
from emulators.slack.blockkit import validate_blocks
from slackbot.views.mention_digest import CARD_ACTION, EXCERPT_CHARACTERS, mention_digest
from workers.backlog import DIGEST_LINES

AUTHOR = Author(id="42", username="carol_b", name="Carol <!channel>", followers_count=120)


def _mention(n: int, kind: str = "praise", text: str = "@acme thanks!") -> Mention:
    return Mention(id=str(1000 + n), text=text, author=AUTHOR, created_at="2026-11-26T05:00:00.000Z",
                   triage={"kind": kind})


def test_a_digest_counts_by_kind_and_lists_each_mention_with_author_excerpt_link_and_button():
    text, blocks = mention_digest([_mention(0), _mention(1), _mention(2, "noise", "@acme lol")])
    assert text == "Mentions digest: 3 mentions"
    counts = next(block for block in blocks if block.get("block_id") == "counts")["text"]["text"]
    assert counts == "*3 mentions* · 2 praise · 1 noise"
    line = next(block for block in blocks if block.get("block_id") == "line-1000")
    assert "<https://x.com/carol_b|@carol_b>" in line["text"]["text"]
    assert "<https://x.com/carol_b/status/1000|View on X>" in line["text"]["text"]
    assert line["accessory"]["action_id"] == CARD_ACTION and line["accessory"]["value"] == "1000"


def test_untrusted_text_is_escaped_and_long_posts_are_cut_short():
    _, blocks = mention_digest([_mention(0, text="<!here> " + "word " * 100)])
    line = json.dumps(blocks)
    assert "<!here>" not in line and "<!channel>" not in line and "&lt;!here&gt;" in line
    excerpt = blocks[-1]["text"]["text"].split(": ", 1)[1]
    assert "…" in excerpt and len(excerpt.split(" <https")[0]) <= EXCERPT_CHARACTERS + len("&lt;&gt;") * 2


def test_a_full_digest_is_valid_block_kit():
    _, blocks = mention_digest([_mention(n) for n in range(DIGEST_LINES)])
    assert len(blocks) <= 50
    assert not validate_blocks(blocks)
