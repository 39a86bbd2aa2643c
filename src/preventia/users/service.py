"""User management logic (never commits; the caller owns the transaction)."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session

from preventia.auth.passwords import check_password_policy, hash_password
from preventia.models import Role, User
from preventia.users import repository


class UserError(ValueError):
    """A user operation was refused; the message is safe to show."""


def normalise_email(email: str) -> str:
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise UserError(f"invalid email address: {exc}") from None


def create_user(session: Session, email: str, password: str, role: Role) -> User:
    address = normalise_email(email)
    if repository.get_by_email(session, address) is not None:
        raise UserError(f"a user with email {address} already exists")
    try:
        check_password_policy(password, email=address)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    return repository.add(
        session, User(email=address, password_hash=hash_password(password), role=role)
    )


def has_users(session: Session) -> bool:
    return repository.count(session) > 0
