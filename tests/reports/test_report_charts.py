"""Charts are SVG drawn on the server, readable without colour and without JavaScript."""

import pytest

from elp.reports.charts import render_svg, whole_number_ticks
from elp.reports.figures import MONEY, Chart, Series


def test_a_second_series_is_hatched_so_it_differs_by_more_than_colour():
    svg = render_svg(
        Chart("counts", "Requests and bookings", "bar", ["Jan 2025", "Feb 2025"],
              [Series("Requests", [3, 4]), Series("Bookings", [1, 2])])
    ).decode()  # fmt: skip

    assert '<pattern id="elp-hatch"' in svg
    assert ".color-1,.color-1 .rect{fill:url(#elp-hatch) !important" in svg
    assert 'class="series serie-1 color-1"' in svg
    assert ">Requests<" in svg and ">Bookings<" in svg  # the legend names both


def test_a_chart_carries_no_script():
    svg = render_svg(
        Chart("value", "Value", "bar", ["Jan 2025"], [Series("Value", [35000])], MONEY)
    )

    assert b"<script" not in svg
    assert b"\xc2\xa3350" in svg  # money on the axis in pounds


@pytest.mark.parametrize(
    ("highest", "ticks"),
    [(0, [0, 1]), (3, [0, 1, 2, 3]), (9, [0, 2, 4, 6, 8, 10]), (41, [0, 10, 20, 30, 40, 50])],
)
def test_counts_are_marked_in_whole_numbers(highest, ticks):
    assert whole_number_ticks(highest) == ticks
