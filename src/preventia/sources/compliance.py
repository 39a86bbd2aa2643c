"""The compliance check of a source: may our user agent fetch its URL, and how slowly?"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from protego import Protego

from preventia.collect.fetch import Fetcher
from preventia.collect.robots import RobotsPolicy
from preventia.collect.robots import RobotsStatus as FetchRobotsStatus
from preventia.db.base import utcnow
from preventia.models import RobotsStatus, Source

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ComplianceCheck:
    url: str
    allowed: bool
    robots_status: RobotsStatus
    crawl_delay: float | None
    rule: str | None  # the robots.txt rule that decided, when one did
    detail: str
    checked_at: datetime


def _path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def explain_rule(parser: Protego, url: str, token: str) -> str | None:
    """The most specific matching ``Allow``/``Disallow`` line for ``token`` (best effort:
    protego decides, this only names the line for the user)."""
    try:
        parser.can_fetch(url, token)
        ruleset = parser._matched_rule_set.get(token)  # no public accessor
        rules = list(ruleset._rules) if ruleset is not None else []
        matching = [r for r in rules if r.value.match(_path(url))]
    except Exception:  # internals changed: fall back to a rule-less message
        return None
    if not matching:
        return None
    best = max(matching, key=lambda r: len(r.value._pattern))
    return f"{best.field.capitalize()}: {best.value._pattern}"


def _status(policy: RobotsPolicy, allowed: bool) -> RobotsStatus:
    if policy.status is FetchRobotsStatus.UNREACHABLE:
        return RobotsStatus.UNREACHABLE
    return RobotsStatus.ALLOWED if allowed else RobotsStatus.DISALLOWED


async def check_compliance(fetcher: Fetcher, url: str) -> ComplianceCheck:
    """Fetch (or reuse) robots.txt for ``url`` and say whether we may fetch it."""
    allowed, policy = await fetcher.allowed_by_robots(url)
    status = _status(policy, allowed)
    rule = None
    if policy.parser is not None and not allowed:
        rule = explain_rule(policy.parser, url, fetcher.token)
    if status is RobotsStatus.UNREACHABLE:
        detail = f"robots.txt of {policy.origin} could not be read (HTTP {policy.http_status}); "
        detail += "RFC 9309 says to fetch nothing until it can"
    elif not allowed:
        detail = f"robots.txt of {policy.origin} disallows {_path(url)} for {fetcher.token}"
        detail += f" (rule '{rule}')" if rule else ""
    else:
        detail = f"robots.txt of {policy.origin} allows {_path(url)} for {fetcher.token}"
    return ComplianceCheck(
        url=url,
        allowed=allowed,
        robots_status=status,
        crawl_delay=policy.crawl_delay(fetcher.token),
        rule=rule,
        detail=detail,
        checked_at=utcnow(),
    )


def apply_compliance(source: Source, check: ComplianceCheck) -> None:
    source.robots_status = check.robots_status
    source.robots_rule = check.rule
    source.robots_checked_at = check.checked_at
    source.crawl_delay_seconds = check.crawl_delay
