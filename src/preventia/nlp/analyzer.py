"""The analyser: one object holding the detector and compiled vocabularies.

`get_analyzer()` builds it once per process (lazily, on first use); `analyze()`
is the function the JSONL command, the collection pipeline and re-analysis call.
"""

from __future__ import annotations

import logging
import threading
from functools import cache

from preventia.nlp.countries import CountryFinder
from preventia.nlp.keywords import EntityFinder, KeywordExtractor
from preventia.nlp.language import ANALYSED, DETECTABLE, LanguageDetector, LanguageResult
from preventia.nlp.relevance import RelevanceResult, RelevanceScorer
from preventia.nlp.schemas import AnalysisResult, Entity, Evidence
from preventia.nlp.text import PreparedText, prepare
from preventia.nlp.tone import ToneScorer
from preventia.nlp.topics import TopicScorer
from preventia.nlp.vocab import data_version

log = logging.getLogger(__name__)

#: Version of the analysis rules (bump when code changes what labels come out).
ANALYZER_VERSION = "1.1.0"
MIN_WORDS = 8
_LOCK = threading.Lock()


@cache
def model_versions() -> dict[str, str]:
    """Name -> version of every model and vocabulary behind a result (stamped on articles)."""
    return {
        "analyzer": ANALYZER_VERSION,
        "language": LanguageDetector.version(),
        "relevance": f"rules-1/vocab-{data_version('relevance.json')}",
        "topics": f"rules-1/vocab-{data_version('topics.json')}",
        "tone": f"rules-2/vocab-{data_version('tone.json')}",
        "countries": f"gazetteer-{data_version('countries.json')}",
        "entities": f"vocab-{data_version('entities.json')}",
        "keywords": f"rake-lite-1/stopwords-{data_version('stopwords.json')}",
    }


class Analyzer:
    """Pure analysis of one article: text in, `AnalysisResult` out."""

    def __init__(self) -> None:
        self.language = LanguageDetector()
        self.relevance = RelevanceScorer()
        self.topics = TopicScorer()
        self.tone = ToneScorer()
        self.countries = CountryFinder()
        self.entities = EntityFinder()
        self.keywords = KeywordExtractor()
        self.versions = dict(model_versions())

    def warm_up(self) -> None:
        self.language.warm_up()

    def analyze(
        self,
        title: str | None,
        text: str | None,
        *,
        url: str | None = None,
        language: str | None = None,
    ) -> AnalysisResult:
        """Analyse one article; never raises on bad input (see `reason`)."""
        try:
            return self._analyze(title, text, language)
        except Exception:  # a bug must not stop a batch: report it on the result
            log.exception("analysis failed for %s", url or "<no url>")
            return self._empty(None, "analysis_error", [])

    def _empty(self, language: str | None, reason: str, notes: list[str]) -> AnalysisResult:
        return AnalysisResult(
            language=language,
            relevance="none",
            model_versions=self.versions,
            reason=reason,
            notes=notes,
        )

    def _detect(self, doc: PreparedText, hint: str | None) -> LanguageResult:
        code = (hint or "").strip().lower()[:2]
        if code in DETECTABLE:
            return LanguageResult(code, 1.0)
        return self.language.detect(doc.full)

    def _analyze(self, title: str | None, text: str | None, hint: str | None) -> AnalysisResult:
        doc = prepare(
            title if isinstance(title, str) else None, text if isinstance(text, str) else None
        )
        notes = [
            n for n, flag in (("html_removed", doc.had_html), ("truncated", doc.truncated)) if flag
        ]
        words = doc.words_up_to(MIN_WORDS)
        if words == 0:
            return self._empty(None, "empty_text", notes)
        if words < MIN_WORDS:
            return self._empty(None, "too_short", notes)
        lang = self._detect(doc, hint)
        if lang.language is None:
            return self._empty(None, lang.reason or "unsupported_language", notes)
        if lang.language not in ANALYSED:
            return self._empty(lang.language, "unsupported_language", notes)
        return self._labels(doc, lang.language, notes)

    def _labels(self, doc: PreparedText, language: str, notes: list[str]) -> AnalysisResult:
        rel = self.relevance.score(doc)
        relevant = rel.label != "none"
        topics = self.topics.score(doc, rel.bc_sentence_ids) if relevant else None
        tone = self.tone.score(doc, rel.bc_sentence_ids)
        countries = self.countries.find(doc)
        evidence = Evidence(
            language=language,
            relevance=rel.features.terms[:12],
            relevance_sentences=_sentences(doc, rel),
            relevance_features=_numeric(rel),
            topics=topics.evidence if topics else {},
            topic_scores=topics.scores if topics else {},
            tone_positive=tone.positive,
            tone_negative=tone.negative,
            countries={c: countries.evidence[c] for c in countries.countries},
        )
        return AnalysisResult(
            language=language,
            relevance=rel.label,
            topics=topics.topics if topics else [],
            primary_topic=topics.primary if topics else None,
            tone=tone.tone,
            tone_score=tone.score,
            countries=countries.countries,
            keywords=self.keywords.extract(doc, language),
            entities=[Entity(type=e.type, value=e.value) for e in self.entities.find(doc)],
            evidence=evidence,
            model_versions=self.versions,
            notes=notes,
        )


def _sentences(doc: PreparedText, rel: RelevanceResult, limit: int = 3) -> list[str]:
    return [doc.sentences[i][:300] for i in rel.bc_sentence_ids[:limit]]


def _numeric(rel: RelevanceResult) -> dict[str, float]:
    f = rel.features
    return {
        "title": float(f.in_title),
        "lead": float(f.in_lead),
        "mentions": float(f.core_mentions + f.specific_mentions),
        "share": round(f.share, 3),
        "other_cancers": float(f.other_cancer_mentions),
        "other_health": float(f.other_health_mentions),
    }


_ANALYZER: Analyzer | None = None


def get_analyzer() -> Analyzer:
    """The process-wide analyser, built (and warmed up) on first use."""
    global _ANALYZER
    if _ANALYZER is None:
        with _LOCK:
            if _ANALYZER is None:
                analyzer = Analyzer()
                analyzer.warm_up()
                _ANALYZER = analyzer
    return _ANALYZER


def analyze(
    title: str | None,
    text: str | None,
    *,
    url: str | None = None,
    language: str | None = None,
) -> AnalysisResult:
    """Analyse one article with the shared analyser (see `Analyzer.analyze`)."""
    return get_analyzer().analyze(title, text, url=url, language=language)
