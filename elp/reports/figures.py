"""What a report hands its page: tables of figures, the charts drawn from them, and the rows
of its CSV file. Plain data: the page, the chart and the CSV file each read the same figures.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from elp.money import format_pence

COUNT, MONEY, DAYS, PERCENT, TEXT = "count", "money", "days", "percent", "text"


@dataclass(frozen=True)
class Column:
    heading: str
    kind: str = TEXT

    @property
    def numeric(self):
        return self.kind != TEXT

    def show(self, value):
        """The value as the page shows it."""
        if value is None:
            return "–" if self.numeric else ""
        if self.kind == COUNT:
            return f"{value:,}"
        if self.kind == MONEY:
            return format_pence(value, whole_pounds_short=False)
        if self.kind == DAYS:
            return f"{value:,.1f}"
        if self.kind == PERCENT:
            return f"{value:.0f}%"
        return str(value)


@dataclass
class Table:
    caption: str
    columns: list[Column]
    rows: list[list]
    empty: str = "There is nothing to count in this period."


@dataclass
class Series:
    name: str
    values: list  # one value per label; None where there is none


@dataclass
class Chart:
    """A chart of one table's figures. `kind` is bar, horizontal_bar or stacked_bar."""

    name: str  # in the chart's address: /admin/reports/<report>/<name>.svg
    title: str
    kind: str
    labels: list[str]
    series: list[Series]
    value_kind: str = COUNT  # COUNT or MONEY (values in pence)


@dataclass
class CsvTable:
    columns: list[str]
    rows: Iterable[list]


@dataclass
class Figures:
    tables: list[Table]
    charts: list[Chart]
    csv: CsvTable
    summary: list[tuple[str, str]] = field(default_factory=list)  # (label, value) above the tables


@dataclass(frozen=True)
class Report:
    slug: str  # in the report's address: /admin/reports/<slug>
    title: str
    description: str  # what it counts, in a sentence or two
    build: Callable  # build(period, district) -> Figures
    district_note: str  # what the district filter selects


def pounds(pence):
    """Pence as pounds with two decimals, as a CSV file gives money: 35050 → "350.50"."""
    if pence is None:
        return ""
    return str((Decimal(pence) / 100).quantize(Decimal("0.01")))
