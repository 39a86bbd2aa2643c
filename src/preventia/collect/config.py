"""Collector options derived from the platform settings (one place for CLI, API and workers)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import redis
from sqlalchemy import Engine

from preventia.analytics.cache import bump_analytics_version
from preventia.analytics.rollups import rollup_refresher
from preventia.collect.cycle_types import CycleOptions
from preventia.collect.fetch_types import FetchOptions
from preventia.settings import Settings


def analytics_invalidator(settings: Settings, engine: Engine) -> Callable[[], None]:
    """What to call after storing articles: refresh the analytics rollups of the days they
    changed, then drop the analytics answers cached until then."""
    client = (
        redis.Redis.from_url(settings.redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)
        if settings.redis_url
        else None
    )
    refresh = rollup_refresher(engine)

    def invalidate() -> None:
        refresh()
        bump_analytics_version(client)

    return invalidate


def fetch_options(settings: Settings) -> FetchOptions:
    return FetchOptions.from_settings(
        settings.crawl,
        allow_private_networks=settings.allow_private_networks,
        allowed_networks=tuple(settings.crawl.allowed_networks),
    )


def cycle_options(settings: Settings, source_ids: Sequence[int] | None = None) -> CycleOptions:
    crawl = settings.crawl
    return CycleOptions(
        source_ids=source_ids,
        max_articles_per_source=crawl.max_articles_per_source,
        parallel_sources=crawl.parallel_sources,
        min_words=crawl.min_article_words,
        failures_before_pause=crawl.failures_before_pause,
    )
