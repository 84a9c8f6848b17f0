"""Whether the demo's scripted teammates are at work: on at start, paused and resumed from the page."""

from __future__ import annotations

import threading

CHECK_SECONDS = 0.5  # how soon a paused teammate notices that the demo is stopping


class TeammatesSwitch:
    def __init__(self) -> None:
        self._on = threading.Event()
        self._on.set()

    @property
    def on(self) -> bool:
        return self._on.is_set()

    def turn(self, on: bool) -> None:
        if on:
            self._on.set()
        else:
            self._on.clear()

    def wait_until_on(self, stop: threading.Event) -> bool:
        """Block while paused; False once ``stop`` is set."""
        while not self._on.wait(CHECK_SECONDS):
            if stop.is_set():
                return False
        return not stop.is_set()
