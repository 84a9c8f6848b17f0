"""Fixtures for testing the emulators against their published specifications.

The X emulator is always exercised through real tweepy over real HTTP: tweepy hard-codes
``https://api.twitter.com``, so ``route_to`` mounts a requests adapter that rewrites that prefix to the
emulator's address (the production version lives in ``birdhouse.xclient``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import tweepy
from requests.adapters import HTTPAdapter

from emulators.http import Emulator, Request, Response, Serving
from emulators.x import XEmulator
from tests.helpers import FakeClock
from tests.specs import SPECS

X_ORIGIN = "https://api.twitter.com/"
T0 = 1_795_000_000.0  # 2026-11-17, after the 2026 access changes the emulator models


class _ToEmulator(HTTPAdapter):
    def __init__(self, base_url: str) -> None:
        super().__init__(max_retries=0)
        self._base_url = base_url.rstrip("/") + "/"

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        request.url = self._base_url + request.url[len(X_ORIGIN):]
        kwargs["timeout"] = kwargs.get("timeout") or 5
        return super().send(request, **kwargs)


def route_to(client: tweepy.Client, base_url: str) -> tweepy.Client:
    client.session.mount(X_ORIGIN, _ToEmulator(base_url))
    return client


def tweepy_client(x: XEmulator, base_url: str, **overrides: Any) -> tweepy.Client:
    credentials = {
        "bearer_token": x.credentials.bearer_token,
        "consumer_key": x.credentials.api_key,
        "consumer_secret": x.credentials.api_secret,
        "access_token": x.credentials.access_token,
        "access_token_secret": x.credentials.access_token_secret,
        **overrides,
    }
    return route_to(tweepy.Client(**credentials), base_url)


class _Switchboard(Emulator):
    """One server for the whole session, answering as whichever emulator the current test serves.

    Stopping a ``Serving`` waits out the server's 0.5 s poll interval; per test, that alone would
    blow the time budget of these files.
    """

    target: Emulator

    def dispatch(self, request: Request) -> Response:
        return self.target.dispatch(request)

    def log(self, request: Request, status: int) -> None:
        self.target.log(request, status)


@pytest.fixture(scope="session")
def _switchboard() -> Iterator[tuple[_Switchboard, str]]:
    switchboard = _Switchboard()
    with Serving(switchboard) as url:
        yield switchboard, url


@pytest.fixture
def serve(_switchboard: tuple[_Switchboard, str]) -> Callable[[Emulator], str]:
    """``serve(emulator)`` puts ``emulator`` behind the session's server and returns its base URL."""
    switchboard, url = _switchboard

    def serve(emulator: Emulator) -> str:
        switchboard.target = emulator
        return url

    return serve


@pytest.fixture(scope="session")
def x_openapi() -> dict[str, Any]:
    return json.loads((SPECS / "x-api-v2.166.openapi.json").read_text())


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def x(clock: FakeClock) -> XEmulator:
    return XEmulator(brand_username="birdhouse", clock=clock)


@pytest.fixture
def x_url(x: XEmulator, serve: Callable[[Emulator], str]) -> str:
    return serve(x)


@pytest.fixture
def client(x: XEmulator, x_url: str) -> tweepy.Client:
    return tweepy_client(x, x_url)
