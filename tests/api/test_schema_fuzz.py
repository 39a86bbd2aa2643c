"""The OpenAPI schema of the article, analytics and saved-search routes, fuzzed (schemathesis).

No 5xx, documented status codes and content types, bodies matching their schemas, and
schema-invalid input refused. ``positive_data_acceptance`` is left out: the schema cannot
express the grammar of ``q``, the cursor format or "from before to", which we refuse on
purpose with a 422 naming the parameter. ``unsupported_method`` is left out too: how the app answers
a method no route declares (TRACE …) is decided app-wide, not by these routes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance, unsupported_method

from preventia.api.app import create_app
from preventia.api.ratelimit import RateLimitConfig, configure_rate_limits
from preventia.settings import Settings
from tests.api.test_articles_support import Corpus, database, seed

MY_ROUTES = r"^/api/v1/(articles|analytics|saved-searches)"


@pytest.fixture(scope="module")
def fuzz_corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    with database("sqlite", tmp_path_factory.mktemp("fuzz")) as url:
        yield seed(url)


@pytest.fixture(scope="module")
def api_schema(fuzz_corpus: Corpus) -> Any:
    app = create_app(Settings(database_url=fuzz_corpus.url))
    configure_rate_limits(app, RateLimitConfig(enabled=False))
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema").include(path_regex=MY_ROUTES)


@schema.parametrize()
@settings(max_examples=10, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_fuzz(case: Any, fuzz_corpus: Corpus) -> None:
    case.call_and_validate(
        headers=fuzz_corpus.headers("analyst"),
        excluded_checks=[positive_data_acceptance, unsupported_method],
    )
