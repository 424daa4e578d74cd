"""Every requirement score is computed here, and only here.

- RICE = reach × impact × confidence% ÷ effort
- WSJF = (user value + time criticality + risk reduction) ÷ effort (the job size)
- value / effort = user value ÷ effort
- MoSCoW and Kano are categories; as a rank they score must 3, should 2, could 1, won't 0, and
  must-be 4, performance 3, attractive 2, indifferent 1, reverse 0.

A model whose inputs are missing gives no score (and names what is missing) rather than guessing.
The demand signal multiplies a score by 1 + weight × log2(1 + distinct customers): with weight 0.1,
1 customer adds 10 %, 3 add 20 %, 7 add 30 % — each doubling of customers adds the same step.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from core.errors import ValidationFailed

IMPACTS = (Decimal("0.25"), Decimal("0.5"), Decimal("1"), Decimal("2"), Decimal("3"))
MOSCOW_POINTS = {"must": 3, "should": 2, "could": 1, "wont": 0}
KANO_POINTS = {"must_be": 4, "performance": 3, "attractive": 2, "indifferent": 1, "reverse": 0}

INPUTS: dict[str, tuple[str, ...]] = {
    "rice": ("reach", "impact", "confidence", "effort"),
    "wsjf": ("user_value", "time_criticality", "risk_reduction", "effort"),
    "value_effort": ("user_value", "effort"),
    "moscow": ("moscow",),
    "kano": ("kano",),
}
# The analysis fields and their bounds, for checking input (services) and for forms.
RANGES: dict[str, tuple[float, float]] = {
    "feasibility": (1, 5),
    "market_potential": (1, 5),
    "user_value": (1, 10),
    "time_criticality": (1, 10),
    "risk_reduction": (1, 10),
    "confidence": (0, 100),
    "reach": (0, 100_000_000),
    "effort": (0, 99_999),
}


@dataclass(frozen=True)
class Score:
    value: float | None
    missing: tuple[str, ...] = ()


def _get(inputs: Any, name: str) -> Any:
    value = inputs.get(name) if isinstance(inputs, Mapping) else getattr(inputs, name, None)
    return None if value in (None, "") else value


def _effort(inputs: Any) -> Decimal:
    effort = Decimal(str(_get(inputs, "effort")))
    if effort <= 0:
        raise ValidationFailed({"effort": _("Effort must be more than zero.")})
    return effort


def compute(model: str, inputs: Any) -> Score:
    """The score of one model, from a requirement or a mapping of its analysis fields."""
    if model not in INPUTS:
        raise ValidationFailed({"scoring_model": _("Choose one of: %(n)s.") % {"n": ", ".join(INPUTS)}})
    missing = tuple(name for name in INPUTS[model] if _get(inputs, name) is None)
    if missing:
        return Score(None, missing)
    if model == "rice":
        reach, impact = Decimal(_get(inputs, "reach")), Decimal(str(_get(inputs, "impact")))
        confidence = Decimal(_get(inputs, "confidence")) / 100
        return Score(float(reach * impact * confidence / _effort(inputs)))
    if model == "wsjf":
        cost_of_delay = sum(Decimal(_get(inputs, f)) for f in ("user_value", "time_criticality", "risk_reduction"))
        return Score(float(cost_of_delay / _effort(inputs)))
    if model == "value_effort":
        return Score(float(Decimal(_get(inputs, "user_value")) / _effort(inputs)))
    if model == "moscow":
        return Score(float(MOSCOW_POINTS[_get(inputs, "moscow")]))
    return Score(float(KANO_POINTS[_get(inputs, "kano")]))


def with_demand(value: float | None, customers: int, weight: Decimal | float) -> float | None:
    if value is None:
        return None
    return value * (1 + float(weight) * math.log2(1 + customers))


def ranking_score(model: str, inputs: Any, *, customers: int, weight: Decimal | float) -> float | None:
    """What the backlog sorts by: the workspace model's score, raised by demand."""
    return with_demand(compute(model, inputs).value, customers, weight)


def all_scores(inputs: Any) -> dict[str, Score]:
    return {model: compute(model, inputs) for model in INPUTS}


def check_inputs(values: Mapping[str, Any]) -> dict[str, str]:
    """Field errors for the analysis inputs among `values`; an empty dict when they are fine."""
    errors: dict[str, str] = {}
    for name, (low, high) in RANGES.items():
        value = values.get(name)
        if value is None:
            continue
        if name == "effort" and value <= 0:
            errors[name] = _("Effort must be more than zero.")
        elif not low <= value <= high:
            errors[name] = _("Must be between %(low)s and %(high)s.") % {"low": low, "high": high}
    impact = values.get("impact")
    if impact is not None and Decimal(str(impact)) not in IMPACTS:
        errors["impact"] = _("Choose one of: %(n)s.") % {"n": ", ".join(str(i) for i in IMPACTS)}
    return errors
