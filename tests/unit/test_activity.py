"""Reading X's Activity events, and the stream client's pure decisions: how far back, how long to wait."""

from __future__ import annotations

import json

from birdhouse.activity import FollowEvent, MentionEvent, Other, read_line, signature, signed_by
from birdhouse.errors import XError, XNotEnrolled, XRateLimited, XUnavailable
from emulators.x.webhooks import signature as emulated_signature
from workers.stream import backfill_minutes, gap_exceeds_backfill, reconnect_delay

BRAND = "100"
POST = {"id": "7", "text": "@acme hi", "author_id": "42"}
AUTHOR = {"id": "42", "username": "erin"}


def _line(data: dict) -> bytes:
    return json.dumps({"data": data}).encode() + b"\r\n"


def test_a_mention_event_carries_the_post_and_its_author():
    event = read_line(_line({"event_type": "post.mention.create", "payload": POST,
                             "includes": {"users": [AUTHOR]}}), BRAND)
    assert event == MentionEvent(POST, AUTHOR)
    assert read_line(_line({"event_type": "post.mention.create", "payload": POST}), BRAND) == MentionEvent(POST, None)


def test_a_follow_counts_only_when_someone_follows_the_brand():
    follows_brand = {"source": AUTHOR, "target": {"id": BRAND}}
    assert read_line(_line({"event_type": "follow.follow", "payload": follows_brand}), BRAND) == FollowEvent(AUTHOR)
    brand_follows = {"source": {"id": BRAND}, "target": AUTHOR}
    assert isinstance(read_line(_line({"event_type": "follow.follow", "payload": brand_follows}), BRAND), Other)


def test_keep_alives_errors_and_garbage():
    assert read_line(b"\r\n", BRAND) is None
    assert read_line(b'{"errors": [{"title": "operational-disconnect"}]}', BRAND) == Other("operational-disconnect")
    assert read_line(b"not json", BRAND) == Other("unreadable line")


def test_backfill_asks_for_the_silence_in_whole_minutes_up_to_five():
    assert backfill_minutes(None, 1000.0) == 0
    assert backfill_minutes(990.0, 1000.0) == 1
    assert backfill_minutes(1000.0 - 61, 1000.0) == 2
    assert backfill_minutes(0.0, 1000.0) == 5
    assert gap_exceeds_backfill(0.0, 1000.0) and not gap_exceeds_backfill(990.0, 1000.0)
    assert not gap_exceeds_backfill(None, 1000.0)


def test_reconnects_back_off_as_x_asks():
    assert [reconnect_delay(None, n) for n in (1, 2, 3)] == [0.25, 0.5, 0.75]
    assert reconnect_delay(XUnavailable("dropped"), 1000) == 16.0
    assert [reconnect_delay(XUnavailable("503", status=503), n) for n in (1, 2, 3)] == [5.0, 10.0, 20.0]
    assert reconnect_delay(XError("500", status=500), 100) == 320.0
    assert reconnect_delay(XRateLimited("429", reset_at=0), 1) == 60.0
    assert reconnect_delay(XNotEnrolled("403", status=403), 1) == 6 * 3600.0


def test_webhook_signatures():
    # HMAC-SHA256 with the consumer secret, base64, as X computes it (the emulator's own implementation agrees).
    assert signature("secret", b"token") == "sha256=6UERDj0r/oJiHw4+FDRzDXMF0QbF9oyHFl0LJ6RhGko="
    assert signature("secret", b"token") == emulated_signature("secret", b"token")
    assert signed_by("secret", b"body", signature("secret", b"body"))
    assert not signed_by("secret", b"body", signature("other", b"body"))
    assert not signed_by("secret", b"body", "")
