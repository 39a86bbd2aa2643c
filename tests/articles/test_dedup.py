"""Near-duplicate detection on real article texts."""

from __future__ import annotations

import pytest

from preventia.articles.dedup import (
    NearDuplicateIndex,
    NearDuplicateOptions,
    jaccard,
    shingle_hashes,
    shingles,
)
from preventia.extract import extract_article
from tests.shared_data import SHARED_DATA

PAGES = SHARED_DATA / "pages" / "pages"
NAMES = ["medicalnewstoday", "webmd-1", "webmd-2", "nytimes-1", "nytimes-2", "bbc-1", "la-nacion"]


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    if not PAGES.is_dir():
        pytest.skip(f"shared pages not found at {PAGES}")
    return {
        name: extract_article(
            (PAGES / name / "source.html").read_bytes(), "https://x.example/"
        ).text
        for name in NAMES
    }


def syndicated(text: str) -> str:
    """A partner's copy: own header and footer, last paragraph cut, light house-style edits."""
    paragraphs = text.split("\n")
    body = "\n".join(paragraphs[:-1]).replace(" percent", "%").replace("U.S.", "US")
    return (
        "Published with permission from our partner newsroom. Photo: Getty Images.\n"
        f"{body}\nCopyright 2024 Partner News. All rights reserved. Share this story."
    )


def test_syndicated_copy_is_found_and_a_different_article_is_not(texts: dict[str, str]) -> None:
    index = NearDuplicateIndex.from_pairs(texts.items())
    copy = syndicated(texts["medicalnewstoday"])
    assert 0.8 <= jaccard(copy, texts["medicalnewstoday"]) < 1.0
    assert index.query(copy) == "medicalnewstoday"
    # same site, same section, different story
    assert jaccard(texts["webmd-1"], texts["webmd-2"]) < 0.1
    assert index.query(texts["webmd-2"], exclude="webmd-2") is None
    assert index.query("A short, unrelated note about screening appointments.") is None


def test_first_copy_wins(texts: dict[str, str]) -> None:
    index = NearDuplicateIndex()
    original = texts["nytimes-1"]
    assert index.add_or_match(1, original) is None
    assert index.add_or_match(2, syndicated(original)) == 1
    assert index.add_or_match(3, syndicated(original) + " Updated.") == 1
    assert [article for article, _ in index.matches(original)] == [1, 2, 3]
    assert index.add_or_match(4, texts["bbc-1"]) is None
    assert len(index) == 4


def test_rebuild_gives_the_same_answers(texts: dict[str, str]) -> None:
    pairs = list(texts.items())
    first = NearDuplicateIndex.from_pairs(pairs)
    second = NearDuplicateIndex.from_pairs(pairs)
    for name, text in pairs:
        assert first.query(text) == second.query(text) == name
        assert name in first


def test_options_and_edge_cases() -> None:
    options = NearDuplicateOptions(threshold=0.9, num_perm=64)
    index = NearDuplicateIndex(options)
    assert index.options.num_perm == 64
    assert index.add("empty", "  ...  ") is False
    assert "empty" not in index
    assert index.query("") is None
    index.add("a", "one two three four five six seven eight")
    index.add("a", "completely different words now here for this id")
    assert index.query("one two three four five six seven eight") is None
    index.remove("a")
    index.remove("never-added")
    assert len(index) == 0
    with pytest.raises(ValueError):
        NearDuplicateOptions(threshold=0)


def test_shingles_are_case_and_punctuation_insensitive() -> None:
    assert shingles("Breast cancer, screening!") == shingles("breast CANCER screening")
    assert shingles("two words", size=3) == {"two words"}
    assert shingles("", size=3) == set()


def test_signature_is_datasketch_minhash_of_the_shingle_hashes() -> None:
    """The signature is datasketch's MinHash (cached permutations) over the shingle hashes."""
    from datasketch import MinHash

    text = "Breast cancer screening with mammography finds tumours early in many women."
    options = NearDuplicateOptions()
    signature = NearDuplicateIndex(options).minhash(text)
    reference = MinHash(num_perm=options.num_perm, seed=options.seed, hashfunc=int)
    reference.update_batch(list(shingle_hashes(text)))
    assert signature is not None
    assert list(signature.hashvalues) == list(reference.hashvalues)


def test_shingle_hashes_are_one_per_distinct_shingle(texts: dict[str, str]) -> None:
    """Same shingle, same hash wherever it occurs; different shingles, different hashes
    (no collision over the real pages), all within 32 bits."""
    for text in [*texts.values(), "two words", "Breast cancer, screening!"]:
        hashes = shingle_hashes(text)
        assert len(set(hashes.tolist())) == len(shingles(text))
        assert int(hashes.max()) < 2**32
    assert set(shingle_hashes("Breast cancer, screening!").tolist()) == set(
        shingle_hashes("breast CANCER screening").tolist()
    )
    assert (
        shingle_hashes("cancer breast screening").tolist()
        != shingle_hashes("breast cancer screening").tolist()
    )
    assert len(shingle_hashes("")) == 0


def test_minhash_estimates_the_exact_jaccard(texts: dict[str, str]) -> None:
    index = NearDuplicateIndex()
    pairs = [
        (texts["medicalnewstoday"], syndicated(texts["medicalnewstoday"])),
        (texts["nytimes-1"], texts["nytimes-1"][: len(texts["nytimes-1"]) * 2 // 3]),
        (texts["webmd-1"], texts["webmd-2"]),
    ]
    for a, b in pairs:
        sig_a, sig_b = index.minhash(a), index.minhash(b)
        assert sig_a is not None and sig_b is not None
        assert abs(float(sig_a.jaccard(sig_b)) - jaccard(a, b)) < 0.12
