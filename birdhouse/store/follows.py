"""Whom the brand followed back, per X user: following someone once is enough for every card about them
(their mention cards and their new-follower card all show it)."""

from __future__ import annotations

import json
from dataclasses import asdict

from birdhouse.models import Mark
from birdhouse.store.base import Store


class Follows(Store):
    """Works on a pipeline too, so a follow is recorded with its event."""


    @staticmethod
    def key(x_user_id: str) -> str:
        return f"bh:x:followed:{x_user_id}"

    def by(self, x_user_id: str) -> Mark | None:
        raw = self.connection.get(self.key(x_user_id))
        return Mark(**json.loads(raw)) if raw else None

    def record(self, x_user_id: str, mark: Mark) -> None:
        self.connection.set(self.key(x_user_id), json.dumps(asdict(mark)))
