"""Result types of the analysis (pydantic, frozen)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Relevance = Literal["primary", "partial", "none"]
Tone = Literal["positive", "neutral", "negative"]

#: Keys of one output line of `preventia analyze --jsonl` (architecture.md contract).
CONTRACT_KEYS = (
    "id",
    "language",
    "relevance",
    "topics",
    "primary_topic",
    "tone",
    "tone_score",
    "countries",
    "keywords",
    "model_versions",
)


class Entity(BaseModel):
    """A named thing found in the text (biomarker, gene, drug, procedure, identifier)."""

    model_config = ConfigDict(frozen=True)

    type: str
    value: str


class Evidence(BaseModel):
    """Why each label was given: the terms and sentences that produced it."""

    model_config = ConfigDict(frozen=True)

    language: str | None = None
    relevance: list[str] = Field(default_factory=list)
    relevance_sentences: list[str] = Field(default_factory=list)
    relevance_features: dict[str, float] = Field(default_factory=dict)
    topics: dict[str, list[str]] = Field(default_factory=dict)
    topic_scores: dict[str, float] = Field(default_factory=dict)
    tone_positive: list[str] = Field(default_factory=list)
    tone_negative: list[str] = Field(default_factory=list)
    countries: dict[str, list[str]] = Field(default_factory=dict)


class AnalysisResult(BaseModel):
    """Everything the platform says about one article.

    For `relevance == "none"` the topics are empty and `primary_topic` is null (the
    scheme gives topics only to relevant articles); tone, countries, keywords and
    entities are still computed.  When the text cannot be analysed at all (empty,
    too short, unsupported language) `reason` says why, `tone` is null and
    `tone_score` 0.
    """

    model_config = ConfigDict(frozen=True)

    language: str | None
    relevance: Relevance
    topics: list[str] = Field(default_factory=list)
    primary_topic: str | None = None
    tone: Tone | None = None
    tone_score: float = Field(default=0.0, ge=-1.0, le=1.0)
    countries: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    evidence: Evidence = Field(default_factory=Evidence)
    model_versions: dict[str, str] = Field(default_factory=dict)
    reason: str | None = None
    notes: list[str] = Field(default_factory=list)

    def to_jsonl_dict(self, article_id: Any, *, extras: bool = True) -> dict[str, Any]:
        """One output line of the JSONL contract (plus entities/evidence/reason if `extras`)."""
        data = self.model_dump(mode="json")
        line: dict[str, Any] = {"id": article_id}
        line.update({k: data[k] for k in CONTRACT_KEYS if k != "id"})
        if extras:
            line.update(entities=data["entities"], evidence=data["evidence"], reason=self.reason)
        return line
