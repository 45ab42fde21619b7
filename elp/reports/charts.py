"""Charts drawn on the server as SVG with pygal, readable without colour.

The first series is solid, the second hatched, so two series differ by pattern as well as
colour; the numbers themselves are in the table beside every chart. The SVG is served as an
image: pygal's inline stylesheet stays inside it, and the script pygal adds for its tooltips
is taken out, as the charts need no JavaScript.
"""

import math

import pygal
from pygal.style import Style

from elp.money import format_pence
from elp.reports.figures import COUNT, MONEY

KINDS = {
    "bar": pygal.Bar,
    "horizontal_bar": pygal.HorizontalBar,
    "horizontal_stacked_bar": pygal.HorizontalStackedBar,
}

LONGEST_LABEL = 32
# A phone's chart: drawn at about the width a phone shows it, so its 14 px labels stay about
# 14 px rather than shrink to 6 px as the wide chart scaled down to a phone would.
WIDE, NARROW = 800, 400
LONGEST_LABEL_NARROW = 20
DARK_BLUE, TEXT, GREY = "#0b4f6c", "#0b0c0c", "#505a5f"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground=TEXT,
    foreground_strong=TEXT,
    foreground_subtle=GREY,
    opacity="1",
    opacity_hover="1",
    transition="0s",
    colors=(DARK_BLUE, DARK_BLUE),
    font_family=FONT,
    label_font_size=14,
    major_label_font_size=14,
    legend_font_size=16,
    title_font_size=18,
    value_font_size=14,
)
HATCH = (
    '<pattern id="elp-hatch" width="8" height="8" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)">'
    '<rect width="8" height="8" fill="#ffffff"/>'
    f'<rect width="3" height="8" fill="{DARK_BLUE}"/></pattern>'
)
# !important: pygal's own rules for each colour are more specific than any class.
SECOND_SERIES = (
    "inline:.color-1, .color-1 .rect "
    f"{{fill: url(#elp-hatch) !important; stroke: {DARK_BLUE} !important; stroke-width: 1px}}"
)


def render_svg(chart, narrow=False):
    """The chart as an SVG document (bytes); `narrow` draws it for a phone's width."""
    longest = LONGEST_LABEL_NARROW if narrow else LONGEST_LABEL
    labels = [_shortened(label, longest) for label in chart.labels]
    horizontal = chart.kind.startswith("horizontal")
    most_upright = 3 if narrow else 6
    drawing = KINDS[chart.kind](
        style=STYLE,
        js=[],
        css=["file://style.css", "file://graph.css", SECOND_SERIES],  # pygal's own, then ours
        defs=[HATCH],
        title=chart.title,
        width=NARROW if narrow else WIDE,
        height=max(300, 120 + 40 * len(labels)) if horizontal else 450,
        show_legend=len(chart.series) > 1,
        legend_at_bottom=True,
        legend_at_bottom_columns=1,
        legend_box_size=16,
        truncate_legend=-1,
        x_label_rotation=0 if horizontal or len(labels) <= most_upright else 45,
        print_zeroes=False,
        include_x_axis=True,
        no_data_text="Nothing to show",
        value_formatter=_formatter(chart.value_kind),
        explicit_size=False,
    )
    # A horizontal chart draws its first label at the bottom; the tables list the most first.
    order = slice(None, None, -1) if horizontal else slice(None)
    if chart.value_kind == COUNT:
        drawing.y_labels = whole_number_ticks(_highest(chart))
    drawing.x_labels = labels[order]
    for series in chart.series:
        drawing.add(series.name, series.values[order])
    drawing.add_xml_filter(_without_scripts)
    return drawing.render()


def _highest(chart):
    columns = zip(*(series.values for series in chart.series), strict=True)
    if chart.kind.endswith("stacked_bar"):
        return max((sum(value or 0 for value in column) for column in columns), default=0)
    return max((value or 0 for column in columns for value in column), default=0)


def whole_number_ticks(highest, most=8):
    """Axis marks for counts: whole numbers from 0 past `highest`, in steps of 1, 2 or 5
    times a power of ten, no more than `most` steps (pygal would mark 0.2, 0.4…)."""
    step = 1
    while math.ceil(highest / step) > most:
        step = _next_step(step)
    return list(range(0, step * max(1, math.ceil(highest / step)) + 1, step))


def _next_step(step):
    """1, 2, 5, 10, 20, 50, 100…"""
    leading = int(str(step)[0])
    return step * 5 // 2 if leading == 2 else step * 2


def _shortened(label, longest=LONGEST_LABEL):
    """A label short enough to leave the plot room; the table has it in full."""
    return label if len(label) <= longest else label[: longest - 1].rstrip() + "…"


def _formatter(kind):
    if kind == MONEY:
        return lambda pence: format_pence(int(pence or 0))
    return lambda count: f"{count:,.0f}"


def _without_scripts(root):
    for parent in list(root.iter()):
        for child in list(parent):
            if str(child.tag).rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return root
