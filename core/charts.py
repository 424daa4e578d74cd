"""The one chart helper: pure functions that lay out a line or bar chart for server-drawn SVG
(`{% chart %}` in core/templatetags/charts.py renders it with ui/chart.html).

A chart carries what a reader needs besides the drawing: a title (its accessible name), a summary,
labelled axes with their unit, tick labels, a tooltip per point or bar, a legend, and the same
figures as a table. Colours are not chosen here: each series has a position (`tone`) that
static/css/charts.css maps to the theme's tokens, so light and dark themes both work."""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

Number = float | int | Decimal
MAX_X_TICKS = 8


@dataclass(frozen=True)
class Box:
    """The drawing's size and the margins that hold the axes, their ticks and their labels."""

    width: int = 640
    height: int = 280
    left: int = 60
    right: int = 16
    top: int = 16
    bottom: int = 48


@dataclass(frozen=True)
class Series:
    name: str  # a CSS class (chart-<name>) and a key for tests
    label: Any  # the legend's and the table's name for it
    values: Sequence[Number | None]  # one per label; None: no value (a line stops at its first None)
    reference: bool = False  # a guide (ideal, total scope, committed): drawn dashed or hollow


@dataclass
class Chart:
    kind: str  # "line" or "bar"
    title: Any
    x_label: Any
    y_label: Any
    unit: str
    box: Box
    summary: str = ""
    lines: list[dict[str, Any]] = field(default_factory=list)
    bars: list[dict[str, Any]] = field(default_factory=list)
    y_ticks: list[dict[str, Any]] = field(default_factory=list)
    x_ticks: list[dict[str, Any]] = field(default_factory=list)
    legend: list[dict[str, Any]] = field(default_factory=list)
    table_head: list[Any] = field(default_factory=list)
    table_rows: list[list[str]] = field(default_factory=list)
    marker_x: float | None = None  # a vertical "today" line
    empty: bool = True

    # The plot area's edges, for the template.
    @property
    def left(self) -> int:
        return self.box.left

    @property
    def right(self) -> int:
        return self.box.width - self.box.right

    @property
    def top(self) -> int:
        return self.box.top

    @property
    def bottom(self) -> int:
        return self.box.height - self.box.bottom

    @property
    def middle_x(self) -> float:
        return round((self.left + self.right) / 2, 1)

    @property
    def middle_y(self) -> float:
        return round((self.top + self.bottom) / 2, 1)

    @property
    def y_axis_label(self) -> str:
        return f"{self.y_label} ({self.unit})" if self.unit else str(self.y_label)


def number_text(value: Number | None) -> str:
    """A figure as a tick or a tooltip shows it: 12, 12.5, 1,200; '—' for none."""
    if value is None:
        return "—"
    number = float(value)
    if number == int(number):
        return f"{int(number):,}"
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def nice_step(span: float) -> float:
    """A step of 1, 2 or 5 × 10ⁿ that cuts `span` into about four parts."""
    raw = max(span / 4, 1e-9)
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude * (1 + 1e-9):
            return float(factor * magnitude)
    return float(10 * magnitude)  # pragma: no cover - the loop always returns


def y_scale(values: Sequence[Number | None], y_max: Number | None = None) -> tuple[float, float]:
    """The step and the top of a y axis that starts at zero and holds every value."""
    known = [float(v) for v in values if v is not None]
    highest = (float(y_max) if y_max is not None else max(known, default=0.0)) or 1.0
    step = nice_step(highest)
    return step, round(step * max(1, math.ceil(highest / step - 1e-9)), 10)


def _begin(kind: str, title: Any, x_label: Any, y_label: Any, unit: str, box: Box) -> Chart:
    return Chart(kind=kind, title=title, x_label=x_label, y_label=y_label, unit=unit, box=box)


def _finish(
    chart: Chart,
    labels: Sequence[str],
    series: Sequence[Series],
    step: float,
    top_value: float,
    columns: Sequence[tuple[Any, Sequence[Any]]] = (),
) -> None:
    plot_h = chart.bottom - chart.top

    value = 0.0
    while value <= top_value + 1e-9:
        y = round(chart.top + plot_h - plot_h * value / top_value, 1)
        chart.y_ticks.append({"y": y, "label": number_text(value)})
        value += step
    chart.legend = [
        {"name": s.name, "label": s.label, "tone": i, "reference": s.reference} for i, s in enumerate(series)
    ]
    chart.table_head = [
        chart.x_label,
        *(f"{s.label} ({chart.unit})" if chart.unit else s.label for s in series),
        *(head for head, _ in columns),
    ]
    chart.table_rows = [
        [
            label,
            *(number_text(s.values[i] if i < len(s.values) else None) for s in series),
            *(cells[i] if i < len(cells) else "—" for _, cells in columns),
        ]
        for i, label in enumerate(labels)
    ]
    chart.empty = not any(v is not None for s in series for v in s.values)
    latest = {s.label: next((v for v in reversed(s.values) if v is not None), None) for s in series}
    unit = f" {chart.unit}" if chart.unit else ""
    chart.summary = "; ".join(f"{name}: {number_text(v)}{unit}" for name, v in latest.items())


def line_chart(
    *,
    title: Any,
    labels: Sequence[str],
    series: Sequence[Series],
    x_label: Any,
    y_label: Any,
    unit: str = "",
    box: Box = Box(),
    y_max: Number | None = None,
    positions: Sequence[float] | None = None,
    x_ticks: Sequence[tuple[float, str]] | None = None,
    marker: float | None = None,
    columns: Sequence[tuple[Any, Sequence[Any]]] = (),
) -> Chart:
    """One polyline per series over `labels`, evenly spaced unless `positions` (0…1 along the x axis,
    one per label) place them; x ticks are up to eight of the labels unless `x_ticks` (position,
    text) name them; `marker` (0…1) draws a vertical line, e.g. today; `columns` (heading, one cell
    per label) add columns to the table."""
    chart = _begin("line", title, x_label, y_label, unit, box)
    step, top_value = y_scale([v for s in series for v in s.values], y_max)
    plot_w, plot_h = chart.right - chart.left, chart.bottom - chart.top
    count = len(labels)

    def share(i: int) -> float:
        if positions is not None:
            return min(1.0, max(0.0, positions[i]))
        return i / (count - 1) if count > 1 else 0.5

    def x_at(fraction: float) -> float:
        return round(chart.left + plot_w * fraction, 1)

    def y_at(value: float) -> float:
        return round(chart.top + plot_h - plot_h * min(value, top_value) / top_value, 1)

    for tone, s in enumerate(series):
        dots = []
        for i, value in enumerate(s.values[:count]):
            if value is None:
                break
            tip = f"{s.label} · {labels[i]}: {number_text(value)}{unit and ' ' + unit}"
            dots.append({"x": x_at(share(i)), "y": y_at(float(value)), "title": tip})
        points = " ".join(f"{d['x']},{d['y']}" for d in dots)
        chart.lines.append({"name": s.name, "tone": tone, "reference": s.reference, "points": points, "dots": dots})
    if x_ticks is not None:
        chart.x_ticks = [{"x": x_at(p), "label": text} for p, text in x_ticks]
    else:
        every = max(1, math.ceil(count / MAX_X_TICKS))
        chart.x_ticks = [{"x": x_at(share(i)), "label": labels[i]} for i in range(0, count, every)]
    if marker is not None and 0 <= marker <= 1:
        chart.marker_x = x_at(marker)
    _finish(chart, labels, series, step, top_value, columns)
    return chart


def bar_chart(
    *,
    title: Any,
    labels: Sequence[str],
    series: Sequence[Series],
    x_label: Any,
    y_label: Any,
    unit: str = "",
    box: Box = Box(),
    y_max: Number | None = None,
) -> Chart:
    """Grouped bars: per label, one bar per series side by side (a missing value draws none)."""
    chart = _begin("bar", title, x_label, y_label, unit, box)
    step, top_value = y_scale([v for s in series for v in s.values], y_max)
    plot_w, plot_h = chart.right - chart.left, chart.bottom - chart.top
    slot = plot_w / max(len(labels), 1)
    width = slot * 0.8 / max(len(series), 1)

    def y_at(value: float) -> float:
        return round(chart.top + plot_h - plot_h * min(value, top_value) / top_value, 1)

    for tone, s in enumerate(series):
        for i, value in enumerate(s.values[: len(labels)]):
            if value is None:
                continue
            top = y_at(float(value))
            chart.bars.append(
                {
                    "name": s.name,
                    "tone": tone,
                    "reference": s.reference,
                    "x": round(chart.left + slot * i + slot * 0.1 + width * tone, 1),
                    "y": top,
                    "width": round(width, 1),
                    "height": round(y_at(0) - top, 1),
                    "title": f"{s.label} · {labels[i]}: {number_text(value)}{unit and ' ' + unit}",
                }
            )
    chart.x_ticks = [{"x": round(chart.left + slot * (i + 0.5), 1), "label": label} for i, label in enumerate(labels)]
    _finish(chart, labels, series, step, top_value)
    return chart
