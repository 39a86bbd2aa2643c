"""The FastAPI application factory. Engines and clients are built in the lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import redis
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from preventia import __version__
from preventia.analytics import router as analytics_router
from preventia.api import dashboard, health
from preventia.api.errors import install_error_handlers
from preventia.api.middleware import BodySizeLimitMiddleware, RequestContextMiddleware
from preventia.api.ratelimit import install_rate_limits
from preventia.articles import router as articles_router
from preventia.audit.router import router as audit_router
from preventia.auth.router import router as auth_router
from preventia.db import build_database
from preventia.jobs import router as jobs_router
from preventia.jobs.worker import EmbeddedBackground, TaskQueue
from preventia.searches import router as searches_router
from preventia.settings import Settings, get_settings
from preventia.sources import router as sources_router
from preventia.users.router import router as users_router

logger = logging.getLogger(__name__)
API_PREFIX = "/api/v1"


def _redis_client(settings: Settings) -> redis.Redis | None:
    if not settings.redis_url:
        return None
    client: redis.Redis = redis.Redis.from_url(
        settings.redis_url, socket_connect_timeout=0.5, socket_timeout=0.5, retry_on_timeout=False
    )
    return client


def _start_background(app: FastAPI, settings: Settings, run_background: bool) -> None:
    """Where background tasks go: Redis (workers elsewhere), or the embedded scheduler and
    worker in this process (``preventia serve`` without Redis), or nowhere (tests)."""
    app.state.background = None
    app.state.tasks = None
    if settings.redis_url:
        app.state.tasks = TaskQueue(settings, app.state.db)
    elif run_background:
        tick = settings.worker.scheduler_tick_seconds
        app.state.background = EmbeddedBackground(settings, app.state.db, tick_seconds=tick)
        app.state.background.start()
        app.state.tasks = app.state.background.queue


def _stop_background(app: FastAPI) -> None:
    if app.state.background is not None:
        app.state.background.stop()  # in-flight tasks finish first
    elif app.state.tasks is not None:
        app.state.tasks.close()


def create_app(settings: Settings | None = None, *, run_background: bool = False) -> FastAPI:
    """Build the app; nothing connects until the lifespan starts. ``run_background`` runs
    the scheduler and a worker in-process when there is no Redis (the embedded default)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.db = build_database(settings)
        app.state.redis = _redis_client(settings)
        _start_background(app, settings, run_background)
        logger.info("api started", extra={"version": __version__, "env": settings.env.value})
        try:
            yield
        finally:
            _stop_background(app)
            if app.state.redis is not None:
                app.state.redis.close()
            app.state.db.dispose()

    app = FastAPI(
        title="PreventIA API",
        version=__version__,
        description="Breast-cancer news monitoring: articles, analytics, sources and exports.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(articles_router.router, prefix=API_PREFIX)
    app.include_router(analytics_router.router, prefix=API_PREFIX)
    app.include_router(searches_router.router, prefix=API_PREFIX)
    app.include_router(auth_router, prefix=API_PREFIX)
    app.include_router(users_router, prefix=API_PREFIX)
    app.include_router(audit_router, prefix=API_PREFIX)
    app.include_router(sources_router.router, prefix=API_PREFIX)
    app.include_router(jobs_router.router, prefix=API_PREFIX)
    _mount_dashboard(app, settings)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.api.max_body_bytes)
    install_rate_limits(app, settings)  # inside CORS and the request context: 429s get both
    if settings.api.cors_origins:  # CORS is off unless an allow-list is configured
        app.add_middleware(
            CORSMiddleware,
            allow_origins=[origin for origin in settings.api.cors_origins if origin != "*"],
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=["Retry-After", "X-Request-ID"],
            max_age=600,
        )
    app.add_middleware(RequestContextMiddleware)
    return app


def _mount_dashboard(app: FastAPI, settings: Settings) -> None:
    directory = settings.api.dashboard_dir or dashboard.PACKAGED_DASHBOARD
    app.mount("/", dashboard.DashboardApp(directory), name="dashboard")


def app_from_env() -> Any:
    """Entry point for ``uvicorn --factory preventia.api.app:app_from_env``."""
    return create_app()


def app_from_environment() -> FastAPI:
    """The app of one of several ``preventia serve --workers N`` processes (a uvicorn
    factory): settings from the environment, logging set up, no embedded worker."""
    from preventia.ops.logging import configure_logging

    settings = get_settings()
    configure_logging(settings.log.level, json_format=settings.log.json_format)
    return create_app(settings)
