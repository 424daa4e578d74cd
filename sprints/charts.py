"""Chart maths, pure functions: the daily burndown and burnup series of a sprint, velocity, and the
geometry of a server-drawn SVG line chart."""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

Number = float | int


@dataclass(frozen=True)
class Done:
    """What the charts need of one item: its points and the day it was done (None: not done)."""

    points: Decimal | float | None
    done_on: datetime.date | None


def days_of(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    return [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]


def _round(value: float) -> float:
    return round(value + 0.0, 2)


def series(
    start: datetime.date, end: datetime.date, items: Iterable[Done], *, today: datetime.date | None = None
) -> dict[str, Any]:
    """Daily series over start…end. Remaining = total − done by the end of that day; burnup = done so
    far and the total scope. Days after `today` have no values yet (None)."""
    items = list(items)
    days = days_of(start, end)
    total_points = float(sum(float(i.points or 0) for i in items))
    total_count = len(items)
    done_points: list[float | None] = []
    done_count: list[int | None] = []
    for day in days:
        if today is not None and day > today:
            done_points.append(None)
            done_count.append(None)
            continue
        finished = [i for i in items if i.done_on is not None and i.done_on <= day]
        done_points.append(_round(sum(float(i.points or 0) for i in finished)))
        done_count.append(len(finished))
    steps = max(len(days) - 1, 1)
    return {
        "days": [d.isoformat() for d in days],
        "burndown": {
            "points": {
                "remaining": [None if d is None else _round(total_points - d) for d in done_points],
                "ideal": [_round(total_points - total_points * i / steps) for i in range(len(days))],
            },
            "count": {
                "remaining": [None if d is None else total_count - d for d in done_count],
                "ideal": [_round(total_count - total_count * i / steps) for i in range(len(days))],
            },
        },
        "burnup": {
            "points": {"done": done_points, "total": [_round(total_points)] * len(days)},
            "count": {"done": done_count, "total": [total_count] * len(days)},
        },
    }


def average(values: Sequence[Number | Decimal | None]) -> float | None:
    """The mean of the known values, or None when there are none."""
    known = [float(v) for v in values if v is not None]
    return _round(sum(known) / len(known)) if known else None


def _nice_step(span: float) -> float:
    """A step of 1, 2 or 5 × 10ⁿ that cuts `span` into about four parts."""
    raw = max(span / 4, 1e-9)
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return float(factor * magnitude)
    return float(10 * magnitude)


@dataclass(frozen=True)
class Box:
    width: int = 640
    height: int = 260
    left: int = 44
    right: int = 12
    top: int = 12
    bottom: int = 32


def line_chart(labels: Sequence[str], lines: Mapping[str, Sequence[Number | None]], box: Box = Box()) -> dict[str, Any]:
    """Coordinates for an SVG line chart: one polyline per named line (a gap ends it at the first
    None), y ticks from zero, and up to eight x labels."""
    known = [float(v) for values in lines.values() for v in values if v is not None]
    step = _nice_step(max(known, default=0) or 1)
    top_value = step * max(1, -(-max(known, default=0) // step))
    plot_w = box.width - box.left - box.right
    plot_h = box.height - box.top - box.bottom
    count = len(labels)

    def x(i: int) -> float:
        return round(box.left + (plot_w * i / (count - 1) if count > 1 else plot_w / 2), 1)

    def y(value: float) -> float:
        return round(box.top + plot_h - plot_h * value / top_value, 1)

    drawn = []
    for name, values in lines.items():
        points = []
        for i, value in enumerate(values):
            if value is None:
                break
            points.append(f"{x(i)},{y(float(value))}")
        drawn.append({"name": name, "points": " ".join(points)})
    ticks = []
    value = 0.0
    while value <= top_value + 1e-9:
        ticks.append({"y": y(value), "label": f"{value:g}"})
        value += step
    every = max(1, -(-count // 8))
    x_ticks = [{"x": x(i), "label": labels[i]} for i in range(0, count, every)]
    return {
        "width": box.width,
        "height": box.height,
        "left": box.left,
        "right": box.width - box.right,
        "top": box.top,
        "bottom": box.height - box.bottom,
        "lines": drawn,
        "y_ticks": ticks,
        "x_ticks": x_ticks,
    }


def bar_chart(
    labels: Sequence[str], bars: Mapping[str, Sequence[Number | Decimal | None]], box: Box = Box()
) -> dict[str, Any]:
    """Coordinates for an SVG grouped bar chart: per label, one bar per named series side by side
    (a missing value draws no bar), y ticks from zero."""
    known = [float(v) for values in bars.values() for v in values if v is not None]
    step = _nice_step(max(known, default=0) or 1)
    top_value = step * max(1, -(-max(known, default=0) // step))
    plot_w = box.width - box.left - box.right
    plot_h = box.height - box.top - box.bottom
    slot = plot_w / max(len(labels), 1)
    width = slot * 0.8 / max(len(bars), 1)

    def y(value: float) -> float:
        return round(box.top + plot_h - plot_h * value / top_value, 1)

    drawn = []
    for series_index, (name, values) in enumerate(bars.items()):
        for i, value in enumerate(values):
            if value is None:
                continue
            top = y(float(value))
            x = box.left + slot * i + slot * 0.1 + width * series_index
            drawn.append(
                {"name": name, "x": round(x, 1), "y": top, "width": round(width, 1), "height": round(y(0) - top, 1)}
            )
    ticks = []
    value = 0.0
    while value <= top_value + 1e-9:
        ticks.append({"y": y(value), "label": f"{value:g}"})
        value += step
    x_ticks = [{"x": round(box.left + slot * (i + 0.5), 1), "label": label} for i, label in enumerate(labels)]
    return {
        "width": box.width,
        "height": box.height,
        "left": box.left,
        "right": box.width - box.right,
        "bottom": box.height - box.bottom,
        "bars": drawn,
        "y_ticks": ticks,
        "x_ticks": x_ticks,
    }
