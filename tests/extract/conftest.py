"""Real article pages (Mozilla Readability's test pages) extracted once per session."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from preventia.extract import ExtractedArticle, extract_article
from tests.shared_data import SHARED_DATA

PAGES = SHARED_DATA / "pages" / "pages"


def page_url(name: str) -> str:
    """A neutral fetch URL for a page (its canonical link, if any, must win)."""
    return f"https://pages.example/{name}/article.html?utm_source=test&fbclid=x"


def metadata(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PAGES / name / "expected-metadata.json").read_text())
    return data


@pytest.fixture(scope="session")
def pages_dir() -> Path:
    if not PAGES.is_dir():
        pytest.skip(f"shared pages not found at {PAGES}")
    return PAGES


@pytest.fixture(scope="session")
def extracted(pages_dir: Path) -> dict[str, ExtractedArticle]:
    return {
        page.name: extract_article((page / "source.html").read_bytes(), page_url(page.name))
        for page in sorted(pages_dir.iterdir())
        if (page / "source.html").is_file()
    }
