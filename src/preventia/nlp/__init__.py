"""Pure analysis of breast-cancer news: text in, labels and evidence out.

Public API::

    from preventia.nlp import analyze
    result = analyze(title, text, url=url, language=None)
    result.to_jsonl_dict(article_id)

Nothing heavy happens at import: the language detector and vocabularies are
built on the first call (`get_analyzer()`), once per process.
"""

from __future__ import annotations

from typing import Any

from preventia.nlp.analyzer import ANALYZER_VERSION, Analyzer, analyze, get_analyzer, model_versions
from preventia.nlp.schemas import AnalysisResult, Entity, Evidence

__all__ = [
    "ANALYZER_VERSION",
    "ANALYZER_VERSIONS",
    "AnalysisResult",
    "Analyzer",
    "Entity",
    "Evidence",
    "analyze",
    "get_analyzer",
    "model_versions",
]


def __getattr__(name: str) -> Any:
    # ANALYZER_VERSIONS is computed on first access (reads the data files' versions).
    if name == "ANALYZER_VERSIONS":
        return model_versions()
    raise AttributeError(name)
