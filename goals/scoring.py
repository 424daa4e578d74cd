"""Scores at the end of a cycle (评分): 0.0–1.0 per key result, and per objective from its key
results weighted by their weights.

A key result's score is the reviewer's when given, else its owner's self-score, else the one its
progress suggests (in tenths). Closing a cycle computes every objective's score (`score_cycle`)."""

from collections import defaultdict
from decimal import Decimal

from goals import progress
from goals.models import Cycle, KeyResult, Objective

TWO_PLACES = Decimal("0.01")


def key_result_score(key_result: KeyResult) -> Decimal:
    if key_result.review_score is not None:
        return key_result.review_score
    if key_result.self_score is not None:
        return key_result.self_score
    return progress.suggested_score(key_result.progress)


def objective_score(key_results: list[KeyResult]) -> Decimal | None:
    """The weighted mean of the key results' scores, to two places; None without key results."""
    total_weight = sum((kr.weight for kr in key_results), Decimal(0))
    if total_weight <= 0:
        return None
    total = sum((kr.weight * key_result_score(kr) for kr in key_results), Decimal(0))
    return (total / total_weight).quantize(TWO_PLACES)


def score_cycle(cycle: Cycle) -> None:
    """Store every objective's score of the cycle (two queries, one bulk write)."""
    by_objective: dict[int, list[KeyResult]] = defaultdict(list)
    for key_result in KeyResult.objects.filter(objective__cycle=cycle, objective__deleted_at__isnull=True):
        by_objective[key_result.objective_id].append(key_result)
    objectives = list(Objective.objects.filter(cycle=cycle))
    for objective in objectives:
        objective.score = objective_score(by_objective.get(objective.pk, []))
    Objective.objects.bulk_update(objectives, ["score"], batch_size=500)
