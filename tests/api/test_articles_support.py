# ruff: noqa: E501  (the corpus table reads best one article per line)
"""Shared fixtures of the article, search and analytics tests: a hand-made corpus.

Not a test module (it holds no tests); the figures in the analytics tests are computed by
hand from the table below. Ten articles in three sources:

id  source  lang  published         status        rel      tone   score topics (primary first)      countries
A1  S1 ES   es    2024-10-01 08:00  stored        primary  pos    0.6   screening, research         ES
A2  S2 GB   en    2024-10-01 12:00  stored        primary  neg   -0.5   prevention                  GB
A3  S3 US   en    2024-10-02 09:00  stored        partial  neu    0.0   treatment, policy_access    US
A4  S3 US   en    2024-10-08 10:00  stored        primary  pos    0.7   treatment, research         US GB
A5  S2 GB   en    2024-10-08 10:00  duplicate A4  primary  pos    0.7   treatment, research         US GB
A6  S1 ES   es    2024-11-03 07:00  stored        primary  neg   -0.4   policy_access               MX
A7  S1 ES   es    2024-11-04 07:00  stored        primary  neu    None  awareness                   -
A8  S2 GB   en    None              stored        partial  neg   -0.3   genetics                    GB
A9  S3 US   en    2024-10-02        not_relevant  none     -      -     -                           -
A10 S3 US   en    2024-10-03        failed        -        -      -     -                           -
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from preventia.api.app import create_app
from preventia.api.ratelimit import RateLimitConfig, configure_rate_limits
from preventia.auth.service import issue_tokens
from preventia.db import make_engine, migrate
from preventia.models import (
    Article,
    ArticleCountry,
    ArticleKeyword,
    ArticleStatus,
    ArticleTopic,
    KeywordKind,
    Relevance,
    Role,
    Source,
    Tone,
)
from preventia.settings import Settings
from preventia.users.service import create_user
from tests.conftest import scratch_postgres_database

PASSWORD = "correct horse battery staple 42"


def _at(day: str, hour: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


SOURCES = [
    ("S1", "Diario Uno", "ES", "es"),
    ("S2", "Daily Two", "GB", "en"),
    ("S3", "Gazette Three", "US", "en"),
]
# key: (source, lang, published, status, dup_of, relevance, tone, score, topics, countries,
#       title, text, keywords, entities)
CORPUS: dict[str, tuple] = {  # type: ignore[type-arg]
    "A1": ("S1", "es", _at("2024-10-01", 8), "stored", None, "primary", "positive", 0.6,
           ["screening", "research"], ["ES"], "Cribado con mamografía reduce muertes",
           "El cribado con mamografía reduce la mortalidad por cáncer de mama en España.",
           ["mamografía"], []),
    "A2": ("S2", "en", _at("2024-10-01", 12), "stored", None, "primary", "negative", -0.5,
           ["prevention"], ["GB"], "Alcohol raises breast cancer risk",
           "Drinking alcohol daily raises the risk of breast cancer, a British study finds.",
           ["alcohol", "breast cancer"], []),
    "A3": ("S3", "en", _at("2024-10-02", 9), "stored", None, "partial", "neutral", 0.0,
           ["treatment", "policy_access"], ["US"], "Tamoxifen prices climb",
           "Insurance plans pay more for tamoxifen as drug prices rise for breast cancer patients.",
           ["drug prices"], [("drug", "tamoxifen")]),
    "A4": ("S3", "en", _at("2024-10-08", 10), "stored", None, "primary", "positive", 0.7,
           ["treatment", "research"], ["US", "GB"], "Trastuzumab trial shows survival benefit",
           "In HER2-positive breast cancer, the trial found a survival benefit from trastuzumab.",
           ["breast cancer", "trial"], [("drug", "trastuzumab"), ("biomarker", "HER2")]),
    "A5": ("S2", "en", _at("2024-10-08", 10), "duplicate", "A4", "primary", "positive", 0.7,
           ["treatment", "research"], ["US", "GB"], "Trastuzumab trial: survival benefit",
           "In HER2-positive breast cancer, the trial found a survival benefit from trastuzumab.",
           ["breast cancer", "trial"], [("drug", "trastuzumab"), ("biomarker", "HER2")]),
    "A6": ("S1", "es", _at("2024-11-03", 7), "stored", None, "primary", "negative", -0.4,
           ["policy_access"], ["MX"], "Escasez de medicamentos oncológicos en México",
           "La escasez de tamoxifeno afecta a pacientes con cáncer de mama en México.",
           ["escasez"], []),
    "A7": ("S1", "es", _at("2024-11-04", 7), "stored", None, "primary", "neutral", None,
           ["awareness"], [], "Octubre rosa: campaña de concienciación",
           "La campaña de octubre rosa invita a la mamografía de cribado.",
           ["octubre rosa"], []),
    "A8": ("S2", "en", None, "stored", None, "partial", "negative", -0.3,
           ["genetics"], ["GB"], "BRCA testing backlog",
           "Women with a family history of breast cancer wait months for BRCA1 and BRCA2 testing.",
           ["breast cancer", "brca"], [("gene", "BRCA1")]),
    "A9": ("S3", "en", _at("2024-10-02"), "not_relevant", None, "none", None, None, [], [],
           "Football results", "The team won the breast cancer charity match.", [], []),
    "A10": ("S3", "en", _at("2024-10-03"), "failed", None, None, None, None, [], [],
            "Failed page", "breast cancer alcohol", [], []),
}  # fmt: skip


@dataclass
class Corpus:
    url: str
    settings: Settings
    ids: dict[str, int] = field(default_factory=dict)
    sources: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def key_of(self, article_id: int) -> str:
        return {v: k for k, v in self.ids.items()}[article_id]

    def keys(self, items: list[dict]) -> list[str]:  # type: ignore[type-arg]
        return [self.key_of(item["id"]) for item in items]

    def headers(self, who: str = "viewer") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


def add_article(session: Session, corpus: Corpus, key: str, row: tuple) -> int:  # type: ignore[type-arg]
    (src, lang, published, status, dup, rel, tone, score, topics, countries, title, text,
     keywords, entities) = row  # fmt: skip
    article = Article(
        source_id=corpus.sources[src], url=f"https://news.example/{key}",
        canonical_url=f"https://news.example/{key}", url_hash=key.ljust(64, "0"),
        title=title, text=text, summary=text[:60], published_at=published, language=lang,
        status=ArticleStatus(status), duplicate_of=corpus.ids[dup] if dup else None,
        relevance=Relevance(rel) if rel else None, tone=Tone(tone) if tone else None,
        tone_score=score, primary_topic=topics[0] if topics else None,
        evidence={"tone_positive": ["benefit"]} if tone == "positive" else {},
        model_versions={"tone": "test-1"},
    )  # fmt: skip
    article.topics = [ArticleTopic(topic=t, score=0.5) for t in topics]
    article.countries = [ArticleCountry(country=c) for c in countries]
    article.keywords = [ArticleKeyword(kind=KeywordKind.KEYWORD, value=k) for k in keywords] + [
        ArticleKeyword(kind=KeywordKind(kind), value=value) for kind, value in entities
    ]
    session.add(article)
    session.flush()
    return article.id


def seed(url: str) -> Corpus:
    settings = Settings(database_url=url)
    corpus = Corpus(url=url, settings=settings)
    engine = make_engine(url)
    with Session(engine) as session:
        for key, name, country, language in SOURCES:
            source = Source(name=name, url=f"https://{key.lower()}.example/feed", outlet_country=country, language=language)  # fmt: skip
            session.add(source)
            session.flush()
            corpus.sources[key] = source.id
        for key, row in CORPUS.items():
            corpus.ids[key] = add_article(session, corpus, key, row)
        for who, role in [("viewer", Role.VIEWER), ("analyst", Role.ANALYST), ("analyst2", Role.ANALYST)]:  # fmt: skip
            user = create_user(session, f"{who}@example.org", PASSWORD, role)
            corpus.tokens[who] = issue_tokens(session, settings, user, None).access_token
        session.commit()
    engine.dispose()
    return corpus


@contextmanager
def database(kind: str, tmp: Path) -> Iterator[str]:
    if kind == "sqlite":
        url = f"sqlite:///{tmp / 'corpus.db'}"
        migrate.upgrade(url)
        yield url
        return
    with scratch_postgres_database() as url:
        migrate.upgrade(url)
        yield url


@contextmanager
def client_for(corpus: Corpus, redis_url: str | None = None) -> Iterator[TestClient]:
    settings = Settings(database_url=corpus.url, redis_url=redis_url)
    app = create_app(settings)
    with TestClient(app) as client:
        configure_rate_limits(app, RateLimitConfig(enabled=False))
        yield client


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def corpus(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Corpus]:
    """A database of each kind holding the corpus above (one per test module)."""
    with database(request.param, tmp_path_factory.mktemp("corpus")) as url:
        yield seed(url)


@pytest.fixture(scope="module")
def api(corpus: Corpus) -> Iterator[TestClient]:
    with client_for(corpus) as client:
        yield client
