"""Extraction quality gate: score :func:`extract_article` against a set of gold pages.

A page set is a directory of ``<name>/source.html`` + ``expected.html`` (the gold article
content; tags are stripped) + optional ``expected-metadata.json`` (``title``, ``lang``,
``publishedTime``), the layout of Mozilla Readability's test pages. Text is scored by
token overlap (bag of words; CJK characters count one token each); the gate compares the
macro averages with floors pinned in ``quality_floors.json``.
"""

from __future__ import annotations

import json
import os
import re
import time
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import lxml.html

from preventia.extract.article import extract_article
from preventia.extract.dates import parse_datetime

FLOORS_FILE = Path(__file__).with_name("quality_floors.json")
TITLE_MATCH_F1 = 0.8
_TOKEN_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]|[^\W_]+")


@dataclass(frozen=True)
class Overlap:
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class PageScore:
    name: str
    text: Overlap
    title_exact: bool
    title_match: bool
    date_ok: bool | None  # None: no gold date for this page
    language_ok: bool | None  # None: no gold language for this page


@dataclass(frozen=True)
class EvaluationReport:
    pages: list[PageScore]
    metrics: dict[str, float]
    seconds: float
    failures: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens; each CJK character is a token."""
    return _TOKEN_RE.findall(unicodedata.normalize("NFKC", text).casefold())


def overlap(predicted: str, gold: str) -> Overlap:
    """Token-level precision, recall and F1 of ``predicted`` against ``gold``."""
    pred, ref = Counter(tokens(predicted)), Counter(tokens(gold))
    common = sum((pred & ref).values())
    if not common:
        return Overlap(0.0, 0.0, 0.0)
    precision, recall = common / sum(pred.values()), common / sum(ref.values())
    return Overlap(precision, recall, 2 * precision * recall / (precision + recall))


def html_text(markup: str) -> str:
    """Text content of an HTML fragment (block boundaries become spaces)."""
    if not markup.strip():
        return ""
    root = lxml.html.fromstring(markup)
    for element in root.iter():
        if element.tail is None:
            element.tail = " "
        else:
            element.tail = " " + element.tail
    return " ".join(root.text_content().split())


def score_page(page_dir: Path) -> PageScore:
    """Extract ``page_dir/source.html`` and score it against the gold files."""
    meta = _read_metadata(page_dir)
    gold = html_text((page_dir / "expected.html").read_text(encoding="utf-8"))
    url = f"https://gold.invalid/{page_dir.name}/"
    article = extract_article((page_dir / "source.html").read_bytes(), url)
    gold_title = _normal(str(meta.get("title") or ""))
    title = _normal(article.title or "")
    return PageScore(
        name=page_dir.name,
        text=overlap(article.text, gold),
        title_exact=bool(gold_title) and title == gold_title,
        title_match=bool(gold_title) and overlap(title, gold_title).f1 >= TITLE_MATCH_F1,
        date_ok=_date_ok(meta.get("publishedTime"), article.published),
        language_ok=_language_ok(meta.get("lang"), article.language),
    )


def _read_metadata(page_dir: Path) -> dict[str, object]:
    path = page_dir / "expected-metadata.json"
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _date_ok(gold: object, published: object) -> bool | None:
    expected = parse_datetime(gold)
    if expected is None:
        return None
    return published is not None and parse_datetime(published) == expected


def _language_ok(gold: object, language: str | None) -> bool | None:
    if not isinstance(gold, str) or not gold.strip():
        return None
    return language == gold.strip().lower()[:2]


def evaluate(pages_dir: Path, floors: dict[str, float] | None = None) -> EvaluationReport:
    """Score every page under ``pages_dir``; ``failures`` lists metrics below ``floors``."""
    started = time.perf_counter()
    dirs = sorted(p for p in pages_dir.iterdir() if (p / "source.html").is_file())
    if not dirs:
        raise FileNotFoundError(f"no <name>/source.html pages under {pages_dir}")
    pages = [score_page(page) for page in dirs]
    metrics = summarise(pages)
    failures = [
        f"{name} {metrics.get(name, 0.0):.4f} < floor {floor:.4f}"
        for name, floor in sorted((floors or {}).items())
        if metrics.get(name, 0.0) < floor
    ]
    return EvaluationReport(pages, metrics, time.perf_counter() - started, failures)


def summarise(pages: list[PageScore]) -> dict[str, float]:
    """Macro averages over pages; date/language only over pages with a gold value."""
    count = len(pages)
    dated = [p.date_ok for p in pages if p.date_ok is not None]
    languages = [p.language_ok for p in pages if p.language_ok is not None]
    return {
        "precision": sum(p.text.precision for p in pages) / count,
        "recall": sum(p.text.recall for p in pages) / count,
        "f1": sum(p.text.f1 for p in pages) / count,
        "title_exact": sum(p.title_exact for p in pages) / count,
        "title_accuracy": sum(p.title_match for p in pages) / count,
        "date_accuracy": sum(dated) / len(dated) if dated else 0.0,
        "language_accuracy": sum(languages) / len(languages) if languages else 0.0,
    }


def load_floors(path: Path = FLOORS_FILE) -> dict[str, float]:
    """Metric floors from a JSON object ``{"floors": {"f1": 0.93, ...}}``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {str(k): float(v) for k, v in data["floors"].items()}


def default_pages_dir() -> Path:
    """``$PREVENTIA_SHARED_DIR/data/pages/pages``, else ``../shared`` next to the checkout."""
    shared = os.environ.get("PREVENTIA_SHARED_DIR")
    base = Path(shared) if shared else Path.cwd().parent / "shared"
    return base / "data" / "pages" / "pages"


def run_quality_gate(
    pages_dir: Path | None = None, floors_path: Path = FLOORS_FILE
) -> EvaluationReport:
    """Evaluate the page set against the pinned floors (``report.exit_code`` is 0 or 1)."""
    return evaluate(pages_dir or default_pages_dir(), load_floors(floors_path))
