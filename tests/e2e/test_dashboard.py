"""The dashboard served by the real ``preventia serve``, in a real (headless) Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import Server, WatchedPage, open_watched_page

# chromium_path first: without Chromium, skip (or fail under CI) before starting the server.
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("chromium_path")]

TAGLINE_EN = "Media monitoring of breast-cancer news in Spanish and English"
TAGLINE_ES = "Monitorización de noticias sobre cáncer de mama en español e inglés"


def assert_no_problems(watched: WatchedPage) -> None:
    problems = watched.problems.all()
    assert not problems, "the page reported problems:\n" + "\n".join(problems)


def test_home_page_shows_product_version_and_health(
    server: Server, watched_page: WatchedPage, screenshot_dir: Path
) -> None:
    health = server.get_json("/health")
    assert health["status"] == "ok"
    page = watched_page.page

    response = page.goto(server.base_url + "/", wait_until="networkidle")
    assert response is not None and response.ok
    # The page has to work under the server's CSP (no inline scripts or styles).
    assert "default-src 'self'" in (response.headers.get("content-security-policy") or "")

    expect(page.get_by_role("heading", level=1)).to_have_text("PreventIA")
    expect(page.get_by_test_id("tagline")).to_contain_text(TAGLINE_EN)
    expect(page.get_by_test_id("health-status")).to_have_text("ok")
    expect(page.get_by_test_id("api-version")).to_have_text(health["version"])
    expect(page.get_by_test_id("ready-status")).to_have_text("ready")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    for landmark in ("banner", "main", "contentinfo"):
        expect(page.get_by_role(landmark)).to_have_count(1)

    path = screenshot_dir / "dashboard-en.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    assert path.stat().st_size > 0
    assert_no_problems(watched_page)


def test_language_toggle_switches_the_text(
    server: Server, watched_page: WatchedPage, screenshot_dir: Path
) -> None:
    page = watched_page.page
    page.goto(server.base_url + "/", wait_until="networkidle")
    expect(page.get_by_role("heading", name="Platform status")).to_be_visible()

    spanish = page.get_by_role("button", name="Español")
    spanish.click()
    expect(spanish).to_have_attribute("aria-pressed", "true")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_test_id("tagline")).to_contain_text(TAGLINE_ES)
    expect(page.get_by_role("heading", name="Estado de la plataforma")).to_be_visible()
    expect(page.get_by_test_id("ready-status")).to_have_text("lista")
    expect(page).to_have_title("PreventIA — monitorización de medios sobre cáncer de mama")
    page.screenshot(path=str(screenshot_dir / "dashboard-es.png"), full_page=True)

    # The choice survives a reload.
    page.reload(wait_until="networkidle")
    expect(page.locator("html")).to_have_attribute("lang", "es")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("tagline")).to_contain_text(TAGLINE_EN)
    assert_no_problems(watched_page)


def test_spanish_browser_gets_spanish(server: Server, browser: Browser) -> None:
    context, watched = open_watched_page(browser, "es-ES")
    try:
        page = watched.page
        page.goto(server.base_url + "/", wait_until="networkidle")
        expect(page.locator("html")).to_have_attribute("lang", "es")
        expect(page.get_by_test_id("tagline")).to_contain_text(TAGLINE_ES)
        expect(page.get_by_test_id("health-status")).to_have_text("ok")
        assert_no_problems(watched)
    finally:
        context.close()


def test_check_again_and_deep_link(server: Server, watched_page: WatchedPage) -> None:
    page = watched_page.page
    # A client-side route the server does not know still gets the app (SPA fallback).
    page.goto(server.base_url + "/some/deep/link", wait_until="networkidle")
    expect(page.get_by_role("heading", level=1)).to_have_text("PreventIA")
    expect(page.get_by_test_id("health-status")).to_have_text("ok")

    with page.expect_response(lambda r: r.url.endswith("/health")) as answer:
        page.get_by_role("button", name="Check again").click()
    assert answer.value.ok
    expect(page.get_by_test_id("health-status")).to_have_text("ok")
    assert_no_problems(watched_page)
