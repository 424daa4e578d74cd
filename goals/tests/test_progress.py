"""Progress, the one place it is computed: key results from their values (increasing, decreasing,
yes / no, milestones), objectives weighted by their key results, the roll-up of a subtree; and
properties that hold for any values: within 0–100, monotone in the current value."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goals import progress
from goals.models import Metric

D = Decimal


@pytest.mark.parametrize(
    ("metric", "start", "target", "current", "expected"),
    [
        (Metric.NUMBER, D(100), D(200), D(150), 50.0),
        (Metric.NUMBER, D(100), D(200), D(100), 0.0),
        (Metric.NUMBER, D(100), D(200), D(200), 100.0),
        (Metric.NUMBER, D(100), D(200), D(250), 100.0),  # beyond the target: done, not more
        (Metric.NUMBER, D(100), D(200), D(50), 0.0),  # behind the start: nothing, not less
        (Metric.CURRENCY, D(0), D("1000000"), D("250000"), 25.0),
        # Decreasing: churn from 8 % to 5 %.
        (Metric.PERCENTAGE, D(8), D(5), D(8), 0.0),
        (Metric.PERCENTAGE, D(8), D(5), D("6.5"), 50.0),
        (Metric.PERCENTAGE, D(8), D(5), D(5), 100.0),
        (Metric.PERCENTAGE, D(8), D(5), D(4), 100.0),
        (Metric.PERCENTAGE, D(8), D(5), D(9), 0.0),
        # Yes / no: done or not.
        (Metric.YES_NO, D(0), D(1), D(0), 0.0),
        (Metric.YES_NO, D(0), D(1), D(1), 100.0),
        (Metric.YES_NO, D(0), None, D(1), 100.0),
        # Milestones: 0 → the number of milestones.
        (Metric.MILESTONE, D(0), D(4), D(1), 25.0),
        (Metric.MILESTONE, D(0), D(4), D(4), 100.0),
        (Metric.MILESTONE, D(0), D(3), D(2), pytest.approx(66.6667, abs=1e-3)),
        # Keep it at: a target equal to its start is a floor to hold, done while met, not while not.
        (Metric.PERCENTAGE, D("99.9"), D("99.9"), D("99.9"), 100.0),
        (Metric.PERCENTAGE, D("99.9"), D("99.9"), D("99.95"), 100.0),
        (Metric.PERCENTAGE, D("99.9"), D("99.9"), D("99.8"), 0.0),
        (Metric.NUMBER, D(5), D(5), D(7), 100.0),
        (Metric.CURRENCY, D(5), D(5), D(3), 0.0),
        # No target, or milestones with none named: 0, whatever the value.
        (Metric.NUMBER, D(5), None, D(7), 0.0),
        (Metric.MILESTONE, D(0), D(0), D(0), 0.0),
    ],
)
def test_key_result_progress(
    metric: str, start: Decimal, target: Decimal | None, current: Decimal, expected: float
) -> None:
    assert progress.key_result_progress(metric, start, target, current) == expected


def test_work_progress() -> None:
    assert progress.work_progress(D(3), D(4)) == 75.0
    assert progress.work_progress(D(0), D(0)) == 0.0
    assert progress.work_progress(D(5), D(4)) == 100.0


def test_weighted_mean_of_key_results() -> None:
    assert progress.weighted([(D(1), 50.0), (D(1), 100.0)]) == 75.0
    assert progress.weighted([(D(3), 100.0), (D(1), 0.0)]) == 75.0
    assert progress.weighted([(D("0.5"), 20.0)]) == 20.0
    assert progress.weighted([]) is None


def test_roll_up_with_weights_over_the_subtree() -> None:
    # 1 ← 2 ← 4, and 1 ← 3; objective 5 is elsewhere.
    children: dict[int | None, list[int]] = {1: [2, 3], 2: [4]}
    own = {
        1: [(D(2), 50.0)],
        2: [(D(1), 100.0)],
        3: [(D(1), 0.0), (D(1), 0.0)],
        4: [(D(3), 100.0)],
        5: [(D(100), 100.0)],
    }
    # (2·50 + 100 + 0 + 0 + 3·100) / (2 + 1 + 1 + 1 + 3) = 500 / 8
    assert progress.rolled_up(children, own, 1) == 62.5
    assert progress.rolled_up(children, own, 2) == 100.0
    assert progress.rolled_up(children, own, 3) == 0.0
    assert progress.rolled_up(children, {}, 1) is None


def test_roll_up_survives_a_loop() -> None:
    loop: dict[int | None, list[int]] = {1: [2], 2: [1]}
    assert progress.rolled_up(loop, {1: [(D(1), 40.0)], 2: [(D(1), 60.0)]}, 1) == 50.0


def test_suggested_score_in_tenths() -> None:
    assert progress.suggested_score(0.0) == D("0.0")
    assert progress.suggested_score(73.0) == D("0.7")
    assert progress.suggested_score(100.0) == D("1.0")


# --- Properties ----------------------------------------------------------------------------------

values = st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, allow_infinity=False, places=4)
spanned = st.tuples(values, values).filter(lambda pair: pair[0] != pair[1])
metrics = st.sampled_from([Metric.NUMBER, Metric.PERCENTAGE, Metric.CURRENCY, Metric.MILESTONE])


@given(metric=st.sampled_from(list(Metric)), start=values, target=st.none() | values, current=values)
def test_progress_is_always_within_0_and_100(
    metric: str, start: Decimal, target: Decimal | None, current: Decimal
) -> None:
    assert 0.0 <= progress.key_result_progress(metric, start, target, current) <= 100.0


@given(metric=metrics, span=spanned, a=values, b=values)
def test_progress_is_monotone_in_the_current_value(
    metric: str, span: tuple[Decimal, Decimal], a: Decimal, b: Decimal
) -> None:
    """Moving towards the target never lowers progress: up for an increasing target, down for a
    decreasing one."""
    start, target = span
    low, high = min(a, b), max(a, b)
    at_low = progress.key_result_progress(metric, start, target, low)
    at_high = progress.key_result_progress(metric, start, target, high)
    if target > start:
        assert at_low <= at_high
    else:
        assert at_low >= at_high


@given(span=spanned)
def test_progress_is_0_at_the_start_and_100_at_the_target(span: tuple[Decimal, Decimal]) -> None:
    start, target = span
    assert progress.key_result_progress(Metric.NUMBER, start, target, start) == 0.0
    assert progress.key_result_progress(Metric.NUMBER, start, target, target) == 100.0


@given(
    pairs=st.lists(st.tuples(st.decimals(min_value="0.01", max_value=100, places=2), st.floats(0, 100)), max_size=20)
)
def test_weighted_stays_within_the_values(pairs: list[tuple[Decimal, float]]) -> None:
    result = progress.weighted(pairs)
    if not pairs:
        assert result is None
    else:
        assert min(p for _, p in pairs) - 1e-9 <= result <= max(p for _, p in pairs) + 1e-9  # type: ignore[operator]


@given(metric=st.sampled_from([Metric.NUMBER, Metric.PERCENTAGE, Metric.CURRENCY]), level=values, a=values, b=values)
def test_a_keep_at_result_is_all_or_nothing_and_monotone(metric: str, level: Decimal, a: Decimal, b: Decimal) -> None:
    """Start = target: 100 while the value is at or above the level, 0 below it."""
    low, high = min(a, b), max(a, b)
    at_low = progress.key_result_progress(metric, level, level, low)
    at_high = progress.key_result_progress(metric, level, level, high)
    assert {at_low, at_high} <= {0.0, 100.0}
    assert at_low <= at_high
    assert (at_high == 100.0) == (high >= level)
