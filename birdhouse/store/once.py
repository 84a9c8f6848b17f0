"""Things done at most once: each stats message shared.

``claim`` is ``SET NX``: of two workers (or a double click) only one gets it. A sender whose post failed
``release``s the claim so a later try can succeed; one that dies between claim and post loses that one post
rather than risk sending it twice.
"""

from __future__ import annotations

from birdhouse.defaults import STATS_RETENTION_SECONDS
from birdhouse.store.base import Store


class Once(Store):
    @staticmethod
    def _key(what: str) -> str:
        return f"bh:once:{what}"

    def claim(self, what: str, at: float) -> bool:
        """True for the first caller only."""
        return bool(self.connection.set(self._key(what), repr(at), nx=True, ex=STATS_RETENTION_SECONDS))

    def release(self, what: str) -> None:
        self.connection.delete(self._key(what))
