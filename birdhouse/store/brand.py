"""The brand's X user id, asked of X once (users/me is a paid read like any other) and kept."""

from __future__ import annotations

from birdhouse.store.base import Store


class Brand(Store):
    KEY = "bh:x:brand"


    def x_user_id(self) -> str | None:
        raw = self.connection.get(self.KEY)
        return raw.decode() if raw else None

    def set_x_user_id(self, user_id: str) -> None:
        self.connection.set(self.KEY, user_id)
