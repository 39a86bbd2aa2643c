from __future__ import annotations

import pytest

from preventia.sources.service import adapt_interval


@pytest.mark.parametrize(
    ("current", "new_entries", "expected"),
    [
        (None, 0, 45),  # nothing new: wait longer
        (45, 0, 68),
        (100, 0, 120),  # never more than 4 × 30
        (None, 12, 20),  # busy: poll sooner
        (20, 25, 15),  # never less than half of 30
        (60, 3, 45),  # a few new entries: back towards the configured 30
    ],
)
def test_interval_adapts_within_bounds(
    current: int | None, new_entries: int, expected: int
) -> None:
    assert adapt_interval(30, current, new_entries) == expected


def test_short_intervals_keep_a_ten_minute_floor() -> None:
    assert adapt_interval(15, 10, 50) == 10
    assert adapt_interval(600, 2000, 0) == 24 * 60


@pytest.mark.parametrize("base", [5, 7, 9])
def test_a_source_configured_below_ten_minutes_is_never_polled_less_often(base: int) -> None:
    """The 10-minute floor only stops busy sources from speeding up; it never slows down a
    source whose configured interval is shorter (bench_freshness found 5 → 10)."""
    assert adapt_interval(base, None, 3) == base
    assert adapt_interval(base, base, 50) == base
    assert adapt_interval(base, base, 0) > base  # quiet feeds still back off


def test_a_source_configured_above_a_day_is_never_polled_more_often() -> None:
    two_days = 2 * 24 * 60
    assert adapt_interval(two_days, None, 3) == two_days
    assert adapt_interval(two_days, two_days, 0) == two_days  # the day cap does not shorten it
    assert adapt_interval(two_days, two_days, 50) == 1920  # busy: sooner, within half
