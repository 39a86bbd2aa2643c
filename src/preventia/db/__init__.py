"""Database access: engines, sessions, the declarative base and migrations."""

from preventia.db.base import Base, UTCDateTime, utcnow
from preventia.db.engine import Database, build_database, make_engine, ping, transaction

__all__ = [
    "Base",
    "Database",
    "UTCDateTime",
    "build_database",
    "make_engine",
    "ping",
    "transaction",
    "utcnow",
]
