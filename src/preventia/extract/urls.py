"""URL normalisation shared by extraction, discovery and deduplication.

One normal form per article URL: lower-case scheme and host, default port dropped, dot
segments resolved, tracking parameters (``utm_*``, ``fbclid``, ``gclid`` …) removed by
courlan, remaining query parameters sorted, fragment dropped (except ``#!`` routes).
"""

from __future__ import annotations

import hashlib
from urllib.parse import urljoin, urlsplit, urlunsplit

from courlan import normalize_url as _courlan_normalize

HTTP_SCHEMES = frozenset({"http", "https"})


def is_http_url(url: str) -> bool:
    """True for an absolute ``http``/``https`` URL with a host."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in HTTP_SCHEMES and bool(parts.hostname)


def normalize_url(url: str, base_url: str | None = None) -> str | None:
    """Return the normal form of ``url`` (resolved against ``base_url``), or None.

    None means the URL is not an absolute http(s) URL or cannot be parsed.
    """
    candidate = url.strip()
    if not candidate:
        return None
    try:
        if base_url:
            candidate = urljoin(base_url.strip(), candidate)
        if not is_http_url(candidate):
            return None
        parts = urlsplit(candidate)
        # urljoin against the site root resolves "." and ".." segments of the path.
        path = urlsplit(urljoin(f"{parts.scheme}://{parts.netloc}/", parts.path or "/")).path
        fragment = parts.fragment if parts.fragment.startswith("!") else ""
        rebuilt = urlunsplit((parts.scheme, parts.netloc, path, parts.query, fragment))
        normalized: str = _courlan_normalize(rebuilt)
    except ValueError:
        return None
    return normalized if is_http_url(normalized) else None


def url_hash(url: str) -> str:
    """SHA-256 (hex) of the normal form of ``url`` (of ``url`` itself if it has none)."""
    key = normalize_url(url) or url.strip()
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def same_site(url: str, other: str) -> bool:
    """True when both URLs share a host, ignoring a leading ``www.``."""
    return _site_key(url) == _site_key(other) != ""


def _site_key(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    host = host.lower().rstrip(".")
    return host.removeprefix("www.")


def is_ancestor_path(candidate: str, url: str) -> bool:
    """True when ``candidate`` is a strict ancestor (section/home page) of ``url``.

    A canonical link pointing to an ancestor of the page (``/`` or ``/es/`` for
    ``/es/2019/08/06/article.html``) is a site-template mistake, not a canonical.
    """
    try:
        cand, page = urlsplit(candidate), urlsplit(url)
    except ValueError:
        return False
    if _site_key(candidate) != _site_key(url) or cand.query:
        return False
    cand_path = cand.path.rstrip("/") + "/"
    page_path = page.path.rstrip("/") + "/"
    return page_path != cand_path and page_path.startswith(cand_path)
