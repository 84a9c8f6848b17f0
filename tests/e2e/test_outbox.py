"""Channel outboxes on a real Redis: what an idle drainer waits on."""

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
