"""Chart maths, pure functions: the daily burndown and burnup series of a sprint and velocity (drawn
by the one chart helper, core.charts)."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from core.charts import Box, Chart, Series, bar_chart, line_chart

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


# --- The charts, laid out by the one chart helper -----------------------------------------------


def _day_labels(days: Sequence[str]) -> list[str]:
    return [d[5:] for d in days]  # 2026-03-02 → 03-02


def burndown_chart(series: dict[str, Any], box: Box = Box()) -> Chart:
    points = series["burndown"]["points"]
    return line_chart(
        title=_("Burndown: points remaining"),
        labels=_day_labels(series["days"]),
        series=[
            Series("ideal", _("Ideal"), points["ideal"], reference=True),
            Series("remaining", _("Remaining"), points["remaining"]),
        ],
        x_label=_("Day"),
        y_label=_("Remaining"),
        unit=_("points"),
        box=box,
    )


def burnup_chart(series: dict[str, Any]) -> Chart:
    points = series["burnup"]["points"]
    return line_chart(
        title=_("Burnup: points done and total scope"),
        labels=_day_labels(series["days"]),
        series=[
            Series("total", _("Total scope"), points["total"], reference=True),
            Series("done", _("Done"), points["done"]),
        ],
        x_label=_("Day"),
        y_label=_("Done"),
        unit=_("points"),
    )


def velocity_chart(names: Sequence[str], committed: Sequence[Any], completed: Sequence[Any]) -> Chart:
    return bar_chart(
        title=_("Velocity: committed and completed points per sprint"),
        labels=names,
        series=[
            Series("committed", _("Committed points"), committed, reference=True),
            Series("completed", _("Completed points"), completed),
        ],
        x_label=_("Sprint"),
        y_label=_("Velocity"),
        unit=_("points"),
    )
