"""Closed vocabularies stored as strings (portable across SQLite and PostgreSQL)."""

from __future__ import annotations

from enum import StrEnum


class SourceKind(StrEnum):
    FEED = "feed"
    SITEMAP = "sitemap"
    PAGE = "page"


class SourceStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    REMOVED = "removed"


class RobotsStatus(StrEnum):
    UNKNOWN = "unknown"
    ALLOWED = "allowed"
    DISALLOWED = "disallowed"
    UNREACHABLE = "unreachable"


class ArticleStatus(StrEnum):
    STORED = "stored"
    NOT_RELEVANT = "not_relevant"
    DUPLICATE = "duplicate"
    FAILED = "failed"


class Relevance(StrEnum):
    PRIMARY = "primary"
    PARTIAL = "partial"
    NONE = "none"


class Tone(StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


class Role(StrEnum):
    ADMIN = "admin"
    ANALYST = "analyst"
    VIEWER = "viewer"


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class JobType(StrEnum):
    COLLECT = "collect"
    REANALYZE = "reanalyze"
    RETENTION = "retention"


class KeywordKind(StrEnum):
    KEYWORD = "keyword"
    BIOMARKER = "biomarker"
    GENE = "gene"
    DRUG = "drug"
    PROCEDURE = "procedure"
    TRIAL_ID = "trial_id"
    DOI = "doi"
    PMID = "pmid"
    ORGANISATION = "organisation"
