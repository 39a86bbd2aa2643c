"""``preventia users …``: user accounts."""

from __future__ import annotations

import os

import typer

from preventia.cli.common import command_session, console, fail, is_interactive, load_settings
from preventia.models import Role
from preventia.users.service import UserError, create_user

app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)
PASSWORD_ENV = "PREVENTIA_USER_PASSWORD"  # noqa: S105 - the name of a variable, not a secret


def _read_password() -> str:
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    if not is_interactive():
        fail(f"no password: set {PASSWORD_ENV} or run the command in a terminal")
    password = str(typer.prompt("Password", hide_input=True))
    again = str(typer.prompt("Repeat the password", hide_input=True))
    if password != again:
        fail("the two passwords differ")
    return password


@app.command("create")
def create(
    email: str = typer.Argument(..., help="The user's email address (their login)."),
    role: Role = typer.Option(Role.VIEWER, "--role", help="admin, analyst or viewer."),
) -> None:
    """Create a user. The password comes from PREVENTIA_USER_PASSWORD or is asked twice."""
    load_settings()  # a bad setting fails before the password is asked
    password = _read_password()
    with command_session(refuse=(UserError,)) as session:
        user = create_user(session, email, password, role)
        summary = f"created {user.role.value} {user.email} (id {user.id})"
    console.print(summary)
