"""Password hashing (argon2id via pwdlib) and the password policy."""

from __future__ import annotations

from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024


class WeakPasswordError(ValueError):
    """The password does not meet the policy; the message says why."""


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    # OWASP minimum for argon2id: 19 MiB of memory, 2 iterations, 1 degree of parallelism.
    return PasswordHash((Argon2Hasher(memory_cost=19456, time_cost=2, parallelism=1),))


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def check_password_policy(password: str, *, email: str | None = None) -> None:
    """Raise WeakPasswordError when the password is too short, too long, common or the email."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPasswordError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPasswordError(f"the password must have at most {MAX_PASSWORD_LENGTH} characters")
    lowered = password.lower()
    if lowered in _common_passwords():
        raise WeakPasswordError("the password is in a list of common passwords")
    if len(set(password)) < 4:
        raise WeakPasswordError("the password repeats too few characters")
    if email and lowered in {email.lower(), email.split("@")[0].lower()}:
        raise WeakPasswordError("the password must not be the email address")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    return _hasher().verify(password, password_hash)
