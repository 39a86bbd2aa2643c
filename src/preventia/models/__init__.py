"""All ORM models; importing this package registers every table on ``Base.metadata``."""

from preventia.models.article import Article, ArticleCountry, ArticleKeyword, ArticleTopic
from preventia.models.audit import AuditLog
from preventia.models.correction import LabelCorrection
from preventia.models.enums import (
    ArticleStatus,
    JobStatus,
    JobType,
    KeywordKind,
    Relevance,
    RobotsStatus,
    Role,
    SourceKind,
    SourceStatus,
    Tone,
)
from preventia.models.job import Job
from preventia.models.rollups import ROLLUPS, rollup_dirty_days
from preventia.models.saved_search import SavedSearch
from preventia.models.source import SeenUrl, Source, SourceOutcome
from preventia.models.token import RefreshToken
from preventia.models.user import User

__all__ = [
    "ROLLUPS",
    "Article",
    "ArticleCountry",
    "ArticleKeyword",
    "ArticleStatus",
    "ArticleTopic",
    "AuditLog",
    "Job",
    "JobStatus",
    "JobType",
    "KeywordKind",
    "LabelCorrection",
    "RefreshToken",
    "Relevance",
    "RobotsStatus",
    "Role",
    "SavedSearch",
    "SeenUrl",
    "Source",
    "SourceKind",
    "SourceOutcome",
    "SourceStatus",
    "Tone",
    "User",
    "rollup_dirty_days",
]
