"""Analysts' corrections of an article's labels, kept beside the model's output."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from preventia.db.base import Base, UTCDateTime, utcnow
from preventia.models.types import JSONDict


class LabelCorrection(Base):
    """One correction: which labels changed, from what to what, by whom and when."""

    __tablename__ = "label_corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    user_email: Mapped[str | None] = mapped_column(String(320))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    changes: Mapped[dict[str, Any]] = mapped_column(JSONDict)
