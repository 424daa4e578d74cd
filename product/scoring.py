"""Every requirement score is computed here, and only here.

- RICE = reach × impact × confidence% ÷ effort, the effort in person-months as the method defines it
- WSJF = cost of delay ÷ job size, the cost of delay being user-business value + time criticality +
  risk reduction / opportunity enablement; all four on SAFe's relative scale 1, 2, 3, 5, 8, 13, 20
- value / effort = user-business value ÷ effort (person-months)
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
from django.utils.translation import gettext_lazy

from core.errors import ValidationFailed

IMPACTS = (Decimal("0.25"), Decimal("0.5"), Decimal("1"), Decimal("2"), Decimal("3"))
MOSCOW_POINTS = {"must": 3, "should": 2, "could": 1, "wont": 0}
KANO_POINTS = {"must_be": 4, "performance": 3, "attractive": 2, "indifferent": 1, "reverse": 0}

# SAFe's modified Fibonacci: relative sizes, each step about 60 % more than the one before.
RELATIVE_SCALE = (1, 2, 3, 5, 8, 13, 20)
RELATIVE_FIELDS = ("user_value", "time_criticality", "risk_reduction", "job_size")

INPUTS: dict[str, tuple[str, ...]] = {
    "rice": ("reach", "impact", "confidence", "effort"),
    "wsjf": ("user_value", "time_criticality", "risk_reduction", "job_size"),
    "value_effort": ("user_value", "effort"),
    "moscow": ("moscow",),
    "kano": ("kano",),
}
# What each model's score means, in one line, shown next to it.
EXPLANATIONS = {
    "rice": gettext_lazy(
        "Reach (people a quarter) × impact × confidence ÷ effort (person-months): "
        "the value delivered per person-month of work."
    ),
    "wsjf": gettext_lazy(
        "Cost of delay (user-business value + time criticality + risk reduction) ÷ job size, each on "
        "the relative scale 1, 2, 3, 5, 8, 13, 20: the most value lost to waiting per unit of size first."
    ),
    "value_effort": gettext_lazy("User-business value (1, 2, 3, 5, 8, 13, 20) ÷ effort (person-months)."),
    "moscow": gettext_lazy("MoSCoW category as a rank: must 3, should 2, could 1, won't 0."),
    "kano": gettext_lazy("Kano category as a rank: must-be 4, performance 3, attractive 2, indifferent 1, reverse 0."),
}
# The other numeric analysis fields and their bounds, for checking input (services) and for forms.
RANGES: dict[str, tuple[float, float]] = {
    "feasibility": (1, 5),
    "market_potential": (1, 5),
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


def _divisor(inputs: Any, name: str) -> Decimal:
    value = Decimal(str(_get(inputs, name)))
    if value <= 0:
        message = _("Effort must be more than zero.") if name == "effort" else _("Job size must be more than zero.")
        raise ValidationFailed({name: message})
    return value


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
        return Score(float(reach * impact * confidence / _divisor(inputs, "effort")))
    if model == "wsjf":
        cost_of_delay = sum(Decimal(_get(inputs, f)) for f in ("user_value", "time_criticality", "risk_reduction"))
        return Score(float(cost_of_delay / _divisor(inputs, "job_size")))
    if model == "value_effort":
        return Score(float(Decimal(_get(inputs, "user_value")) / _divisor(inputs, "effort")))
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
    scale = ", ".join(str(step) for step in RELATIVE_SCALE)
    for name in RELATIVE_FIELDS:
        value = values.get(name)
        if value is not None and value not in RELATIVE_SCALE:
            errors[name] = _("Choose one of: %(n)s.") % {"n": scale}
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
