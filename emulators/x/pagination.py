"""Cursor pagination over newest-first lists, with X's opaque tokens.

A token names the item at the edge of the page it came from and a direction, so pages stay stable
while new items arrive at the head: "older than this post" does not shift when someone posts. Mentions
use base36 tokens and follower lists base32 ones of at least 16 characters, as the OpenAPI document says.
"""

from __future__ import annotations

import base64
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

_BASE36 = string.digits + string.ascii_lowercase


@dataclass(frozen=True)
class Cursor:
    key: int  # position key of the item at the edge of the page the token came from
    newer: bool  # True: the page before it (previous_token), False: the page after it (next_token)

    def _packed(self) -> int:
        return self.key << 1 | self.newer

    @classmethod
    def _unpacked(cls, packed: int) -> Cursor:
        if packed < 0:
            raise ValueError("negative cursor")
        return cls(packed >> 1, bool(packed & 1))

    def base36(self) -> str:
        packed, digits = self._packed(), []
        while True:
            packed, digit = divmod(packed, 36)
            digits.append(_BASE36[digit])
            if not packed:
                return "".join(reversed(digits))

    @classmethod
    def from_base36(cls, token: str) -> Cursor:
        if not token.isalnum() or token != token.lower():
            raise ValueError(token)
        return cls._unpacked(int(token, 36))

    def base32(self) -> str:
        return base64.b32encode(self._packed().to_bytes(10, "big")).decode("ascii")

    @classmethod
    def from_base32(cls, token: str) -> Cursor:
        if len(token) != 16:
            raise ValueError(token)
        return cls._unpacked(int.from_bytes(base64.b32decode(token), "big"))


@dataclass
class Page(Generic[T]):
    items: list[T]
    next: Cursor | None
    previous: Cursor | None


def paginate(items: Sequence[T], key: Callable[[T], int], size: int, cursor: Cursor | None) -> Page[T]:
    """``items`` newest first, ``key`` strictly decreasing along them."""
    keys = [key(item) for item in items]
    if cursor is None:
        start, end = 0, min(size, len(items))
    elif cursor.newer:
        end = sum(1 for k in keys if k > cursor.key)
        start = max(0, end - size)
    else:
        start = sum(1 for k in keys if k >= cursor.key)
        end = min(start + size, len(items))
    page = list(items[start:end])
    if not page:
        return Page([], None, None)
    return Page(
        page,
        next=Cursor(keys[end - 1], newer=False) if end < len(items) else None,
        previous=Cursor(keys[start], newer=True) if start > 0 else None,
    )
