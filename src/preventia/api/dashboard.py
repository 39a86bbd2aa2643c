"""Serves the built dashboard at ``/`` (single-page app: unknown paths get index.html)."""

from __future__ import annotations

from pathlib import Path

from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from preventia import __version__
from preventia.api.errors import problem

PACKAGED_DASHBOARD = Path(__file__).resolve().parent.parent / "static" / "dashboard"

_NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>PreventIA</title></head><body><main><h1>PreventIA {version}</h1>
<p>The dashboard is not built. Run <code>make dashboard</code>; the API is at
<a href="/api/v1/openapi.json">/api/v1/openapi.json</a>,
health at <a href="/health">/health</a>.</p>
</main></body></html>"""


class DashboardApp:
    """Static files of the built dashboard with a fallback to ``index.html``."""

    __preventia_policy__ = "public"

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.index = directory / "index.html"
        self.static = StaticFiles(directory=directory, check_dir=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", "/"))
        response: Response
        if path.startswith("/api/"):
            response = problem(404, "No such API route.")
        elif scope.get("method") not in {"GET", "HEAD"}:
            response = problem(405, "Method not allowed here.")
        elif not self.index.is_file():
            response = HTMLResponse(_NOT_BUILT.format(version=__version__))
        elif path != "/" and (self.directory / path.lstrip("/")).is_file():
            await self.static(scope, receive, send)
            return
        else:
            response = FileResponse(self.index, headers={"cache-control": "no-cache"})
        await response(scope, receive, send)
