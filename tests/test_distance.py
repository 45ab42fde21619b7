"""Distances are shown in miles, as UK schools think of them, with kilometres beside."""

import pytest

from elp.distance import format_distance


@pytest.mark.parametrize(
    ("metres", "shown"),
    [
        (5000, "3.1 miles (5.0 km)"),
        (5150, "3.2 miles (5.2 km)"),
        (1609.344, "1.0 mile (1.6 km)"),
        (0, "0.0 miles (0.0 km)"),
        (48_280, "30.0 miles (48.3 km)"),
        (None, ""),
    ],
)
def test_a_distance_reads_in_miles_with_kilometres_in_brackets(metres, shown):
    assert format_distance(metres) == shown
