"""The curated default sources: the shipped list and its installation (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from preventia.models import RobotsStatus, Source, SourceStatus
from preventia.nlp.vocab import load_data
from preventia.sources.defaults import (
    DefaultSourceList,
    install_default_sources,
    load_default_list,
)
from preventia.sources.schemas import SourceCreate
from tests.shared_data import REPO_ROOT, SHARED_DATA

CANDIDATES = SHARED_DATA / "sources" / "candidates.md"


def _candidate_rows() -> dict[str, dict[str, str]]:
    """Rows of the candidates' main table, by feed or sitemap URL."""
    rows: dict[str, dict[str, str]] = {}
    section = ""
    for line in CANDIDATES.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        if section != "Main table" or not line.startswith("| ") or line.startswith("| name"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 8:
            continue
        rows[cells[2]] = {"language": cells[4], "country": cells[5], "confidence": cells[7]}
    return rows


def _evidenced_urls() -> set[str]:
    """Every URL in candidates.md except the section of unverified patterns."""
    text = CANDIDATES.read_text(encoding="utf-8").split("## Unverified patterns")[0]
    return {url.rstrip(".,;") for url in re.findall(r"https?://[^\s|`)<>]+", text)}


@pytest.fixture(scope="module")
def defaults() -> DefaultSourceList:
    return load_default_list()


def _registered(session: Session) -> list[Source]:
    return list(session.scalars(select(Source).order_by(Source.id)))


# The list itself


def test_list_validates_with_a_version(defaults: DefaultSourceList) -> None:
    assert re.fullmatch(r"\d{4}\.\d{1,2}\.\d+", defaults.version)
    assert 15 <= len(defaults.sources) <= 35
    for entry in defaults.sources:
        SourceCreate.model_validate(entry.to_create().model_dump())
        assert entry.name and entry.homepage and entry.evidence
        assert 15 <= entry.fetch_interval_minutes <= 360


def test_both_languages_with_five_or_more_each(defaults: DefaultSourceList) -> None:
    languages = Counter(entry.language for entry in defaults.sources)
    assert set(languages) == {"en", "es"}
    assert languages["en"] >= 5 and languages["es"] >= 5


def test_several_latin_american_countries(defaults: DefaultSourceList) -> None:
    latin_america = {"AR", "BO", "CL", "CO", "CR", "CU", "DO", "EC", "GT", "HN", "MX"}
    latin_america |= {"NI", "PA", "PE", "PR", "PY", "SV", "UY", "VE"}
    countries = {entry.outlet_country for entry in defaults.sources}
    assert len(countries & latin_america) >= 4
    assert "ES" in countries


def test_urls_are_http_and_unique(defaults: DefaultSourceList) -> None:
    urls = [entry.url for entry in defaults.sources]
    assert len(urls) == len(set(urls))
    for url in [*urls, *(entry.homepage for entry in defaults.sources)]:
        parts = urlsplit(url)
        assert parts.scheme in {"http", "https"} and parts.hostname, url


def test_countries_are_iso_alpha2(defaults: DefaultSourceList) -> None:
    iso_codes = set(load_data("countries.json")["countries"])
    for entry in defaults.sources:
        assert entry.outlet_country in iso_codes, entry.name


def test_every_url_has_evidence_in_the_candidates(defaults: DefaultSourceList) -> None:
    evidenced = _evidenced_urls()
    rows = _candidate_rows()
    for entry in defaults.sources:
        assert entry.url in evidenced, f"{entry.url} has no evidence in candidates.md"
        row = rows.get(entry.url)
        assert row is not None, f"{entry.url} is not a row of the main table"
        assert entry.confidence == row["confidence"], entry.url
        assert entry.language == row["language"], entry.url
        assert entry.outlet_country == row["country"][:2], entry.url


def test_low_confidence_is_the_exception(defaults: DefaultSourceList) -> None:
    confidence = Counter(entry.confidence for entry in defaults.sources)
    assert confidence["low"] <= 3
    assert confidence["high"] >= len(defaults.sources) // 2


def test_the_user_guide_lists_this_version(defaults: DefaultSourceList) -> None:
    guide = (REPO_ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    assert f"`{defaults.version}`" in guide
    for entry in defaults.sources:
        assert f"<{entry.url}>" in guide, f"docs/sources.md does not list {entry.url}"


def _one_entry(**changes: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": "Example",
        "homepage": "https://example.org",
        "kind": "feed",
        "url": "https://example.org/feed/",
        "outlet_country": "ES",
        "language": "es",
        "fetch_interval_minutes": 60,
        "confidence": "high",
        "evidence": "seen",
    }
    return {**entry, **changes}


@pytest.mark.parametrize(
    "changes",
    [
        {"url": "ftp://example.org/feed"},
        {"outlet_country": "ESP"},
        {"language": "spanish"},
        {"fetch_interval_minutes": 5},
        {"fetch_interval_minutes": 1440},
        {"confidence": "certain"},
        {"evidence": ""},
        {"unknown_field": 1},
        {"name": None},
        {"homepage": None},
        {"homepage": "example.org"},
        {"outlet_country": None},
        {"language": None},
    ],
)
def test_an_invalid_entry_is_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        DefaultSourceList.model_validate(
            {"version": "2026.11.1", "sources": [_one_entry(**changes)]}
        )


def test_duplicate_urls_and_bad_versions_are_refused() -> None:
    with pytest.raises(ValidationError, match="duplicate"):
        DefaultSourceList.model_validate(
            {"version": "2026.11.1", "sources": [_one_entry(), _one_entry(name="Again")]}
        )
    with pytest.raises(ValidationError):
        DefaultSourceList.model_validate({"version": "latest", "sources": [_one_entry()]})


# Installation


def test_install_inserts_all_then_nothing(
    session: Session, defaults: DefaultSourceList, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_commit() -> None:
        raise AssertionError("install_default_sources must not commit")

    monkeypatch.setattr(session, "commit", no_commit)
    first = install_default_sources(session)
    assert first.version == defaults.version
    assert first.inserted == tuple(entry.url for entry in defaults.sources)
    assert first.already_registered == ()

    rows = _registered(session)
    assert len(rows) == len(defaults.sources)
    for row in rows:
        assert row.is_default
        assert row.status == SourceStatus.ACTIVE
        assert row.robots_status == RobotsStatus.UNKNOWN
        assert row.terms_notes and defaults.version in row.terms_notes

    second = install_default_sources(session)
    assert second.inserted_count == 0
    assert len(second.already_registered) == len(defaults.sources)
    assert len(_registered(session)) == len(defaults.sources)


def test_entry_fields_are_stored(session: Session, defaults: DefaultSourceList) -> None:
    install_default_sources(session)
    by_url = {row.url: row for row in _registered(session)}
    for entry in defaults.sources:
        row = by_url[entry.url]
        assert (row.name, row.homepage, row.kind) == (entry.name, entry.homepage, entry.kind)
        assert (row.outlet_country, row.language) == (entry.outlet_country, entry.language)
        assert row.fetch_interval_minutes == entry.fetch_interval_minutes
        assert row.url_pattern == entry.url_pattern


def test_a_removed_default_is_not_added_again(
    session: Session, defaults: DefaultSourceList
) -> None:
    install_default_sources(session)
    removed = _registered(session)[0]
    removed.status = SourceStatus.REMOVED
    removed.status_reason = "removed by an admin"
    session.flush()

    report = install_default_sources(session)

    assert report.inserted == ()
    assert removed.url in report.already_registered
    same_url = [row for row in _registered(session) if row.url == removed.url]
    assert len(same_url) == 1 and same_url[0].status == SourceStatus.REMOVED


def test_a_source_the_user_added_is_left_alone(
    session: Session, defaults: DefaultSourceList
) -> None:
    url = defaults.sources[0].url
    session.add(Source(name="Mine", url=url, kind=defaults.sources[0].kind))
    session.flush()

    report = install_default_sources(session)

    assert url in report.already_registered
    assert report.inserted_count == len(defaults.sources) - 1
    mine = session.scalar(select(Source).where(Source.url == url))
    assert mine is not None and mine.name == "Mine" and not mine.is_default


def test_a_newer_list_adds_only_its_new_sources(
    session: Session, defaults: DefaultSourceList
) -> None:
    install_default_sources(session)
    newer = DefaultSourceList.model_validate(
        {
            "version": "2027.1.1",
            "sources": [
                *(entry.model_dump() for entry in defaults.sources),
                _one_entry(url="https://example.org/new-feed/"),
            ],
        }
    )

    report = install_default_sources(session, newer)

    assert report.inserted == ("https://example.org/new-feed/",)
    assert len(_registered(session)) == len(defaults.sources) + 1
