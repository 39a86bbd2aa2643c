"""Route access policies. Every route of the app declares exactly one (a test enforces it).

A policy is a FastAPI dependency carrying ``__preventia_policy__`` so the route table can be
audited: ``public`` (no token), or a minimum role (``viewer`` < ``analyst`` < ``admin``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from fastapi import Depends
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

POLICY_ATTR = "__preventia_policy__"


def _public() -> None:
    return None


setattr(_public, POLICY_ATTR, "public")

#: Use as ``dependencies=[PUBLIC]`` on routes anyone may call (health, login …).
PUBLIC: Any = Depends(_public)


def iter_api_routes(
    routes: Iterable[BaseRoute], prefix: str = ""
) -> Iterator[tuple[str, APIRoute]]:
    """Every API route with its full path, through included routers of any depth."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
            continue
        included = getattr(route, "original_router", None)  # FastAPI >= 0.13x included router
        if included is not None:
            context = getattr(route, "include_context", None)
            yield from iter_api_routes(included.routes, prefix + getattr(context, "prefix", ""))


def route_policy(route: APIRoute) -> str | None:
    """The policy a route declares, or None when it declares none."""
    found: list[str] = []
    for dependant in route.dependant.dependencies:
        call: Callable[..., Any] | None = dependant.call
        name = getattr(call, POLICY_ATTR, None)
        if isinstance(name, str):
            found.append(name)
    return found[0] if len(found) == 1 else None
