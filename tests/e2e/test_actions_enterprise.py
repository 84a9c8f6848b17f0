"""Like and Follow back through the API, on an access level that includes them (enterprise)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from emulators.http import Serving
from emulators.x import XEmulator
from tests.conftest import ALICE, BOB, Stack
from tests.helpers import buttons, card_for, click, current, events, notes_to, section


@pytest.fixture
def x_emulator() -> Iterator[XEmulator]:
    emulator = XEmulator(brand_username="acme", access="enterprise")
    serving = Serving(emulator)
    emulator.url = serving.start()
    yield emulator
    serving.stop()


def test_like_goes_through_the_api_once_and_the_card_shows_who(stack: Stack):
    card, post = card_for(stack)

    click(stack, ALICE, card, "mention.like")
    click(stack, BOB, card, "mention.like")  # two people at once
    stack.work()

    assert stack.x.likes == {post["id"]}
    assert stack.x.count_requests("POST", f"/2/users/{stack.x.brand['id']}/likes") == 1
    updated = current(stack, card)
    assert "Liked by <@U0ALICE>" in section(updated, "status")
    assert not {"mention.like", "mention.like.on_x"} & set(buttons(updated))
    assert [(e.user, e.result) for e in events(stack, "like")] == [(ALICE, "ok")]
    assert notes_to(stack, BOB) == []  # the second press found the first one under way and did nothing


def test_follow_back_follows_the_author_once(stack: Stack):
    card, post = card_for(stack)

    click(stack, BOB, card, "mention.follow_back")
    click(stack, BOB, card, "mention.follow_back")  # double click
    stack.work()

    assert stack.x.following == {post["author_id"]}
    assert stack.x.count_requests("POST", f"/2/users/{stack.x.brand['id']}/following") == 1
    assert "Followed back by <@U0BOB>" in section(current(stack, card), "status")
    [event] = events(stack, "follow_back")
    assert (event.user, event.result, event.data["x_user_id"]) == (BOB, "ok", post["author_id"])

    # The author's next card shows the follow, and offers none.
    stack.x.post(post["author_id"], "@acme thanks for the follow!")
    stack.poll_mentions()
    second = stack.cards()[-1]
    assert "Followed back by <@U0BOB>" in section(second, "status")
    assert not {"mention.follow_back", "mention.follow_back.on_x"} & set(buttons(second))
