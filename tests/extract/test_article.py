"""extract_article on real pages and on hand-made edge cases."""

from __future__ import annotations

import codecs
from datetime import UTC, datetime
from pathlib import Path

import pytest

from preventia.extract import (
    ExtractedArticle,
    ExtractionFailure,
    content_hash,
    extract_article,
    url_hash,
)
from preventia.extract.dates import parse_datetime
from preventia.extract.evaluate import html_text, overlap
from tests.extract.conftest import metadata, page_url

BODY = " ".join(
    f"Sentence number {i} about screening programmes and breast cancer care in clinics."
    for i in range(40)
)


def page(head: str = "", body: str = "") -> str:
    return (
        f"<html><head><title>Screening news</title>{head}</head><body><article>"
        f"<h1>Screening news</h1><p>{body or BODY}</p></article></body></html>"
    )


def test_every_real_page_gives_text_close_to_the_gold(
    extracted: dict[str, ExtractedArticle], pages_dir: Path
) -> None:
    scores = {}
    for name, article in extracted.items():
        assert article.ok, name
        gold = html_text((pages_dir / name / "expected.html").read_text(encoding="utf-8"))
        scores[name] = overlap(article.text, gold).f1
    good = [name for name, f1 in scores.items() if f1 >= 0.85]
    assert len(good) >= 0.9 * len(scores), sorted(scores.items(), key=lambda kv: kv[1])[:5]


@pytest.mark.parametrize("name", ["bbc-1", "la-nacion", "medicalnewstoday", "nytimes-2", "folha"])
def test_titles_match_the_gold(extracted: dict[str, ExtractedArticle], name: str) -> None:
    assert extracted[name].title == metadata(name)["title"]


def test_published_dates_match_the_gold_metadata(extracted: dict[str, ExtractedArticle]) -> None:
    checked = 0
    for name, article in extracted.items():
        gold = parse_datetime(metadata(name).get("publishedTime"))
        if gold is None:
            continue
        checked += 1
        assert article.published == gold, name
        assert article.published.tzinfo is UTC
    assert checked >= 8


def test_offset_dates_are_converted_to_utc(extracted: dict[str, ExtractedArticle]) -> None:
    # aktualne: 2021-11-01T10:52:50+0100; breitbart: 2016-12-22T10:43:37-08:00
    assert extracted["aktualne"].published == datetime(2021, 11, 1, 9, 52, 50, tzinfo=UTC)
    assert extracted["breitbart"].published == datetime(2016, 12, 22, 18, 43, 37, tzinfo=UTC)


def test_every_real_page_has_a_date(extracted: dict[str, ExtractedArticle]) -> None:
    missing = [name for name, article in extracted.items() if article.published is None]
    assert missing == []


def test_canonical_link_wins_over_the_fetch_url(extracted: dict[str, ExtractedArticle]) -> None:
    assert extracted["bbc-1"].canonical_url == "http://www.bbc.com/news/world-us-canada-33646704"
    assert extracted["msn"].canonical_url.startswith("http://www.businessinsider.com/")
    # protocol-relative canonical, resolved against the https fetch URL
    assert extracted["yahoo-2"].canonical_url == "https://us.yahoo.com/news/"


def test_without_canonical_the_fetch_url_is_used_without_trackers(
    extracted: dict[str, ExtractedArticle],
) -> None:
    assert extracted["heise"].canonical_url == "https://pages.example/heise/article.html"


def test_canonical_pointing_to_a_section_page_is_ignored(pages_dir: Path) -> None:
    html = (pages_dir / "nytimes-5" / "source.html").read_bytes()
    url = "https://www.nytimes.com/es/2019/08/06/espanol/opinion/article.html"
    assert extract_article(html, url).canonical_url == url


def test_tracking_parameters_are_stripped_from_the_canonical() -> None:
    head = '<link rel="canonical" href="/news/a.html?utm_source=tw&gclid=1&id=7#top">'
    article = extract_article(page(head), "https://Example.com:443/x?fbclid=abc")
    assert article.canonical_url == "https://example.com/news/a.html?id=7"
    assert article.url == "https://example.com/x"


def test_languages(extracted: dict[str, ExtractedArticle]) -> None:
    assert extracted["la-nacion"].language == "es"
    assert extracted["bbc-1"].language == "en"
    assert extracted["folha"].language == "pt"


def test_missing_date_stays_none_never_now() -> None:
    article = extract_article(page(), "https://example.com/news/screening")
    assert article.ok
    assert article.published is None


def test_unparseable_date_stays_none() -> None:
    head = (
        '<meta property="article:published_time" content="sometime last spring">'
        '<meta name="date" content="00/99/2099">'
    )
    article = extract_article(page(head), "https://example.com/news/screening")
    assert article.published is None


def test_fallback_date_can_be_turned_off(pages_dir: Path) -> None:
    # la-nacion states its date only in the page body, which htmldate's search finds.
    html = (pages_dir / "la-nacion" / "source.html").read_bytes()
    assert extract_article(html, page_url("la-nacion")).published is not None
    assert extract_article(html, page_url("la-nacion"), fallback_date=False).published is None


def test_precise_timestamp_from_metadata() -> None:
    head = '<meta property="article:published_time" content="2024-10-19T08:30:00-03:00">'
    article = extract_article(page(head), "https://example.com/news/screening")
    assert article.published == datetime(2024, 10, 19, 11, 30, tzinfo=UTC)


def test_declared_latin1_bytes_are_decoded(pages_dir: Path) -> None:
    utf8 = (pages_dir / "la-nacion" / "source.html").read_text(encoding="utf-8")
    reference = extract_article(utf8, page_url("la-nacion"))
    latin = utf8.replace('charset="utf-8"', 'charset="iso-8859-1"')
    latin = latin.replace("charset=utf-8", "charset=iso-8859-1")
    data = latin.encode("cp1252", errors="xmlcharrefreplace")
    article = extract_article(data, page_url("la-nacion"))
    assert article.title == reference.title == "Una solución no violenta para la cuestión mapuche"
    assert article.text == reference.text


def test_undeclared_latin1_bytes_are_detected() -> None:
    body = " ".join(["La mamografía de detección precoz reduce la mortalidad en España."] * 20)
    data = page(body=body).encode("latin-1")
    article = extract_article(data, "https://example.es/noticia")
    assert "mamografía" in article.text
    assert article.language == "es"


def test_utf16_with_bom_is_decoded() -> None:
    data = codecs.BOM_UTF16_LE + page(body="Cáncer de mama " + BODY).encode("utf-16-le")
    assert "Cáncer de mama" in extract_article(data, "https://example.es/n").text


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("", ExtractionFailure.EMPTY_DOCUMENT),
        (b"   \n", ExtractionFailure.EMPTY_DOCUMENT),
        ("<html><head><title>x</title></head><body></body></html>", ExtractionFailure.NO_TEXT),
    ],
)
def test_nothing_usable_gives_a_reason(html: str | bytes, reason: ExtractionFailure) -> None:
    article = extract_article(html, "https://example.com/empty")
    assert article.reason == reason
    assert not article.ok
    assert article.text == ""
    assert article.published is None


def test_binary_garbage_does_not_raise() -> None:
    article = extract_article(bytes(range(256)) * 50, "https://example.com/blob")
    assert article.reason is not None


def test_content_hash_ignores_case_and_whitespace() -> None:
    assert content_hash("Breast  cancer\nscreening") == content_hash("breast cancer screening ")
    assert content_hash("breast cancer screening") != content_hash("lung cancer screening")
    assert len(content_hash("")) == 64


def test_url_hash_is_stable_across_tracking_variants() -> None:
    assert url_hash("https://Example.com/a?utm_source=x&b=2&a=1#frag") == url_hash(
        "https://example.com/a?a=1&b=2"
    )
    assert url_hash("https://example.com/a") != url_hash("https://example.com/b")


def test_result_is_serialisable(extracted: dict[str, ExtractedArticle]) -> None:
    dumped = extracted["bbc-1"].model_dump(mode="json")
    assert dumped["published"].endswith("Z") or dumped["published"].endswith("+00:00")
    assert dumped["language"] == "en"
    assert dumped["reason"] is None


def test_language_delegates_to_the_platform_detector(monkeypatch: pytest.MonkeyPatch) -> None:
    import preventia.nlp
    from preventia.extract import language

    monkeypatch.setattr(preventia.nlp, "detect_language", lambda text: "xx", raising=False)
    language._platform_detector.cache_clear()
    try:
        assert language.detect_language("Some text long enough to be detected.") == "xx"
    finally:
        monkeypatch.undo()
        language._platform_detector.cache_clear()
    assert language.detect_language("   ") is None


def test_language_sample_ends_on_a_whole_word() -> None:
    from preventia.extract.language import sample_of

    text = "word " * 400
    sample = sample_of(text, 1000)
    assert len(sample) <= 1000 and sample.endswith("word")
    assert sample_of("short text", 1000) == "short text"
    assert sample_of("x" * 3000, 1000) == "x" * 1000  # one long token: cut as is


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cáncer de mama: nuevas terapias para mujeres jóvenes en España", "es"),
        ("Breast cancer: new drug approved for women with early disease", "en"),
        ("Le cancer du sein touche une femme sur huit en France", "fr"),
        ("Câncer de mama: novo tratamento aprovado no Brasil", "pt"),
    ],
)
def test_short_texts_get_their_language_from_the_trigram_models(text: str, expected: str) -> None:
    """Under lingua's 120 characters, with the trigram models only (no 1-5-gram models,
    ~380 MB per process): a headline-length text still gets its language."""
    from preventia.extract.language import detect_language

    assert detect_language(text) == expected
