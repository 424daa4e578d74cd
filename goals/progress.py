"""Progress, the one place it is computed: of a key result from its values, of an objective from
its key results (weighted), and of a subtree (the roll-up). Pure functions, no database."""

from collections.abc import Iterable
from decimal import Decimal

from goals.models import KeyResult, Metric


def key_result_progress(metric: str, start: Decimal, target: Decimal | None, current: Decimal) -> float:
    """(current − start) / (target − start) as a percentage, bounded to 0–100.

    A decreasing target (churn from 8 % to 5 %) divides by a negative span, so moving down moves
    progress up. Yes / no is done or not. Without a target there is nothing to reach: 0.

    A target equal to its start is a level to keep ("keep availability at 99.9 %"): 100 while it is
    met, 0 while not. Met means at or above it: with no span there is no direction to read, and
    what teams keep at a level is mostly a floor (availability, satisfaction, coverage); a ceiling
    to stay under (an error rate) is written as a decreasing target from where it is today."""
    if metric == Metric.YES_NO:
        return 100.0 if current >= 1 else 0.0
    if target is None:
        return 0.0
    if target == start:
        if metric == Metric.MILESTONE:
            return 0.0  # no milestones named (the services refuse it): nothing to reach
        return 100.0 if current >= target else 0.0
    share = (current - start) / (target - start)
    return float(min(Decimal(1), max(Decimal(0), share)) * 100)


def work_progress(done: Decimal, total: Decimal) -> float:
    """The share of linked work that is done, by count or by estimate; 0 when there is none."""
    if total <= 0:
        return 0.0
    return float(min(Decimal(1), max(Decimal(0), done / total)) * 100)


def weighted(pairs: Iterable[tuple[Decimal, float]]) -> float | None:
    """The mean of progress values weighted by their key results' weights; None without any."""
    total_weight, total = Decimal(0), Decimal(0)
    for weight, progress in pairs:
        total_weight += weight
        total += weight * Decimal(str(progress))
    if total_weight <= 0:
        return None
    return float(total / total_weight)


def rolled_up(
    children: dict[int | None, list[int]], own: dict[int, list[tuple[Decimal, float]]], root: int
) -> float | None:
    """The weighted mean of every key result of `root`'s subtree: the objective's own and those of
    the objectives aligned to it, all the way down. `children` maps an objective to those aligned
    to it, `own` an objective to its key results' (weight, progress)."""
    pairs: list[tuple[Decimal, float]] = []
    stack, seen = [root], set()
    while stack:
        objective = stack.pop()
        if objective in seen:
            continue  # the services refuse cycles; this keeps a bad row from looping for ever
        seen.add(objective)
        pairs.extend(own.get(objective, ()))
        stack.extend(children.get(objective, ()))
    return weighted(pairs)


def suggested_score(progress: float) -> Decimal:
    """The score a key result's progress suggests at the end of a cycle, in tenths (0.0–1.0)."""
    return (Decimal(str(progress)) / 100).quantize(Decimal("0.1"))


# --- Scores (0.0–1.0) from progress and the scores people give ------------------------------------

TWO_PLACES = Decimal("0.01")


def key_result_score(key_result: KeyResult) -> Decimal:
    if key_result.review_score is not None:
        return key_result.review_score
    if key_result.self_score is not None:
        return key_result.self_score
    return suggested_score(key_result.progress)


def objective_score(key_results: list[KeyResult]) -> Decimal | None:
    """The weighted mean of the key results' scores, to two places; None without key results."""
    total_weight = sum((kr.weight for kr in key_results), Decimal(0))
    if total_weight <= 0:
        return None
    total = sum((kr.weight * key_result_score(kr) for kr in key_results), Decimal(0))
    return (total / total_weight).quantize(TWO_PLACES)
