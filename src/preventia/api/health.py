"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from preventia import __version__
from preventia.analytics.cache import cache_status
from preventia.auth.policy import PUBLIC
from preventia.db import ping
from preventia.jobs.worker import export_queue_depths
from preventia.ops.metrics import REGISTRY

logger = logging.getLogger(__name__)
router = APIRouter(tags=["ops"])
READY_TIMEOUT_SECONDS = 3.0


class Health(BaseModel):
    status: str = "ok"
    version: str = __version__


class Readiness(BaseModel):
    status: str
    checks: dict[str, str]


@router.get("/health", dependencies=[PUBLIC], response_model=Health)
async def health() -> Health:
    """The process is alive."""
    return Health()


async def _check(name: str, probe: Any) -> tuple[str, str]:
    try:
        await asyncio.wait_for(asyncio.to_thread(probe), READY_TIMEOUT_SECONDS)
    except TimeoutError:
        return name, "unavailable: no answer within 3 s"
    except Exception as exc:  # any failure means not ready; the reason goes to the client
        logger.warning("readiness check %s failed: %s", name, type(exc).__name__)
        return name, f"unavailable: {type(exc).__name__}"
    return name, "ok"


@router.get(
    "/ready",
    dependencies=[PUBLIC],
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "a dependency is unreachable"}},
)
async def ready(request: Request) -> Response:
    """The database (and Redis, when configured) answer."""
    state = request.app.state
    probes: list[tuple[str, Any]] = [("database", lambda: ping(state.db.engine))]
    if state.redis is not None:
        probes.append(("redis", state.redis.ping))
    results = dict(await asyncio.gather(*(_check(name, probe) for name, probe in probes)))
    if state.redis is None:
        results["redis"] = "not configured"
    ok = all(v in ("ok", "not configured") for v in results.values())
    if state.redis is not None:  # reported; never fails readiness
        results["analytics_cache"] = cache_status(state)
    body = Readiness(status="ready" if ok else "unavailable", checks=results)
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)


@router.get("/metrics", dependencies=[PUBLIC], response_class=Response)
async def metrics(request: Request) -> Response:
    """Prometheus text exposition (restrict to the monitoring network at the proxy)."""
    tasks = getattr(request.app.state, "tasks", None)
    if tasks is not None:
        await asyncio.to_thread(export_queue_depths, tasks.broker)
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
