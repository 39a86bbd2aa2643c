"""``preventia serve`` as a user runs it: a real process answering on a real port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(
    tmp_path: Path,
    args: Sequence[str] = (),
    **settings: str,
) -> tuple[str, subprocess.Popen[str]]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREVENTIA_")}
    env.update(
        PREVENTIA_DATABASE_URL=f"sqlite:///{tmp_path / 'serve.db'}",
        PREVENTIA_ENV="test",
        PREVENTIA_EMBEDDED_WORKER="false",
        **settings,
    )
    command = [sys.executable, "-m", "preventia", "serve", "--port", str(port), *args]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
        if process.poll() is not None:
            pytest.fail(f"serve exited: {process.stdout.read() if process.stdout else ''}")
    else:
        process.kill()
        pytest.fail("serve did not answer within 30 s")
    return base, process


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    base, process = _start(tmp_path)
    yield base, process
    process.terminate()
    process.wait(timeout=20)


def test_serve_answers_health_ready_metrics_and_dashboard(
    server: tuple[str, subprocess.Popen[str]],
) -> None:
    base, _ = server
    assert httpx.get(f"{base}/health").json()["status"] == "ok"
    assert httpx.get(f"{base}/ready").json()["status"] == "ready"
    metrics = httpx.get(f"{base}/metrics")
    assert "preventia_http_requests_total" in metrics.text
    root = httpx.get(f"{base}/")
    assert root.status_code == 200 and "PreventIA" in root.text


def test_serve_migrates_embedded_database_and_says_how_to_create_an_admin(
    server: tuple[str, subprocess.Popen[str]],
) -> None:
    _, process = server
    process.terminate()
    output, _ = process.communicate(timeout=20)
    assert "preventia users create" in output
    assert "--role admin" in output
    assert "default sources" in output


def _serve_refuses(tmp_path: Path, database_url: str, *args: str) -> str:
    """Run ``serve`` expecting a one-line refusal; its standard error."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREVENTIA_")}
    env["PREVENTIA_DATABASE_URL"] = database_url
    result = subprocess.run(
        [sys.executable, "-m", "preventia", "serve", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    return result.stderr


def test_serve_exits_with_one_line_when_database_unreachable(tmp_path: Path) -> None:
    unreachable = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    assert "PREVENTIA_DATABASE_URL: database unreachable" in _serve_refuses(tmp_path, unreachable)


def test_serve_workers_needs_redis(tmp_path: Path) -> None:
    sqlite = f"sqlite:///{tmp_path / 'serve.db'}"
    assert "PREVENTIA_REDIS_URL" in _serve_refuses(tmp_path, sqlite, "--workers", "2")


def _children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(child) for child in text.split()]


def test_serve_with_two_workers_shares_one_port(tmp_path: Path, redis_url: str) -> None:
    base, process = _start(tmp_path, ["--workers", "2"], PREVENTIA_REDIS_URL=redis_url)
    try:
        assert httpx.get(f"{base}/ready").json()["status"] == "ready"
        assert len(_children(process.pid)) >= 2  # the worker processes
        statuses = {httpx.get(f"{base}/api/v1/auth/me").status_code for _ in range(20)}
        assert statuses == {401}
    finally:
        process.terminate()
        process.wait(timeout=30)
