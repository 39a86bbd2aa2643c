"""User management logic (never commits; the caller owns the transaction).

Every change made through the API is written to the audit log in the same transaction.
"""

from __future__ import annotations

from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session

from preventia.audit.service import record
from preventia.auth import repository as tokens_repository
from preventia.auth.passwords import check_password_policy, hash_password
from preventia.db import utcnow
from preventia.models import Role, User
from preventia.users import repository
from preventia.users.schemas import UserFilters, UserOut, UserPage, UserUpdate


class UserError(ValueError):
    """A user operation was refused; the message is safe to show.

    ``param`` names the offending request field when there is one.
    """

    status = 422

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


class UserNotFoundError(UserError):
    status = 404


class UserConflictError(UserError):
    """The change would break an invariant (duplicate email, no active admin left)."""

    status = 409


def normalise_email(email: str) -> str:
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise UserError(f"invalid email address: {exc}", param="email") from None


def _checked_password(password: str, email: str, param: str) -> str:
    try:
        check_password_policy(password, email=email)
    except ValueError as exc:
        raise UserError(str(exc), param=param) from None
    return hash_password(password)


def create_user(session: Session, email: str, password: str, role: Role) -> User:
    address = normalise_email(email)
    if repository.get_by_email(session, address) is not None:
        raise UserConflictError(f"a user with email {address} already exists", param="email")
    password_hash = _checked_password(password, address, "password")
    return repository.add(session, User(email=address, password_hash=password_hash, role=role))


def has_users(session: Session) -> bool:
    return repository.count(session) > 0


def get_user(session: Session, user_id: int) -> User:
    user = repository.get(session, user_id)
    if user is None:
        raise UserNotFoundError(f"no user with id {user_id}", param="user_id")
    return user


def list_users(session: Session, filters: UserFilters) -> UserPage:
    rows, total = repository.page(session, filters)
    return UserPage(items=[UserOut.model_validate(row) for row in rows], total=total)


def set_password(session: Session, user: User, password: str, *, param: str) -> int:
    """Store a new (policy-checked) password and revoke the user's refresh tokens."""
    user.password_hash = _checked_password(password, user.email, param)
    user.failed_login_count = 0
    session.flush()
    return tokens_repository.revoke_all_for_user(session, user.id, utcnow())


def admin_create_user(
    session: Session, actor: User, email: str, password: str, role: Role, address: str | None
) -> User:
    user = create_user(session, email, password, role)
    record(session, "user.created", actor, "user", user.id, address, {"role": role.value})
    return user


def _ensure_an_admin_remains(session: Session, target: User, changes: UserUpdate) -> None:
    demoted = changes.role is not None and changes.role is not Role.ADMIN
    deactivated = changes.is_active is False
    if target.role is not Role.ADMIN or not target.is_active or not (demoted or deactivated):
        return
    if repository.lock_active_admin_ids(session) == [target.id]:
        param = "role" if demoted else "is_active"
        raise UserConflictError(
            "this is the last active admin; make another user admin first", param=param
        )


def update_user(
    session: Session, actor: User, user_id: int, changes: UserUpdate, address: str | None
) -> User:
    """Change a user's role and/or active flag (audited); never leaves no active admin."""
    if changes.role is None and changes.is_active is None:
        raise UserError("give role and/or is_active", param="body")
    target = get_user(session, user_id)
    _ensure_an_admin_remains(session, target, changes)
    if changes.role is not None and changes.role is not target.role:
        details: dict[str, Any] = {"from": target.role.value, "to": changes.role.value}
        target.role = changes.role
        record(session, "user.role_changed", actor, "user", target.id, address, details)
    if changes.is_active is not None and changes.is_active != target.is_active:
        target.is_active = changes.is_active
        if changes.is_active:
            record(session, "user.reactivated", actor, "user", target.id, address)
        else:
            revoked = tokens_repository.revoke_all_for_user(session, target.id, utcnow())
            details = {"sessions_revoked": revoked}
            record(session, "user.deactivated", actor, "user", target.id, address, details)
    session.flush()
    return target


def reset_password(
    session: Session, actor: User, user_id: int, new_password: str, address: str | None
) -> None:
    """An admin sets another user's password; their refresh tokens are revoked."""
    target = get_user(session, user_id)
    revoked = set_password(session, target, new_password, param="new_password")
    details: dict[str, Any] = {"sessions_revoked": revoked}
    record(session, "user.password_reset", actor, "user", target.id, address, details)
