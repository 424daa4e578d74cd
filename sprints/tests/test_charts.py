"""The chart maths, by hand."""

import datetime
from decimal import Decimal

from sprints import charts

D = datetime.date(2030, 3, 4)


def day(n: int) -> datetime.date:
    return D + datetime.timedelta(days=n)


def test_burndown_and_burnup_of_a_small_sprint() -> None:
    items = [
        charts.Done(Decimal(3), day(0)),
        charts.Done(Decimal(2), day(2)),
        charts.Done(Decimal(1), None),
        charts.Done(None, day(1)),  # no points: counts as an item only
    ]
    s = charts.series(D, day(3), items)
    assert s["days"] == ["2030-03-04", "2030-03-05", "2030-03-06", "2030-03-07"]
    assert s["burndown"]["points"]["remaining"] == [3, 3, 1, 1]
    assert s["burndown"]["points"]["ideal"] == [6, 4, 2, 0]
    assert s["burndown"]["count"]["remaining"] == [3, 2, 1, 1]
    assert s["burnup"]["points"]["done"] == [3, 3, 5, 5]
    assert s["burnup"]["points"]["total"] == [6, 6, 6, 6]
    assert s["burnup"]["count"]["done"] == [1, 2, 3, 3]
    assert s["burnup"]["count"]["total"] == [4, 4, 4, 4]


def test_done_before_the_start_counts_from_the_first_day_and_future_days_are_empty() -> None:
    s = charts.series(D, day(2), [charts.Done(2, day(-3)), charts.Done(1, None)], today=day(1))
    assert s["burndown"]["points"]["remaining"] == [1, 1, None]
    assert s["burnup"]["count"]["done"] == [1, 1, None]


def test_a_one_day_sprint_and_an_empty_one() -> None:
    s = charts.series(D, D, [])
    assert s["burndown"]["points"] == {"remaining": [0], "ideal": [0]}


def test_average() -> None:
    assert charts.average([Decimal(10), Decimal(20), None]) == 15
    assert charts.average([]) is None


def test_line_chart_geometry() -> None:
    box = charts.Box(width=120, height=70, left=10, right=10, top=10, bottom=10)
    chart = charts.line_chart(["a", "b", "c"], {"up": [0, 5, 10], "gap": [10, None, 0]}, box)
    up, gap = chart["lines"]
    assert up["points"] == "10.0,60.0 60.0,35.0 110.0,10.0"
    assert gap["points"] == "10.0,10.0"  # a line stops at its first missing value
    assert [t["label"] for t in chart["y_ticks"]] == ["0", "5", "10"]
    assert [t["label"] for t in chart["x_ticks"]] == ["a", "b", "c"]


def test_line_chart_shows_at_most_eight_day_labels() -> None:
    chart = charts.line_chart([str(i) for i in range(30)], {"flat": [0] * 30})
    assert len(chart["x_ticks"]) <= 8
    assert chart["y_ticks"][0]["label"] == "0"


def test_bar_chart_geometry() -> None:
    box = charts.Box(width=120, height=70, left=10, right=10, top=10, bottom=10)
    chart = charts.bar_chart(["S1", "S2"], {"committed": [10, 5], "completed": [5, None]}, box)
    # Two slots of 50 px; two bars of 20 px each, side by side after a 5 px margin.
    assert [(b["name"], b["x"], b["y"], b["width"], b["height"]) for b in chart["bars"]] == [
        ("committed", 15.0, 10.0, 20.0, 50.0),
        ("committed", 65.0, 35.0, 20.0, 25.0),
        ("completed", 35.0, 35.0, 20.0, 25.0),  # S2 has no completed value: no bar
    ]
    assert [t["label"] for t in chart["x_ticks"]] == ["S1", "S2"]
    assert [t["x"] for t in chart["x_ticks"]] == [35.0, 85.0]
