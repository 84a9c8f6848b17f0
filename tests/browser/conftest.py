"""A real headless Chromium (the distribution's, at /usr/bin/chromium) driven by Playwright, against the
workspace page of the real stack. Missing Chromium fails the run: ``make test`` installs it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulators.slack.web import WorkspacePage
from tests.conftest import ALICE, Stack

CHROMIUM = Path(os.environ.get("BIRDHOUSE_CHROMIUM", "/usr/bin/chromium"))
# Headless, and nothing that would reach the network or a profile of someone's own.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 900}
SCREENSHOTS: list[Path] = []


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """One Chromium for the session, with a new, empty profile."""
    if not CHROMIUM.is_file():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `make browser` (apt-get install chromium "
                    "fonts-noto-color-emoji), or set BIRDHOUSE_CHROMIUM", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tmp_path_factory.mktemp("chromium-profile"), executable_path=str(CHROMIUM), headless=True,
            args=CHROMIUM_ARGS, viewport=VIEWPORT)
        context.set_default_timeout(10_000)
        yield context
        context.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("screenshots")
    SCREENSHOTS.append(folder)
    return folder


def pytest_terminal_summary(terminalreporter) -> None:
    for folder in SCREENSHOTS:
        terminalreporter.write_line(f"browser screenshots: {folder}")


@pytest.fixture
def workspace(stack: Stack) -> WorkspacePage:
    """The page on the stack's Slack emulator, its visitor Alice (on the team), the app served."""
    stack.serve_app()
    return WorkspacePage(stack.slack, visitor=ALICE)


@pytest.fixture
def open_page(browser, workspace: WorkspacePage) -> Iterator:
    """``open_page(query)``: a new tab on the workspace page; closed after the test."""
    pages = []

    def open_one(query: str = ""):
        page = browser.new_page()
        pages.append(page)
        page.goto(workspace.url + query)
        return page

    yield open_one
    for page in pages:
        page.close()
