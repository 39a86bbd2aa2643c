"""Column types shared by the models."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Enum
from sqlalchemy.dialects.postgresql import JSONB

JSONDict = JSON().with_variant(JSONB(), "postgresql")


def str_enum(enum: type[StrEnum], length: int = 20) -> Enum:
    """A portable string column restricted to the enum's values (no native DB enum type)."""
    values: Any = lambda members: [m.value for m in members]  # noqa: E731
    return Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=values,
        validate_strings=True,
    )
