"""Evaluation of the analysis against the gold sets, and the floors CI holds it to.

Sets: `dev.jsonl` (English gold), `dev_es.jsonl` (Spanish gold) and, for
relevance negatives, the Spanish news CSVs (`es_news/`, general news: the share
predicted relevant must stay tiny).  Metrics are named `<set>.<metric>`, with
`all` the two gold sets pooled.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from preventia.nlp.analyzer import Analyzer, get_analyzer
from preventia.nlp.schemas import AnalysisResult
from preventia.nlp.vocab import load_data

FLOORS_FILE = "floors.json"
TONES = ("positive", "neutral", "negative")
RELEVANCE = ("primary", "partial", "none")


def shared_data_dir() -> Path:
    """`$PREVENTIA_SHARED_DIR/data`, else `../shared/data` from the current directory."""
    env = os.environ.get("PREVENTIA_SHARED_DIR")
    return Path(env) / "data" if env else Path.cwd().parent / "shared" / "data"


@dataclass(frozen=True)
class EvalPaths:
    gold_en: Path | None
    gold_es: Path | None
    es_news: Path | None

    @classmethod
    def default(cls) -> EvalPaths:
        base = shared_data_dir()
        return cls(base / "gold" / "dev.jsonl", base / "gold" / "dev_es.jsonl", base / "es_news")


@dataclass
class Report:
    metrics: dict[str, float] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def load_gold(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _class_f1(pairs: Sequence[tuple[str | None, str | None]], label: str) -> float:
    tp = sum(1 for g, p in pairs if g == label and p == label)
    fp = sum(1 for g, p in pairs if g != label and p == label)
    fn = sum(1 for g, p in pairs if g == label and p != label)
    return _prf(tp, fp, fn)[2]


def _set_prf(golds: list[set[str]], preds: list[set[str]]) -> tuple[float, float, float]:
    tp = sum(len(g & p) for g, p in zip(golds, preds, strict=True))
    fp = sum(len(p - g) for g, p in zip(golds, preds, strict=True))
    fn = sum(len(g - p) for g, p in zip(golds, preds, strict=True))
    return _prf(tp, fp, fn)


def score_pairs(gold: list[dict[str, Any]], pred: list[AnalysisResult]) -> dict[str, float]:
    """Per-field metrics for one set of gold labels and predictions."""
    m: dict[str, float] = {}
    rel = [(g["relevance"], p.relevance) for g, p in zip(gold, pred, strict=True)]
    binary = [(g != "none", p != "none") for g, p in rel]
    tp = sum(1 for g, p in binary if g and p)
    fp = sum(1 for g, p in binary if p and not g)
    fn = sum(1 for g, p in binary if g and not p)
    m["relevance_precision"], m["relevance_recall"], m["relevance_f1"] = _prf(tp, fp, fn)
    for label in (lab for lab in RELEVANCE if any(lab in pair for pair in rel)):
        m[f"relevance_f1_{label}"] = _class_f1([(g, p) for g, p in rel], label)
    with_topic = [(g, p) for g, p in zip(gold, pred, strict=True) if g.get("primary_topic")]
    if with_topic:
        hits = sum(1 for g, p in with_topic if g["primary_topic"] == p.primary_topic)
        m["primary_topic_accuracy"] = hits / len(with_topic)
    m["topics_micro_f1"] = _set_prf(
        [set(g.get("topics") or []) for g in gold], [set(p.topics) for p in pred]
    )[2]
    tones = [(g.get("tone"), p.tone) for g, p in zip(gold, pred, strict=True)]
    m["tone_accuracy"] = sum(1 for g, p in tones if g == p) / len(tones)
    present = [t for t in TONES if any(g == t for g, _ in tones)]
    m["tone_macro_f1"] = sum(_class_f1(tones, t) for t in present) / max(len(present), 1)
    cp, cr, cf = _set_prf(
        [set(g.get("countries") or []) for g in gold], [set(p.countries) for p in pred]
    )
    m["countries_precision"], m["countries_recall"], m["countries_f1"] = cp, cr, cf
    langs = [(g.get("language"), p.language) for g, p in zip(gold, pred, strict=True)]
    m["language_accuracy"] = sum(1 for g, p in langs if g == p) / len(langs)
    return {k: round(v, 4) for k, v in m.items()}


def _analyze_rows(analyzer: Analyzer, rows: Iterable[dict[str, Any]]) -> list[AnalysisResult]:
    return [analyzer.analyze(r.get("title"), r.get("text"), url=r.get("url")) for r in rows]


def iter_es_news(folder: Path) -> Iterable[tuple[str, str]]:
    """(headline, text) of every row of the Spanish news CSVs (columns 5 and 6)."""
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader, None)
            for row in reader:
                if len(row) >= 6:
                    yield row[4], row[5]


def evaluate(paths: EvalPaths, analyzer: Analyzer | None = None) -> dict[str, float]:
    """Run the analysis over every available set and return all metrics."""
    engine = analyzer or get_analyzer()
    metrics: dict[str, float] = {}
    gold_all: list[dict[str, Any]] = []
    pred_all: list[AnalysisResult] = []
    for name, path in (("en", paths.gold_en), ("es", paths.gold_es)):
        if path is None or not path.exists():
            continue
        rows = load_gold(path)
        preds = _analyze_rows(engine, rows)
        gold = [r["gold"] for r in rows]
        metrics.update({f"{name}.{k}": v for k, v in score_pairs(gold, preds).items()})
        metrics[f"{name}.n"] = float(len(rows))
        gold_all += gold
        pred_all += preds
    if gold_all:
        metrics.update({f"all.{k}": v for k, v in score_pairs(gold_all, pred_all).items()})
    if paths.es_news is not None and paths.es_news.is_dir():
        labels = [engine.analyze(h, t).relevance for h, t in iter_es_news(paths.es_news)]
        if labels:
            metrics["es_news.n"] = float(len(labels))
            metrics["es_news.relevant_rate"] = round(
                sum(1 for lab in labels if lab != "none") / len(labels), 4
            )
    return metrics


def check_floors(metrics: dict[str, float], limits: dict[str, Any] | None = None) -> Report:
    """Compare with the pinned floors (minimums) and ceilings (maximums)."""
    limits = limits or load_data(FLOORS_FILE)
    report = Report(metrics=metrics)
    for key, floor in limits.get("floors", {}).items():
        if key in metrics and metrics[key] < floor:
            report.failures.append(f"{key} = {metrics[key]:.4f} < floor {floor}")
    for key, ceiling in limits.get("ceilings", {}).items():
        if key in metrics and metrics[key] > ceiling:
            report.failures.append(f"{key} = {metrics[key]:.4f} > ceiling {ceiling}")
    return report


def format_report(report: Report) -> str:
    lines = [f"{key:<40} {value:.4f}" for key, value in sorted(report.metrics.items())]
    lines.append("")
    lines += [f"FAIL {f}" for f in report.failures] or ["all floors hold"]
    return "\n".join(lines)


def main() -> int:  # pragma: no cover - convenience entry point
    report = check_floors(evaluate(EvalPaths.default()))
    print(format_report(report))
    return 0 if report.passed else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
