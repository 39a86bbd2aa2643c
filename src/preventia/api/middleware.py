"""Pure ASGI middleware: request id, access log, metrics by route template, security headers,
request body cap."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from preventia.auth.policy import iter_api_routes
from preventia.ops.logging import request_id_var
from preventia.ops.metrics import HTTP_IN_FLIGHT, HTTP_LATENCY, HTTP_REQUESTS

logger = logging.getLogger("preventia.access")
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

SECURITY_HEADERS: dict[str, str] = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; "
        "object-src 'none'"
    ),
    "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "strict-transport-security": "max-age=31536000; includeSubDomains",
}


def _route_template(scope: Scope) -> str:
    """The matched route's full template (router prefixes included), never the raw path."""
    route = scope.get("route")
    app = scope.get("app")
    if route is None or app is None:
        return "<unmatched>"
    templates: dict[int, str] | None = getattr(app.state, "route_templates", None)
    if templates is None:
        templates = {id(r): path for path, r in iter_api_routes(app.routes)}
        app.state.route_templates = templates
    path = templates.get(id(route), getattr(route, "path", None))
    return path if isinstance(path, str) else "<unmatched>"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


class RequestContextMiddleware:
    """Gives every request an id (kept from ``X-Request-ID`` when well formed), logs it once,
    counts it by route template, and adds the security headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id")
        request_id = incoming if incoming and _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status_holder: MutableMapping[str, int] = {"status": 500}
        send_wrapped = self._wrap_send(send, request_id, status_holder)
        HTTP_IN_FLIGHT.inc()
        try:
            await self.app(scope, receive, send_wrapped)
        finally:
            HTTP_IN_FLIGHT.dec()
            self._record(scope, status_holder["status"], time.perf_counter() - started)
            request_id_var.reset(token)

    @staticmethod
    def _wrap_send(
        send: Send, request_id: str, status_holder: MutableMapping[str, int]
    ) -> Callable[[Message], Awaitable[None]]:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = int(message["status"])
                headers = list(message.get("headers", []))
                present = {key.lower() for key, _ in headers}
                for name, value in SECURITY_HEADERS.items():
                    if name.encode() not in present:
                        headers.append((name.encode(), value.encode()))
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        return wrapped

    @staticmethod
    def _record(scope: Scope, status: int, elapsed: float) -> None:
        method = str(scope.get("method", ""))
        route = _route_template(scope)
        HTTP_REQUESTS.labels(method, route, str(status)).inc()
        HTTP_LATENCY.labels(method, route).observe(elapsed)
        client: Any = scope.get("client")
        logger.info(
            "%s %s %s",
            method,
            scope.get("path", ""),
            status,
            extra={
                "route": route,
                "status": status,
                "duration_ms": round(elapsed * 1000, 2),
                "client": client[0] if client else None,
            },
        )


class BodySizeLimitMiddleware:
    """Refuses request bodies larger than ``max_bytes`` with 413 (declared or streamed)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            await _too_large(send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLargeError
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _BodyTooLargeError:
            await _too_large(send)


class _BodyTooLargeError(Exception):
    pass


async def _too_large(send: Send) -> None:
    body = b'{"type":"about:blank","title":"Content Too Large","status":413}'
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
