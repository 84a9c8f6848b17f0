"""Rendering cards again after a change, beside every RQ worker: threads that take the requests
``birdhouse.jobs.update_card`` leaves (``store.card_updates``) and run ``workers.cards.update_card``.

A render is a few Redis reads and one chat.update: forking a job for it would cost more than the render, and
under a burst of presses the forks are what people wait for. Requests for one card that pile up while it is
being rendered are done in the same render (the card's pending mark), so a card gets one chat.update however
many presses came. Slack's pace for chat.update is kept by ``birdhouse.slackclient``.
"""

from __future__ import annotations

import logging
import threading

import redis

from birdhouse.models import CardKind
from birdhouse.store.card_updates import PendingUpdates
from workers.cards import CardType, update_card
from workers.context import Context

log = logging.getLogger(__name__)

THREADS = 4  # renders of different cards at once (one card renders in one thread at a time: its lease)
WAIT_SECONDS = 1.0


def render_requested(ctx: Context, kinds: dict[CardKind, CardType], stop: threading.Event | None = None,
                     wait: float = WAIT_SECONDS) -> int:
    """Render cards as they are asked for until ``stop`` (or, with ``wait`` 0, until none is waiting); the
    number of requests taken."""
    pending = PendingUpdates(ctx.redis)
    taken = 0
    while not (stop is not None and stop.is_set()):
        request = pending.next_request(wait)
        if request is None:
            if not wait:
                return taken
            continue
        taken += 1
        kind, subject_id = request
        try:
            update_card(ctx, kinds[CardKind(kind)], subject_id)
        except redis.RedisError:
            raise  # the caller waits for Redis; the card's mark stays for the next render
        except Exception:  # Slack refused or did not answer: the next change renders it again
            log.exception("rendering the %s card of %s failed", kind, subject_id)
    return taken


class Updater:
    def __init__(self, ctx: Context, kinds: dict[CardKind, CardType]) -> None:
        self.ctx = ctx
        self.kinds = kinds

    def run(self, stop: threading.Event) -> None:
        for n in range(THREADS):
            threading.Thread(target=self._render, args=(stop,), name=f"birdhouse-updater-{n}", daemon=True).start()

    def _render(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                render_requested(self.ctx, self.kinds, stop)
            except redis.RedisError:
                log.warning("Redis is away; rendering cards again when it is back")
                stop.wait(WAIT_SECONDS)
