"""Query validation as X does it: unknown or malformed parameters are a 400 listing every problem."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import TypeVar

from emulators.http import Request
from emulators.x import errors

ID_PATTERN = "^[0-9]{1,19}$"
USERNAME_PATTERN = "^[A-Za-z0-9_]{1,15}$"

T = TypeVar("T")


class Query:
    """Reads one request's parameters; call ``check()`` once everything is read to raise what was wrong."""

    def __init__(self, request: Request, allowed: Iterable[str]) -> None:
        self._request = request
        self._problems: list[dict[str, object]] = []
        known = sorted({*allowed, *request.params})
        for name, values in request.query.items():
            if name not in known:
                self._problem(name, values[0], f"The query parameter [{name}] is not one of [{','.join(known)}]")

    def _problem(self, name: str, value: str, message: str) -> None:
        self._problems.append(errors.invalid_parameter(name, value, message))

    def _value(self, name: str) -> str | None:
        return self._request.params.get(name, self._request.arg(name))

    def check(self) -> None:
        if self._problems:
            raise errors.invalid_request(self._problems)

    def matching(self, name: str, pattern: str) -> str | None:
        value = self._value(name)
        if value is not None and not re.fullmatch(pattern, value):
            self._problem(name, value, f"The `{name}` query parameter value [{value}] does not match {pattern}")
            return None
        return value

    def id(self, name: str) -> str | None:
        return self.matching(name, ID_PATTERN)

    def ids(self, name: str, most: int) -> list[str]:
        value = self._value(name) or ""
        ids = value.split(",") if value else []
        if not 1 <= len(ids) <= most:
            self._problem(name, value, f"The number of values in the `{name}` query parameter list "
                                       f"[{len(ids)}] is not between 1 and {most}")
        bad = [one for one in ids if not re.fullmatch(ID_PATTERN, one)]
        for one in bad:
            self._problem(name, one, f"The `{name}` query parameter value [{one}] does not match {ID_PATTERN}")
        return [] if bad else ids

    def integer(self, name: str, low: int, high: int, default: int) -> int:
        value = self._value(name)
        if value is None:
            return default
        if not re.fullmatch(r"-?[0-9]{1,10}", value) or not low <= int(value) <= high:
            self._problem(name, value, f"The `{name}` query parameter value [{value}] is not between {low} and {high}")
            return default
        return int(value)

    def fields(self, name: str, vocabulary: frozenset[str]) -> set[str]:
        value = self._value(name)
        if value is None:
            return set()
        chosen = value.split(",")
        for one in chosen:
            if one not in vocabulary:
                self._problem(name, one, f"The `{name}` query parameter value [{one}] is not one of "
                                         f"[{','.join(sorted(vocabulary))}]")
        return set(chosen) & vocabulary

    def time(self, name: str) -> datetime | None:
        value = self._value(name)
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            self._problem(name, value, f"Invalid '{name}':'{value}'. '{name}' must be a valid RFC3339 date-time.")
            return None
        return moment.astimezone(timezone.utc)

    def decoded(self, name: str, decode: Callable[[str], T]) -> T | None:
        """``decode`` raises ValueError on a value it did not make, as for a forged pagination token."""
        value = self._value(name)
        if value is None:
            return None
        try:
            return decode(value)
        except ValueError:
            self._problem(name, value, f"The `{name}` query parameter value [{value}] is not valid")
            return None
