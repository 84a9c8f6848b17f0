"""Channel outboxes on a real Redis: what an idle drainer waits on, and moving members between channels."""

from __future__ import annotations

import threading

from birdhouse.store.outbox import Outbox
from tests.conftest import Stack
from tests.helpers import GIVE_UP_SECONDS, eventually
from workers.backlog import Band


def test_an_idle_drainer_is_woken_by_what_is_queued_not_by_its_next_look(stack: Stack):
    waiter = threading.Thread(target=Outbox(stack.redis).wait_for_more, args=(2 * GIVE_UP_SECONDS,), daemon=True)
    waiter.start()
    Outbox(stack.redis).add("C0MENTIONS", {"mention:1": (Band.QUESTION, 1_000.0)})
    eventually(lambda: not waiter.is_alive())


def test_a_move_keeps_each_members_place_and_the_more_urgent_of_two(stack: Stack):
    outbox = Outbox(stack.redis)
    outbox.add("C0OLD", {"mention:1": (Band.QUESTION, 1_000.0), "mention:2": (Band.REQUESTED, 1_001.0),
                         "mention:3": (Band.PRAISE, 999.0)})
    outbox.add("C0OLD", {"mention:5": (Band.PRAISE, 1_004.0)})
    outbox.add("C0NEW", {"mention:2": (Band.QUESTION, 1_002.0), "mention:4": (Band.COMPLAINT, 1_003.0),
                         "mention:5": (Band.REQUESTED, 1_005.0)})

    outbox.move("C0OLD", "C0NEW", ["mention:1", "mention:2", "mention:5", "mention:9"])  # no 9: nothing to move

    assert outbox.head("C0OLD", 10) == [("mention:3", Band.PRAISE)]
    # In both, each keeps the more urgent of its places: 2 its place asked for from a digest in the old channel, 5
    # its place in the new one.
    assert outbox.head("C0NEW", 10) == [("mention:2", Band.REQUESTED), ("mention:5", Band.REQUESTED),
                                        ("mention:4", Band.COMPLAINT), ("mention:1", Band.QUESTION)]
