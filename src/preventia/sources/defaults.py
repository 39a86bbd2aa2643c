"""The curated default sources shipped with the package, and their installation.

The list lives in ``data/default_sources.json``: a version and, for each source, the
fields of :class:`SourceCreate` plus the evidence for its URL and a confidence level.
Installing never touches the network (robots.txt and the rest of the compliance record
are checked by the collector at the first crawl) and never commits: the caller owns the
transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy.orm import Session

from preventia.models import Source
from preventia.sources import repository
from preventia.sources.schemas import SourceCreate

DATA_PACKAGE = "preventia.sources"
DATA_FILE = "default_sources.json"

Confidence = Literal["high", "medium", "low"]
MIN_INTERVAL, MAX_INTERVAL = 15, 360


class DefaultSource(SourceCreate):
    """One entry of the default list: a valid :class:`SourceCreate` with its evidence."""

    model_config = ConfigDict(extra="forbid")

    # The SourceCreate fields are inherited, not redeclared: redeclaring one would drop
    # its SourceCreate validator. What a default entry needs more is checked below.
    section: str | None = Field(default=None, max_length=200)
    confidence: Confidence
    evidence: str = Field(min_length=1, max_length=1000)

    @model_validator(mode="after")
    def _complete(self) -> DefaultSource:
        required = ("name", "homepage", "outlet_country", "language")
        missing = [field for field in required if not getattr(self, field)]
        if missing:
            raise ValueError(f"a default source needs {', '.join(missing)}")
        if not MIN_INTERVAL <= self.fetch_interval_minutes <= MAX_INTERVAL:
            raise ValueError(f"fetch_interval_minutes must be {MIN_INTERVAL}-{MAX_INTERVAL}")
        return self

    def to_create(self) -> SourceCreate:
        """The registry's input for this entry, validated again by :class:`SourceCreate`."""
        fields = set(SourceCreate.model_fields)
        return SourceCreate.model_validate(self.model_dump(include=fields))


class DefaultSourceList(BaseModel):
    """The versioned default list (version ``YYYY.MM.N``)."""

    model_config = ConfigDict(extra="forbid")

    version: str = Field(pattern=r"^\d{4}\.(0?[1-9]|1[0-2])\.\d+$")
    compiled_on: str | None = None
    provenance: str | None = None
    sources: list[DefaultSource] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_urls(self) -> DefaultSourceList:
        seen: set[str] = set()
        for source in self.sources:
            if source.url in seen:
                raise ValueError(f"duplicate source URL {source.url}")
            seen.add(source.url)
        return self


@dataclass(frozen=True)
class InstallReport:
    """What :func:`install_default_sources` did, by URL."""

    version: str
    inserted: tuple[str, ...]
    already_registered: tuple[str, ...]

    @property
    def inserted_count(self) -> int:
        return len(self.inserted)


def load_default_list() -> DefaultSourceList:
    """Read and validate the default list shipped with the package."""
    path = resources.files(DATA_PACKAGE).joinpath("data").joinpath(DATA_FILE)
    return DefaultSourceList.model_validate(json.loads(path.read_text(encoding="utf-8")))


def install_default_sources(
    session: Session, defaults: DefaultSourceList | None = None
) -> InstallReport:
    """Register every default source whose URL is not registered yet; never commits.

    A URL counts as registered whatever its status, so a default source that an admin
    removed (soft delete) or paused is left alone and a second call inserts nothing.
    """
    defaults = defaults if defaults is not None else load_default_list()
    inserted: list[str] = []
    registered: list[str] = []
    for entry in defaults.sources:
        if repository.get_by_url(session, entry.url) is not None:
            registered.append(entry.url)
            continue
        repository.add(session, _new_source(entry.to_create(), defaults.version))
        inserted.append(entry.url)
    return InstallReport(defaults.version, tuple(inserted), tuple(registered))


def _new_source(data: SourceCreate, version: str) -> Source:
    values = data.model_dump()
    values["is_default"] = True
    if values["terms_notes"] is None:
        values["terms_notes"] = f"Default list {version}: terms of service not reviewed yet."
    return Source(**values)
