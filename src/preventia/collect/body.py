"""Reading a response body within limits, and decoding it to text.

The body is read raw (as sent on the wire) and decompressed here, not by httpx:
httpx's decoders inflate a whole network chunk at once, and 64 KiB of gzip can inflate
to 64 MiB. Here every ``decompress`` call is bounded by the remaining budget, so a
decompression bomb is detected after allocating at most the budget.
"""

from __future__ import annotations

import codecs
import re
import zlib

import httpx

SUPPORTED_ENCODINGS = ("gzip", "x-gzip", "deflate", "identity")
ACCEPT_ENCODING = "gzip, deflate"


class BodyTooLargeError(Exception):
    """More bytes on the wire than allowed."""


class DecompressionBombError(Exception):
    """The body inflates beyond the decompressed-size cap."""


class UnsupportedEncodingError(Exception):
    """A Content-Encoding we did not ask for and cannot decode."""


class _Inflater:
    """One zlib stream (gzip or deflate), inflated with bounded output."""

    def __init__(self, coding: str) -> None:
        self._coding = coding
        self._zlib: zlib._Decompress | None = None

    def _start(self, first: bytes) -> zlib._Decompress:
        if self._coding != "deflate":
            return zlib.decompressobj(16 + 15)  # gzip
        # deflate is zlib-wrapped per the RFC, but raw deflate is common in practice
        return zlib.decompressobj(15 if first[:1] == b"\x78" else -15)

    def feed(self, data: bytes, budget: int) -> bytes:
        if not data:
            return b""
        if self._zlib is None:
            self._zlib = self._start(data)
        try:
            out = self._zlib.decompress(data, budget + 1)
        except zlib.error as exc:
            raise UnsupportedEncodingError(f"corrupt {self._coding} body: {exc}") from exc
        if len(out) > budget or self._zlib.unconsumed_tail:
            raise DecompressionBombError(f"body inflates beyond {budget} more bytes")
        return out


def _content_codings(response: httpx.Response) -> list[str]:
    header = response.headers.get("content-encoding", "")
    codings = [c.strip().lower() for c in header.split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    for coding in codings:
        if coding not in SUPPORTED_ENCODINGS:
            raise UnsupportedEncodingError(f"unsupported Content-Encoding {coding!r}")
    if len(codings) > 1:
        raise UnsupportedEncodingError(f"stacked Content-Encoding {header!r}")
    return codings


async def read_limited(
    response: httpx.Response, *, max_wire: int, max_decoded: int, truncate: bool = False
) -> bytes:
    """Read and decompress the body of a streamed response within both limits.

    Raises :class:`BodyTooLargeError` when more than ``max_wire`` bytes arrive (or, with
    ``truncate``, returns the first bytes instead), :class:`DecompressionBombError` when
    the decompressed body would exceed ``max_decoded``.
    """
    codings = _content_codings(response)
    inflater = _Inflater(codings[0]) if codings else None
    received = 0
    body = bytearray()
    async for chunk in response.aiter_raw():
        received += len(chunk)
        if received > max_wire:
            if not truncate:
                raise BodyTooLargeError(f"more than {max_wire} bytes")
            chunk = chunk[: len(chunk) - (received - max_wire)]
        if inflater is None:
            body += chunk
        else:
            body += inflater.feed(chunk, max_decoded - len(body))
        if received >= max_wire and truncate:
            break
    if inflater is None and len(body) > max_decoded:
        raise DecompressionBombError(f"body beyond {max_decoded} bytes")
    return bytes(body)


# --- charset ----------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)["']""")
# WHATWG Encoding: these labels mean windows-1252 on the web.
_WEB_ALIASES = {"iso8859-1": "cp1252", "ascii": "cp1252", "latin-1": "cp1252"}


def charset_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def _normalise(label: str | bytes | None) -> str | None:
    if label is None:
        return None
    text = label.decode("ascii", "replace") if isinstance(label, bytes) else label
    try:
        name = codecs.lookup(text.strip()).name
    except LookupError:
        return None
    return _WEB_ALIASES.get(name, name)


def _declared_in_document(body: bytes) -> str | None:
    head = body[:4096]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    name = _normalise(match.group(1)) if match else None
    return None if name in (None, "utf-16", "utf-16-le", "utf-16-be") else name


def decode_text(body: bytes, content_type: str | None) -> tuple[str, str]:
    """Decode a body: BOM, then the HTTP charset, then the document's own declaration
    (``<?xml encoding>`` / ``<meta charset>``), then UTF-8, then windows-1252.

    Returns ``(text, encoding used)``; never raises (undecodable bytes are replaced).
    """
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body.decode(name, errors="replace").lstrip("\ufeff"), name
    candidates = [
        _normalise(charset_from_content_type(content_type)),
        _declared_in_document(body),
        "utf-8",
    ]
    for candidate in candidates:
        if candidate is None:
            continue
        try:
            return body.decode(candidate), candidate
        except UnicodeDecodeError:
            continue
    declared = [c for c in candidates if c is not None and c != "utf-8"]
    fallback = declared[0] if declared else "cp1252"
    return body.decode(fallback, errors="replace"), fallback
