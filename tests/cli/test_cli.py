from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from preventia import __version__
from preventia.auth.passwords import verify_password
from preventia.cli.main import app
from preventia.db import make_engine
from preventia.models import User
from preventia.settings import get_settings

runner = CliRunner()
GOOD_PASSWORD = "pink-ribbon-orchid-42"


@pytest.fixture
def db_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> str:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PREVENTIA_DATABASE_URL", url)
    get_settings.cache_clear()
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    return url


def _users(url: str) -> list[User]:
    engine = make_engine(url)
    with Session(engine) as session:
        users = list(session.scalars(select(User)))
    engine.dispose()
    return users


def test_version() -> None:
    result = runner.invoke(app, ["version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == __version__


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["db"],
        ["users"],
        ["sources"],
        ["serve"],
        ["db", "upgrade"],
        ["users", "create"],
        ["sources", "add"],
        ["sources", "list"],
    ],
)
def test_help_everywhere(args: list[str]) -> None:
    result = runner.invoke(app, [*args, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_users_create_with_password_from_env(db_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREVENTIA_USER_PASSWORD", GOOD_PASSWORD)
    result = runner.invoke(app, ["users", "create", "Ana@Example.org", "--role", "admin"])
    assert result.exit_code == 0, result.output
    [user] = _users(db_env)
    assert user.email == "ana@example.org"
    assert user.role.value == "admin"
    assert user.password_hash.startswith("$argon2id$")
    assert "m=19456,t=2" in user.password_hash
    assert verify_password(GOOD_PASSWORD, user.password_hash)
    assert GOOD_PASSWORD not in result.output


def test_users_create_prompts_twice(db_env: str) -> None:
    result = runner.invoke(
        app, ["users", "create", "b@example.org"], input=f"{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n"
    )
    # CliRunner's stdin is not a terminal: the command asks for the env variable instead.
    assert result.exit_code == 1
    assert "PREVENTIA_USER_PASSWORD" in result.output
    assert _users(db_env) == []


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pass", "at least 12"),
        ("123qweasdzxc", "common passwords"),
        ("aaaaaaaaaaaaaa", "too few"),
    ],
)
def test_users_create_refuses_weak_password(
    db_env: str, monkeypatch: pytest.MonkeyPatch, password: str, message: str
) -> None:
    monkeypatch.setenv("PREVENTIA_USER_PASSWORD", password)
    result = runner.invoke(app, ["users", "create", "c@example.org"])
    assert result.exit_code == 1
    assert message in result.output
    assert _users(db_env) == []


def test_users_create_refuses_existing_email(db_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREVENTIA_USER_PASSWORD", GOOD_PASSWORD)
    assert runner.invoke(app, ["users", "create", "d@example.org"]).exit_code == 0
    result = runner.invoke(app, ["users", "create", "D@example.org", "--role", "admin"])
    assert result.exit_code == 1
    assert "already exists" in result.output
    [user] = _users(db_env)
    assert user.role.value == "viewer"


def test_users_create_refuses_bad_role(db_env: str) -> None:
    result = runner.invoke(app, ["users", "create", "e@example.org", "--role", "king"])
    assert result.exit_code == 2


def test_db_downgrade_and_upgrade(db_env: str) -> None:
    assert runner.invoke(app, ["db", "downgrade", "base"]).exit_code == 0
    current = runner.invoke(app, ["db", "current"])
    assert "current: empty" in current.stdout
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert "current: empty" not in runner.invoke(app, ["db", "current"]).stdout


def test_malformed_database_url_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREVENTIA_DATABASE_URL", "oracle://x")
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 2
    assert "PREVENTIA_DATABASE_URL" in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_unreachable_database_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREVENTIA_DATABASE_URL", "postgresql+psycopg://u:s3cr3t@127.0.0.1:1/x")
    result = runner.invoke(app, ["sources", "list"])
    assert result.exit_code == 1
    assert "PREVENTIA_DATABASE_URL: database unreachable" in result.output
    assert "s3cr3t" not in result.output
    assert "Traceback" not in result.output


def test_production_without_secret_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREVENTIA_ENV", "production")
    monkeypatch.setenv("PREVENTIA_DATABASE_URL", "postgresql+psycopg://u@127.0.0.1/x")
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "PREVENTIA_JWT_SECRET" in result.output
    assert len(result.output.strip().splitlines()) == 1
