"""``GET /audit`` (admin): the audit log with filters and cursor pagination."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from preventia.api.deps import db_session
from preventia.audit import service
from preventia.audit.schemas import AuditFilters, AuditPage
from preventia.auth.dependencies import Admin

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", response_model=AuditPage, summary="Read the audit log (admin)")
def list_audit(
    _admin: Admin,
    session: Annotated[Session, Depends(db_session, scope="function")],
    filters: Annotated[AuditFilters, Query()],
) -> AuditPage:
    """Newest first. Filter by action (exact, or a prefix ending in `*`), actor, object and a
    date range; follow `next_cursor` for older entries."""
    return service.list_entries(session, filters)
