"""Fixtures for the browser tests: the real ``preventia serve`` and a headless Chromium.

The server runs as a subprocess on a free loopback port with a fresh SQLite database,
migrated by ``preventia db upgrade``, exactly as a user would start it. Chromium is the
system one (``/usr/bin/chromium``, or ``PREVENTIA_CHROMIUM``); Playwright drives it, no
browser download needed. Without Chromium the tests are skipped, except under ``CI``
where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Response,
    sync_playwright,
)

from tests.shared_data import REPO_ROOT

CHROMIUM = Path(os.environ.get("PREVENTIA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DASHBOARD_INDEX = REPO_ROOT / "src" / "preventia" / "static" / "dashboard" / "index.html"
SERVER_START_TIMEOUT = 60.0


def running_under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _unavailable(reason: str) -> None:
    """Skips on a developer machine; fails under CI, where every test must really run."""
    if running_under_ci():
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


# --------------------------------------------------------------------------- server


@dataclass(frozen=True)
class Server:
    base_url: str
    log_file: Path

    def get_json(self, path: str) -> dict[str, Any]:
        with urllib.request.urlopen(self.base_url + path, timeout=10) as response:
            body: dict[str, Any] = json.load(response)
            return body

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_file.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


def _preventia_command() -> str:
    """The ``preventia`` script of the interpreter running the tests (the repo's .venv)."""
    beside_python = Path(sys.executable).parent / "preventia"
    if beside_python.is_file():
        return str(beside_python)
    in_repo = REPO_ROOT / ".venv" / "bin" / "preventia"
    if in_repo.is_file():
        return str(in_repo)
    found = shutil.which("preventia")
    if found is None:
        pytest.fail("the `preventia` command is not installed (pip install -e .)", pytrace=False)
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for_health(base_url: str, process: subprocess.Popen[bytes], log_file: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    last_error = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = log_file.read_text(encoding="utf-8", errors="replace")
            pytest.fail(
                f"`preventia serve` exited with code {process.returncode}:\n{log}", pytrace=False
            )
        try:
            with urllib.request.urlopen(base_url + "/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            last_error = str(error)
        time.sleep(0.2)
    log = log_file.read_text(encoding="utf-8", errors="replace")
    pytest.fail(
        f"/health did not answer within {SERVER_START_TIMEOUT:.0f} s ({last_error}):\n{log}",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``preventia db upgrade`` then ``preventia serve`` on a free port, for the session."""
    if not DASHBOARD_INDEX.is_file():
        pytest.fail(
            f"the dashboard is not built ({DASHBOARD_INDEX} is missing): run "
            "`npm ci --prefix dashboard && npm run build --prefix dashboard` first",
            pytrace=False,
        )
    workdir = tmp_path_factory.mktemp("e2e-server")
    env = {
        **os.environ,
        "PREVENTIA_DATABASE_URL": f"sqlite:///{workdir / 'e2e.db'}",
        "PREVENTIA_EMBEDDED_WORKER": "false",
    }
    preventia = _preventia_command()
    upgrade = subprocess.run(
        [preventia, "db", "upgrade"],
        env=env,
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if upgrade.returncode != 0:
        pytest.fail(
            f"`preventia db upgrade` failed ({upgrade.returncode}):\n"
            f"{upgrade.stdout}\n{upgrade.stderr}",
            pytrace=False,
        )

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_file = workdir / "serve.log"
    with log_file.open("wb") as log:
        process = subprocess.Popen(
            [preventia, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_health(base_url, process, log_file)
        yield Server(base_url=base_url, log_file=log_file)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        _unavailable(
            f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium) "
            "or point PREVENTIA_CHROMIUM at it"
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class PageProblems:
    """Everything that went wrong while a page was open; a healthy page has none."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    error_responses: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return [
            *(f"console error: {m}" for m in self.console_errors),
            *(f"uncaught exception: {m}" for m in self.page_errors),
            *(f"request failed: {m}" for m in self.failed_requests),
            *(f"HTTP error: {m}" for m in self.error_responses),
        ]


@dataclass
class WatchedPage:
    page: Page
    problems: PageProblems


def _watch(page: Page, problems: PageProblems) -> None:
    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.console_errors.append(f"{message.text} ({message.location})")

    def on_request_failed(request: Request) -> None:
        problems.failed_requests.append(f"{request.method} {request.url}: {request.failure}")

    def on_response(response: Response) -> None:
        if response.status >= 400:
            problems.error_responses.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.page_errors.append(str(error)))
    page.on("requestfailed", on_request_failed)
    page.on("response", on_response)


def open_watched_page(browser: Browser, locale: str) -> tuple[BrowserContext, WatchedPage]:
    """A new browser context (the given locale) and a page whose problems are recorded."""
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    problems = PageProblems()
    _watch(page, problems)
    return context, WatchedPage(page=page, problems=problems)


@pytest.fixture
def watched_page(browser: Browser) -> Iterator[WatchedPage]:
    """A page in an English (en-US) browser."""
    context, watched = open_watched_page(browser, "en-US")
    try:
        yield watched
    finally:
        context.close()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: ``PREVENTIA_E2E_ARTIFACTS`` when set (CI keeps it), else a tmp dir."""
    configured = os.environ.get("PREVENTIA_E2E_ARTIFACTS")
    if configured:
        path = Path(configured)
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path_factory.mktemp("e2e-screenshots")
