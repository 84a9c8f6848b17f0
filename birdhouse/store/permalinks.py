"""Slack permalinks of cards, kept once asked: a message's permalink never changes."""

from __future__ import annotations

from birdhouse.defaults import CARD_RETENTION_SECONDS
from birdhouse.store.base import Store
from birdhouse.store.mentions import CardRef


class PermalinkStore(Store):
    @staticmethod
    def _key(card: CardRef) -> str:
        return f"bh:card:{card.channel}:{card.ts}:permalink"

    def get_many(self, cards: list[CardRef]) -> list[str | None]:
        if not cards:
            return []
        return [raw.decode() if raw else None for raw in self.connection.mget([self._key(card) for card in cards])]

    def set(self, card: CardRef, permalink: str) -> None:
        self.connection.set(self._key(card), permalink, ex=CARD_RETENTION_SECONDS)
