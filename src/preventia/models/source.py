"""A news source and its compliance record and health."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from preventia.db.base import Base, UTCDateTime, utcnow
from preventia.models.enums import RobotsStatus, SourceKind, SourceStatus
from preventia.models.types import str_enum


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    homepage: Mapped[str | None] = mapped_column(String(2048))
    kind: Mapped[SourceKind] = mapped_column(str_enum(SourceKind), default=SourceKind.FEED)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    url_pattern: Mapped[str | None] = mapped_column(String(500))
    outlet_country: Mapped[str | None] = mapped_column(String(2))
    language: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[SourceStatus] = mapped_column(
        str_enum(SourceStatus), default=SourceStatus.ACTIVE, index=True
    )
    status_reason: Mapped[str | None] = mapped_column(Text)
    fetch_interval_minutes: Mapped[int] = mapped_column(Integer, default=30)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)

    # Compliance record.
    robots_status: Mapped[RobotsStatus] = mapped_column(
        str_enum(RobotsStatus), default=RobotsStatus.UNKNOWN
    )
    robots_rule: Mapped[str | None] = mapped_column(String(500))
    robots_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    crawl_delay_seconds: Mapped[float | None] = mapped_column(Float)
    terms_url: Mapped[str | None] = mapped_column(String(2048))
    terms_notes: Mapped[str | None] = mapped_column(Text)
    store_full_text: Mapped[bool] = mapped_column(Boolean, default=True)
    retention_days: Mapped[int | None] = mapped_column(Integer)

    # Conditional GET state for the source URL.
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))

    # Health.
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    total_fetches: Mapped[int] = mapped_column(Integer, default=0)
    total_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The interval the scheduler uses now, adapted from fetch_interval_minutes: longer while
    # the source brings nothing new, shorter while it is busy (within bounds).
    poll_interval_minutes: Mapped[int | None] = mapped_column(Integer)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    __table_args__ = (Index("ix_sources_status_last_polled", "status", "last_polled_at"),)


class SourceOutcome(Base):
    """How often each pipeline outcome happened for a source (atomic increments)."""

    __tablename__ = "source_outcomes"

    source_id: Mapped[int] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True
    )
    outcome: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SeenUrl(Base):
    """Every article URL the collector has dealt with, so it is never fetched twice.

    ``article_id`` points at the stored article when there is one (two URLs of the same
    story point at the same article); ``outcome`` says what happened to the URL.
    """

    __tablename__ = "seen_urls"

    url_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    url: Mapped[str] = mapped_column(String(2048))
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("sources.id", ondelete="SET NULL"), index=True
    )
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )
    outcome: Mapped[str] = mapped_column(String(40))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
