"""Keeps the stored progress of a cycle's objectives current: each objective's own (the weighted
mean of its key results) and its roll-up (of every key result of its subtree).

Called in the transaction of every write that moves a key result's progress, a weight, or the
tree's shape. A cycle is read whole in two queries and only changed rows are written."""

from collections import defaultdict
from decimal import Decimal

from goals import progress
from goals.models import KeyResult, Objective


def refresh_cycle(cycle_id: int) -> None:
    objectives = list(Objective.objects.filter(cycle_id=cycle_id).only("pk", "parent_id", "progress", "rolled_up"))
    alive = {o.pk for o in objectives}
    children: dict[int | None, list[int]] = defaultdict(list)
    for objective in objectives:
        if objective.parent_id in alive:
            children[objective.parent_id].append(objective.pk)
    own: dict[int, list[tuple[Decimal, float]]] = defaultdict(list)
    rows = KeyResult.objects.filter(objective__cycle_id=cycle_id, objective__deleted_at__isnull=True)
    for objective_id, weight, value in rows.values_list("objective_id", "weight", "progress"):
        own[objective_id].append((weight, value))
    changed = []
    for objective in objectives:
        mine = progress.weighted(own.get(objective.pk, ()))
        subtree = progress.rolled_up(children, own, objective.pk)
        if (mine, subtree) != (objective.progress, objective.rolled_up):
            objective.progress, objective.rolled_up = mine, subtree
            changed.append(objective)
    if changed:
        Objective.objects.bulk_update(changed, ["progress", "rolled_up"], batch_size=500)
