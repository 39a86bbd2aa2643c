"""Benchmark of `preventia.nlp.analyze`: start-up, median ms per ~700-word article, peak RSS.

Usage: .venv/bin/python bench/bench_analyze.py [--gold PATH] [--rounds N]
Targets (issue 4): median <= 10 ms per 700-word article on one core after start-up,
<= 500 MB resident, start-up (vocabularies + detector) <= 3 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path


def _articles(gold: Path) -> list[tuple[str, str]]:
    """~700-word articles: dev texts cut or repeated to 650-750 words."""
    rows = [json.loads(x) for x in gold.read_text(encoding="utf-8").splitlines() if x.strip()]
    out = []
    for row in rows:
        words = (row["text"] or "").split()
        while words and len(words) < 700:
            words = words + words
        out.append((row.get("title") or "", " ".join(words[:700])))
    return out


def main() -> int:
    default = Path(os.environ.get("PREVENTIA_SHARED_DIR", "../shared")) / "data/gold/dev.jsonl"
    parser = argparse.ArgumentParser()
    parser.add_argument("--gold", type=Path, default=default)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    start = time.perf_counter()
    from preventia.nlp import get_analyzer

    analyzer = get_analyzer()
    startup = time.perf_counter() - start
    articles = _articles(args.gold)
    timings = []
    for _ in range(args.rounds):
        for title, text in articles:
            t0 = time.perf_counter()
            analyzer.analyze(title, text)
            timings.append((time.perf_counter() - t0) * 1000)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    timings.sort()
    report = {
        "articles": len(articles),
        "runs": len(timings),
        "startup_s": round(startup, 2),
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
        "peak_rss_mb": round(rss_mb, 1),
    }
    print(json.dumps(report, indent=2))
    ok = report["median_ms"] <= 10 and rss_mb <= 500 and startup <= 3
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
