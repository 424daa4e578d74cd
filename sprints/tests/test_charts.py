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
