"""Members of Slack user groups, kept briefly: a click costs no Slack call most of the time, and a change to a
group is honoured soon."""

from __future__ import annotations

import json

from birdhouse.store.base import Store


class UserGroups(Store):
    @staticmethod
    def _key(group: str) -> str:
        return f"bh:slack:usergroup:{group}"

    def members(self, group: str) -> list[str] | None:
        """The members last kept for ``group``, or None when none are kept."""
        cached = self.connection.get(self._key(group))
        return json.loads(cached) if cached is not None else None

    def keep(self, group: str, members: list[str], seconds: int) -> None:
        self.connection.set(self._key(group), json.dumps(members), ex=seconds)
