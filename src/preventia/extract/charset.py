"""Decode HTML/XML bytes to text: BOM, then valid UTF-8, then the declared charset, then detection.

Valid UTF-8 wins over a declaration because pages that declare ISO-8859-1 while sending
UTF-8 are common, while non-ASCII Latin-1 text that happens to be valid UTF-8 is not.
Labels are mapped the way browsers do (WHATWG): ``iso-8859-1``/``ascii`` mean
windows-1252, ``gb2312``/``gbk`` mean gb18030.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_SNIFF_BYTES = 4096
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECLARATION_RES = (
    re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9._:\-]+)", re.IGNORECASE),
    re.compile(rb"<\?xml[^>]+encoding\s*=\s*[\"']([A-Za-z0-9._:\-]+)", re.IGNORECASE),
)
_WHATWG_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "x-sjis": "cp932",
    "euc-kr": "cp949",
    "tis-620": "cp874",
}


def declared_charset(data: bytes) -> str | None:
    """The Python codec named by a meta/XML declaration in the first bytes, if valid."""
    head = data[:_SNIFF_BYTES]
    for pattern in _DECLARATION_RES:
        match = pattern.search(head)
        if match:
            codec = _codec_name(match.group(1).decode("ascii", "ignore"))
            if codec:
                return codec
    return None


def _codec_name(label: str) -> str | None:
    label = label.strip().lower()
    label = _WHATWG_ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A document cannot really be UTF-16/32 if its declaration was readable as ASCII.
    return "utf-8" if name.startswith(("utf-16", "utf-32")) else name


def detect_encoding(data: bytes) -> str:
    """Best Python codec name for ``data`` (never fails; falls back to windows-1252)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    declared = declared_charset(data)
    if declared == "utf-8" and _mostly_utf8(data):
        return "utf-8"
    if declared and declared != "utf-8":
        return declared
    best = from_bytes(data[:262_144]).best()
    if best is not None and best.encoding:
        return _codec_name(best.encoding) or "cp1252"
    return "cp1252"


def _mostly_utf8(data: bytes) -> bool:
    """True when a few stray bytes spoil otherwise valid UTF-8."""
    text = data.decode("utf-8", errors="replace")
    non_ascii = sum(1 for char in text if ord(char) > 127)
    return text.count("\ufffd") <= max(1, non_ascii // 20)


def decode_bytes(data: bytes) -> str:
    """Decode ``data`` with :func:`detect_encoding`, replacing undecodable bytes."""
    encoding = detect_encoding(data)
    text = data.decode(encoding, errors="replace")
    return text.removeprefix("\ufeff")
