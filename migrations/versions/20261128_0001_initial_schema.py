"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28 02:01:35.669088
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("homepage", sa.String(length=2048), nullable=True),
        sa.Column(
            "kind",
            sa.Enum("feed", "sitemap", "page", name="sourcekind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("url_pattern", sa.String(length=500), nullable=True),
        sa.Column("outlet_country", sa.String(length=2), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "active", "paused", "removed", name="sourcestatus", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("fetch_interval_minutes", sa.Integer(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column(
            "robots_status",
            sa.Enum(
                "unknown",
                "allowed",
                "disallowed",
                "unreachable",
                name="robotsstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("robots_rule", sa.String(length=500), nullable=True),
        sa.Column("robots_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("crawl_delay_seconds", sa.Float(), nullable=True),
        sa.Column("terms_url", sa.String(length=2048), nullable=True),
        sa.Column("terms_notes", sa.Text(), nullable=True),
        sa.Column("store_full_text", sa.Boolean(), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=True),
        sa.Column("etag", sa.String(length=500), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("total_fetches", sa.Integer(), nullable=False),
        sa.Column("total_failures", sa.Integer(), nullable=False),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_polled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("url", name=op.f("uq_sources_url")),
    )
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sources_status"), ["status"], unique=False)
        batch_op.create_index(
            "ix_sources_status_last_polled", ["status", "last_polled_at"], unique=False
        )

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column(
            "role",
            sa.Enum("admin", "analyst", "viewer", name="role", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_login_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("canonical_url", sa.String(length=2048), nullable=False),
        sa.Column("url_hash", sa.String(length=64), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("author", sa.String(length=500), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("word_count", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "stored",
                "not_relevant",
                "duplicate",
                "failed",
                name="articlestatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("status_reason", sa.String(length=100), nullable=True),
        sa.Column("duplicate_of", sa.Integer(), nullable=True),
        sa.Column(
            "relevance",
            sa.Enum("primary", "partial", "none", name="relevance", native_enum=False, length=20),
            nullable=True,
        ),
        sa.Column(
            "tone",
            sa.Enum("positive", "neutral", "negative", name="tone", native_enum=False, length=20),
            nullable=True,
        ),
        sa.Column("tone_score", sa.Float(), nullable=True),
        sa.Column("primary_topic", sa.String(length=40), nullable=True),
        sa.Column(
            "evidence", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.Column(
            "model_versions",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=True,
        ),
        sa.Column("analyzed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("text_purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["duplicate_of"],
            ["articles.id"],
            name=op.f("fk_articles_duplicate_of_articles"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_articles_source_id_sources"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_articles")),
        sa.UniqueConstraint("canonical_url", name=op.f("uq_articles_canonical_url")),
    )
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_articles_content_hash"), ["content_hash"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_articles_duplicate_of"), ["duplicate_of"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_articles_language"), ["language"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_articles_primary_topic"), ["primary_topic"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_articles_published_at"), ["published_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_articles_relevance"), ["relevance"], unique=False)
        batch_op.create_index(batch_op.f("ix_articles_source_id"), ["source_id"], unique=False)
        batch_op.create_index(
            "ix_articles_source_published", ["source_id", "published_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_articles_status"), ["status"], unique=False)
        batch_op.create_index(
            "ix_articles_status_published", ["status", "published_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_articles_tone"), ["tone"], unique=False)
        batch_op.create_index(batch_op.f("ix_articles_url_hash"), ["url_hash"], unique=False)

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_email", sa.String(length=320), nullable=True),
        sa.Column("action", sa.String(length=80), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=True),
        sa.Column("object_id", sa.String(length=80), nullable=True),
        sa.Column("client_address", sa.String(length=64), nullable=True),
        sa.Column(
            "details", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_audit_log_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index("ix_audit_log_object", ["object_type", "object_id"], unique=False)

    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "collect", "reanalyze", "retention", name="jobtype", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "running",
                "succeeded",
                "failed",
                name="jobstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column(
            "params", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.Column(
            "counts", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_jobs_source_id_sources"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_jobs_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_jobs_source_id"), ["source_id"], unique=False)
        batch_op.create_index("ix_jobs_type_status", ["type", "status"], unique=False)

    op.create_table(
        "source_outcomes",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_source_outcomes_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("source_id", "outcome", name=op.f("pk_source_outcomes")),
    )
    op.create_table(
        "article_countries",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_countries_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "country", name=op.f("pk_article_countries")),
    )
    with op.batch_alter_table("article_countries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_countries_country"), ["country"], unique=False)

    op.create_table(
        "article_keywords",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "keyword",
                "biomarker",
                "gene",
                "drug",
                "procedure",
                "trial_id",
                "doi",
                "pmid",
                "organisation",
                name="keywordkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_keywords_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "kind", "value", name=op.f("pk_article_keywords")),
    )
    with op.batch_alter_table("article_keywords", schema=None) as batch_op:
        batch_op.create_index("ix_article_keywords_kind_value", ["kind", "value"], unique=False)

    op.create_table(
        "article_topics",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_topics_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "topic", name=op.f("pk_article_topics")),
    )
    with op.batch_alter_table("article_topics", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_topics_topic"), ["topic"], unique=False)

    op.create_table(
        "seen_urls",
        sa.Column("url_hash", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=40), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_seen_urls_article_id_articles"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_seen_urls_source_id_sources"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("url_hash", name=op.f("pk_seen_urls")),
    )
    with op.batch_alter_table("seen_urls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_seen_urls_article_id"), ["article_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_seen_urls_source_id"), ["source_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("seen_urls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seen_urls_source_id"))
        batch_op.drop_index(batch_op.f("ix_seen_urls_article_id"))

    op.drop_table("seen_urls")
    with op.batch_alter_table("article_topics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_topics_topic"))

    op.drop_table("article_topics")
    with op.batch_alter_table("article_keywords", schema=None) as batch_op:
        batch_op.drop_index("ix_article_keywords_kind_value")

    op.drop_table("article_keywords")
    with op.batch_alter_table("article_countries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_countries_country"))

    op.drop_table("article_countries")
    op.drop_table("source_outcomes")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_type_status")
        batch_op.drop_index(batch_op.f("ix_jobs_source_id"))
        batch_op.drop_index(batch_op.f("ix_jobs_created_at"))

    op.drop_table("jobs")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_object")
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))
        batch_op.drop_index(batch_op.f("ix_audit_log_action"))

    op.drop_table("audit_log")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_articles_url_hash"))
        batch_op.drop_index(batch_op.f("ix_articles_tone"))
        batch_op.drop_index("ix_articles_status_published")
        batch_op.drop_index(batch_op.f("ix_articles_status"))
        batch_op.drop_index("ix_articles_source_published")
        batch_op.drop_index(batch_op.f("ix_articles_source_id"))
        batch_op.drop_index(batch_op.f("ix_articles_relevance"))
        batch_op.drop_index(batch_op.f("ix_articles_published_at"))
        batch_op.drop_index(batch_op.f("ix_articles_primary_topic"))
        batch_op.drop_index(batch_op.f("ix_articles_language"))
        batch_op.drop_index(batch_op.f("ix_articles_duplicate_of"))
        batch_op.drop_index(batch_op.f("ix_articles_content_hash"))

    op.drop_table("articles")
    op.drop_table("users")
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_index("ix_sources_status_last_polled")
        batch_op.drop_index(batch_op.f("ix_sources_status"))

    op.drop_table("sources")
