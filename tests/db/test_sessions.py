"""Read sessions see one snapshot per transaction; write sessions keep the default."""

from __future__ import annotations

from sqlalchemy import text

from preventia.db import build_database, transaction
from preventia.settings import Settings


def test_postgres_read_sessions_are_repeatable_read(postgres_url: str) -> None:
    database = build_database(Settings(database_url=postgres_url))
    try:
        with transaction(database.read_sessions) as session:
            level = session.execute(text("SHOW transaction_isolation")).scalar_one()
            assert level == "repeatable read"
        with transaction(database.sessions) as session:
            level = session.execute(text("SHOW transaction_isolation")).scalar_one()
            assert level == "read committed"
        # The pool hands the same connections to both: the level does not leak across.
        with transaction(database.read_sessions) as session:
            assert session.execute(text("SHOW transaction_isolation")).scalar_one() == (
                "repeatable read"
            )
    finally:
        database.dispose()


def test_a_postgres_read_transaction_does_not_see_commits_made_during_it(
    postgres_url: str,
) -> None:
    database = build_database(Settings(database_url=postgres_url))
    try:
        with transaction(database.sessions) as session:
            session.execute(text("CREATE TABLE IF NOT EXISTS snapshot_probe (n int)"))
            session.execute(text("DELETE FROM snapshot_probe"))
        with transaction(database.read_sessions) as reader:
            before = reader.execute(text("SELECT count(*) FROM snapshot_probe")).scalar_one()
            with transaction(database.sessions) as writer:
                writer.execute(text("INSERT INTO snapshot_probe VALUES (1)"))
            after = reader.execute(text("SELECT count(*) FROM snapshot_probe")).scalar_one()
            assert before == after == 0
        with transaction(database.sessions) as session:
            assert session.execute(text("SELECT count(*) FROM snapshot_probe")).scalar_one() == 1
            session.execute(text("DROP TABLE snapshot_probe"))
    finally:
        database.dispose()
