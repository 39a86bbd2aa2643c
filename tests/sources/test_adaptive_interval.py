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
