"""Every scoring model against values worked out by hand (the arithmetic is in each comment).

RICE's effort is in person-months, as the method defines it; WSJF's four inputs are on SAFe's
relative scale 1, 2, 3, 5, 8, 13, 20, with a job size of its own (until migration 0003 WSJF divided
by the effort, then in person-weeks, and its inputs were capped at 10)."""

from decimal import Decimal

import pytest

from core.errors import ValidationFailed
from product import scoring
from product.scoring import Score

WSJF_INPUTS = {"user_value", "time_criticality", "risk_reduction", "job_size"}


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        # 1000 people × impact 2 × 80 % ÷ 4 person-months = 1600 ÷ 4 = 400
        ({"reach": 1000, "impact": Decimal("2"), "confidence": 80, "effort": Decimal("4")}, 400.0),
        # 500 × 0.25 × 50 % ÷ 0.5 person-months (two weeks) = 62.5 ÷ 0.5 = 125
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
        ({"user_value": 8, "time_criticality": 5, "risk_reduction": 3, "job_size": 2}, 8.0),
        # (1 + 1 + 1) ÷ 3 = 1
        ({"user_value": 1, "time_criticality": 1, "risk_reduction": 1, "job_size": 3}, 1.0),
        # the top of the scale, beyond the old cap of 10: (20 + 20 + 20) ÷ 1 = 60
        ({"user_value": 20, "time_criticality": 20, "risk_reduction": 20, "job_size": 1}, 60.0),
        # (13 + 8 + 5) ÷ 20 = 1.3; the effort is RICE's and does not count
        ({"user_value": 13, "time_criticality": 8, "risk_reduction": 5, "job_size": 20, "effort": Decimal("9")}, 1.3),
    ],
)
def test_wsjf(inputs: dict, expected: float) -> None:
    assert scoring.compute("wsjf", inputs).value == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "effort", "expected"),
    [(8, Decimal("4"), 2.0), (13, Decimal("2.5"), 5.2), (1, Decimal("0.25"), 4.0)],  # person-months
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
        ("wsjf", {"user_value": 3, "job_size": 1}, ("time_criticality", "risk_reduction")),
        # WSJF no longer borrows RICE's effort: without a job size it has no score.
        ("wsjf", {"user_value": 3, "time_criticality": 2, "risk_reduction": 1, "effort": Decimal("1")}, ("job_size",)),
        ("value_effort", {"user_value": 5, "effort": None}, ("effort",)),
        ("moscow", {"moscow": ""}, ("moscow",)),
        ("kano", {}, ("kano",)),
    ],
)
def test_missing_inputs_give_no_score_and_name_what_is_missing(model: str, inputs: dict, missing: tuple) -> None:
    assert scoring.compute(model, inputs) == Score(None, missing)


@pytest.mark.parametrize(("model", "divisor"), [("rice", "effort"), ("wsjf", "job_size"), ("value_effort", "effort")])
def test_a_zero_divisor_is_refused_naming_it(model: str, divisor: str) -> None:
    inputs = {"reach": 1, "impact": 1, "confidence": 50, "user_value": 5, "time_criticality": 1, "risk_reduction": 1}
    with pytest.raises(ValidationFailed) as refused:
        scoring.compute(model, inputs | {"effort": Decimal("1"), "job_size": 1} | {divisor: 0})
    assert set(refused.value.errors) == {divisor}


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
    scores = scoring.all_scores({"user_value": 5, "effort": Decimal("2.5"), "moscow": "should"})
    assert scores["value_effort"] == Score(2.0)  # 5 ÷ 2.5 person-months
    scores = scoring.all_scores({"user_value": 8, "effort": Decimal("4"), "moscow": "should"})
    assert scores["value_effort"] == Score(2.0)
    assert scores["moscow"] == Score(2.0)
    assert scores["rice"].missing == ("reach", "impact", "confidence")
    assert scores["kano"] == Score(None, ("kano",))


def test_every_model_is_explained_in_one_line() -> None:
    assert set(scoring.EXPLANATIONS) == set(scoring.INPUTS)
    assert all("\n" not in str(line) for line in scoring.EXPLANATIONS.values())
    assert "person-months" in str(scoring.EXPLANATIONS["rice"])
    assert "1, 2, 3, 5, 8, 13, 20" in str(scoring.EXPLANATIONS["wsjf"])


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({"user_value": 20, "confidence": 100, "reach": 0, "impact": Decimal("0.5")}, set()),
        ({"time_criticality": 13, "risk_reduction": 1, "job_size": 8, "effort": Decimal("0.25")}, set()),
        # WSJF's inputs take only the steps of the scale: 4 and 10 are between steps, 21 beyond it.
        ({"user_value": 4, "time_criticality": 10, "risk_reduction": 21, "job_size": 0}, WSJF_INPUTS),
        ({"feasibility": 0, "market_potential": 6}, {"feasibility", "market_potential"}),
        ({"confidence": 101}, {"confidence"}),
        ({"impact": Decimal("1.5")}, {"impact"}),
        ({"effort": Decimal("0")}, {"effort"}),
        ({"effort": Decimal("-2")}, {"effort"}),
    ],
)
def test_inputs_are_checked_against_their_ranges(values: dict, errors: set) -> None:
    assert set(scoring.check_inputs(values)) == errors
