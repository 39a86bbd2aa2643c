"""An article, its analysis and the many-to-one label rows the dashboard filters on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from preventia.db.base import Base, UTCDateTime, utcnow
from preventia.models.enums import ArticleStatus, KeywordKind, Relevance, Tone
from preventia.models.types import JSONDict, str_enum


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("sources.id", ondelete="SET NULL"), index=True
    )
    url: Mapped[str] = mapped_column(String(2048))
    canonical_url: Mapped[str] = mapped_column(String(2048), unique=True)
    url_hash: Mapped[str] = mapped_column(String(64), index=True)
    content_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(500))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    language: Mapped[str | None] = mapped_column(String(8), index=True)
    word_count: Mapped[int | None] = mapped_column(Integer)

    status: Mapped[ArticleStatus] = mapped_column(str_enum(ArticleStatus), index=True)
    status_reason: Mapped[str | None] = mapped_column(String(100))
    duplicate_of: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )

    # Analysis (None until analysed) and the versions of the models that made it.
    relevance: Mapped[Relevance | None] = mapped_column(str_enum(Relevance), index=True)
    tone: Mapped[Tone | None] = mapped_column(str_enum(Tone), index=True)
    tone_score: Mapped[float | None] = mapped_column(Float)
    primary_topic: Mapped[str | None] = mapped_column(String(40), index=True)
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSONDict)
    model_versions: Mapped[dict[str, Any] | None] = mapped_column(JSONDict)
    analyzed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The model's own labels when an analyst corrected them (the columns and label rows then
    # hold the corrected, effective labels that analytics use); None when never corrected.
    model_labels: Mapped[dict[str, Any] | None] = mapped_column(JSONDict)
    corrected_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    corrected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    text_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    topics: Mapped[list[ArticleTopic]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    countries: Mapped[list[ArticleCountry]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    keywords: Mapped[list[ArticleKeyword]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (
        Index("ix_articles_status_published", "status", "published_at"),
        Index("ix_articles_source_published", "source_id", "published_at"),
    )


class ArticleTopic(Base):
    __tablename__ = "article_topics"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)
    score: Mapped[float | None] = mapped_column(Float)


class ArticleCountry(Base):
    __tablename__ = "article_countries"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    country: Mapped[str] = mapped_column(String(2), primary_key=True, index=True)


class ArticleKeyword(Base):
    """A keyword (YAKE) or an entity from the curated vocabularies (kind says which)."""

    __tablename__ = "article_keywords"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[KeywordKind] = mapped_column(str_enum(KeywordKind), primary_key=True)
    value: Mapped[str] = mapped_column(String(200), primary_key=True)
    score: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (Index("ix_article_keywords_kind_value", "kind", "value"),)
