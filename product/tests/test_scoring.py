"""Every scoring model against values worked out by hand (the arithmetic is in each comment)."""

from decimal import Decimal

import pytest

from core.errors import ValidationFailed
from product import scoring
from product.scoring import Score


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        # 1000 people × impact 2 × 80 % ÷ 4 person-weeks = 1600 ÷ 4 = 400
        ({"reach": 1000, "impact": Decimal("2"), "confidence": 80, "effort": Decimal("4")}, 400.0),
        # 500 × 0.25 × 50 % ÷ 0.5 = 62.5 ÷ 0.5 = 125
        ({"reach": 500, "impact": Decimal("0.25"), "confidence": 50, "effort": Decimal("0.5")}, 125.0),
        # 0 people reached: 0, a score, not a missing one
        ({"reach": 0, "impact": Decimal("3"), "confidence": 100, "effort": Decimal("1")}, 0.0),
        # 120 × 3 × 100 % ÷ 9 = 40
        ({"reach": 120, "impact": Decimal("3"), "confidence": 100, "effort": Decimal("9")}, 40.0),
    ],
)
def test_rice(inputs: dict, expected: float) -> None:
    assert scoring.compute("rice", inputs) == Score(expected)


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        # cost of delay 8 + 5 + 3 = 16, job size 2 → 8
        ({"user_value": 8, "time_criticality": 5, "risk_reduction": 3, "effort": Decimal("2")}, 8.0),
        # (1 + 1 + 1) ÷ 3 = 1
        ({"user_value": 1, "time_criticality": 1, "risk_reduction": 1, "effort": Decimal("3")}, 1.0),
        # (10 + 10 + 10) ÷ 0.5 = 60
        ({"user_value": 10, "time_criticality": 10, "risk_reduction": 10, "effort": Decimal("0.5")}, 60.0),
    ],
)
def test_wsjf(inputs: dict, expected: float) -> None:
    assert scoring.compute("wsjf", inputs) == Score(expected)


@pytest.mark.parametrize(
    ("value", "effort", "expected"),
    [(9, Decimal("3"), 3.0), (7, Decimal("2.5"), 2.8), (1, Decimal("4"), 0.25)],
)
def test_value_over_effort(value: int, effort: Decimal, expected: float) -> None:
    assert scoring.compute("value_effort", {"user_value": value, "effort": effort}).value == pytest.approx(expected)


@pytest.mark.parametrize(
    ("model", "category", "expected"),
    [
        ("moscow", "must", 3.0),
        ("moscow", "should", 2.0),
        ("moscow", "could", 1.0),
        ("moscow", "wont", 0.0),
        ("kano", "must_be", 4.0),
        ("kano", "performance", 3.0),
        ("kano", "attractive", 2.0),
        ("kano", "indifferent", 1.0),
        ("kano", "reverse", 0.0),
    ],
)
def test_categories_rank_in_their_order(model: str, category: str, expected: float) -> None:
    assert scoring.compute(model, {model: category}) == Score(expected)


@pytest.mark.parametrize(
    ("model", "inputs", "missing"),
    [
        ("rice", {}, ("reach", "impact", "confidence", "effort")),
        ("rice", {"reach": 10, "impact": Decimal("1"), "effort": Decimal("1")}, ("confidence",)),
        ("wsjf", {"user_value": 3, "effort": Decimal("1")}, ("time_criticality", "risk_reduction")),
        ("value_effort", {"user_value": 5, "effort": None}, ("effort",)),
        ("moscow", {"moscow": ""}, ("moscow",)),
        ("kano", {}, ("kano",)),
    ],
)
def test_missing_inputs_give_no_score_and_name_what_is_missing(model: str, inputs: dict, missing: tuple) -> None:
    assert scoring.compute(model, inputs) == Score(None, missing)


@pytest.mark.parametrize("model", ["rice", "wsjf", "value_effort"])
def test_zero_effort_is_refused_naming_effort(model: str) -> None:
    inputs = {"reach": 1, "impact": 1, "confidence": 50, "user_value": 5, "time_criticality": 1, "risk_reduction": 1}
    with pytest.raises(ValidationFailed) as refused:
        scoring.compute(model, inputs | {"effort": Decimal("0")})
    assert set(refused.value.errors) == {"effort"}


def test_an_unknown_model_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        scoring.compute("ice", {})
    assert set(refused.value.errors) == {"scoring_model"}


@pytest.mark.parametrize(
    ("score", "customers", "weight", "expected"),
    [
        (400.0, 0, Decimal("0.1"), 400.0),  # log2(1) = 0: no customers, no change
        (400.0, 1, Decimal("0.1"), 440.0),  # × (1 + 0.1 × log2 2) = × 1.1
        (400.0, 7, Decimal("0.1"), 520.0),  # × (1 + 0.1 × log2 8) = × 1.3
        (400.0, 3, Decimal("0.5"), 800.0),  # × (1 + 0.5 × log2 4) = × 2
        (400.0, 1000, Decimal("0"), 400.0),  # weight 0: demand does not count
        (None, 50, Decimal("1"), None),  # no score stays no score
    ],
)
def test_demand_raises_a_score_by_doublings_of_customers(
    score: float | None, customers: int, weight: Decimal, expected: float | None
) -> None:
    assert scoring.with_demand(score, customers, weight) == pytest.approx(expected)


def test_every_model_at_once_reports_each_result() -> None:
    scores = scoring.all_scores({"user_value": 6, "effort": Decimal("2"), "moscow": "should"})
    assert scores["value_effort"] == Score(3.0)
    assert scores["moscow"] == Score(2.0)
    assert scores["rice"].missing == ("reach", "impact", "confidence")
    assert scores["kano"] == Score(None, ("kano",))


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({"user_value": 10, "confidence": 100, "reach": 0, "impact": Decimal("0.5")}, set()),
        ({"user_value": 11}, {"user_value"}),
        ({"feasibility": 0, "market_potential": 6}, {"feasibility", "market_potential"}),
        ({"confidence": 101}, {"confidence"}),
        ({"impact": Decimal("1.5")}, {"impact"}),
        ({"effort": Decimal("0")}, {"effort"}),
        ({"effort": Decimal("-2")}, {"effort"}),
    ],
)
def test_inputs_are_checked_against_their_ranges(values: dict, errors: set) -> None:
    assert set(scoring.check_inputs(values)) == errors
