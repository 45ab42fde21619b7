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


def test_a_phone_s_chart_is_drawn_at_a_phone_s_width_with_shorter_labels():
    label = "Speech, language and communication needs"
    chart = Chart("specialisms", "Top specialisms", "horizontal_bar", [label],
                  [Series("Searches", [12])])  # fmt: skip

    wide, narrow = render_svg(chart).decode(), render_svg(chart, narrow=True).decode()

    assert 'viewBox="0 0 800 ' in wide and 'viewBox="0 0 400 ' in narrow
    assert label[:31] in wide
    assert "Speech, language an…" in narrow and label[:25] not in narrow


def test_the_chart_route_draws_the_phone_s_chart_when_asked(client, db, login_as):
    from tests.factories import make_admin

    login_as(make_admin())

    wide = client.get("/admin/reports/activity/counts.svg")
    narrow = client.get("/admin/reports/activity/counts.svg?size=narrow")

    assert wide.status_code == narrow.status_code == 200
    assert b'viewBox="0 0 800 ' in wide.data and b'viewBox="0 0 400 ' in narrow.data
