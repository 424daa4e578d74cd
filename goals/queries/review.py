"""Reads of the end of a cycle: the live SMART check of a form, the OKR review of an objective's
subtree, and the objects those name. Scoped to the actor's workspace (SECURITY.md rule 1)."""

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from core.errors import NotFound, ValidationFailed
from core.permissions import require
from goals import smart
from goals.models import Cycle, KeyResult, Metric, Objective

if TYPE_CHECKING:
    from accounts.models import Membership

KINDS = ("objective", "key_result")


def _named(actor: "Membership", field: str, found: Any, given: int | None) -> Any:
    """The object an id of the body names; an id naming nothing of this workspace is a field error."""
    if given is not None and found is None:
        raise ValidationFailed({field: _("This names nothing in this workspace.")})
    return found


def live_check(
    actor: "Membership",
    *,
    kind: str,
    title: str = "",
    owner_id: int | None = None,
    metric: str | None = None,
    start_value: Decimal | None = None,
    target_value: Decimal | None = None,
    due_date: datetime.date | None = None,
    cycle_id: int | None = None,
    objective_id: int | None = None,
    key_result_id: int | None = None,
) -> list[smart.Finding]:
    """The SMART findings of what a form holds now, before it is saved.

    An objective is checked with the key results it has (when `objective_id` names one); a key
    result against the cycle of its objective (`objective_id`, or the objective of `key_result_id`)
    or `cycle_id`. Ids that name nothing of this workspace are field errors (SECURITY.md rule 1);
    the web view leaves them out instead, so that a live hint never fails."""
    require(actor, "goals.view")
    if kind not in KINDS:
        raise ValidationFailed({"kind": _("Choose one of: %(n)s.") % {"n": ", ".join(KINDS)}})
    ws = actor.workspace_id
    if owner_id is not None:
        from accounts.queries import active_member_user

        _named(actor, "owner_id", active_member_user(actor.workspace, owner_id), owner_id)
    cycle = (
        _named(actor, "cycle_id", Cycle.objects.filter(workspace_id=ws, pk=cycle_id).first(), cycle_id)
        if cycle_id
        else None
    )
    objective = None
    if objective_id is not None:
        row = Objective.objects.filter(workspace_id=ws, pk=objective_id).select_related("cycle").first()
        objective = _named(actor, "objective_id", row, objective_id)
    if key_result_id is not None:
        found = KeyResult.objects.filter(workspace_id=ws, pk=key_result_id).select_related("objective__cycle").first()
        _named(actor, "key_result_id", found, key_result_id)
        objective = objective or found.objective
    if kind == "key_result":
        return smart.check_key_result(
            title=title,
            metric=metric if metric in Metric.values else Metric.NUMBER,
            start_value=start_value,
            target_value=target_value,
            owner_id=owner_id,
            due_date=due_date,
            cycle=objective.cycle if objective is not None else cycle,
        )
    key_results: list[KeyResult] = []
    if objective is not None:
        key_results = list(KeyResult.objects.filter(objective=objective))
        cycle = cycle or objective.cycle
    return smart.check_objective(title=title, owner_id=owner_id, cycle=cycle, key_results=key_results)


def get_objective(actor: "Membership", objective_id: int) -> Objective:
    require(actor, "goals.view")
    objective = (
        Objective.objects.filter(workspace_id=actor.workspace_id, pk=objective_id)
        .select_related("cycle", "owner", "reviewer")
        .first()
    )
    if objective is None:
        raise NotFound()
    return objective


def get_key_result(actor: "Membership", key_result_id: int) -> KeyResult:
    require(actor, "goals.view")
    key_result = (
        KeyResult.objects.filter(workspace_id=actor.workspace_id, pk=key_result_id, objective__deleted_at__isnull=True)
        .select_related("objective__cycle", "owner")
        .first()
    )
    if key_result is None:
        raise NotFound()
    return key_result


def get_objective_score(objective_id: int) -> Decimal | None:
    """The stored score of an objective the caller has read already (scoped by that read)."""
    return Objective.all_objects.filter(pk=objective_id).values_list("score", flat=True).first()


def get_cycle(actor: "Membership", cycle_id: int) -> Cycle:
    require(actor, "goals.view")
    cycle = Cycle.objects.filter(workspace_id=actor.workspace_id, pk=cycle_id).first()
    if cycle is None:
        raise NotFound()
    return cycle


def findings_as_dicts(findings: list[smart.Finding]) -> list[dict[str, Any]]:
    return [{"code": f.code, "message": f.message} for f in findings]


# --- The OKR review of an objective's subtree ------------------------------------------------------


def subtree(root: Objective) -> list[Objective]:
    """`root` and every objective aligned to it, all the way down, in tree order: each with `depth`
    and `results` (its key results, in order, their objective and cycle set). Two queries."""
    rows = list(
        Objective.objects.filter(cycle_id=root.cycle_id).select_related("owner", "reviewer").order_by("position", "id")
    )
    by_id = {o.pk: o for o in rows}
    children: dict[int, list[Objective]] = {}
    for objective in rows:
        if objective.parent_id in by_id:
            children.setdefault(objective.parent_id, []).append(objective)
    found: list[Objective] = []
    stack: list[tuple[Objective, int]] = [(by_id.get(root.pk, root), 0)]
    seen: set[int] = set()
    while stack:
        objective, depth = stack.pop()
        if objective.pk in seen:
            continue  # the services refuse loops; this keeps a bad row from looping for ever
        seen.add(objective.pk)
        objective.depth = depth  # type: ignore[attr-defined]
        objective.results = []  # type: ignore[attr-defined]
        objective.cycle = root.cycle
        found.append(objective)
        stack.extend((child, depth + 1) for child in reversed(children.get(objective.pk, [])))
    mine = {o.pk: o for o in found}
    key_results = (
        KeyResult.objects.filter(objective_id__in=list(mine))
        .select_related("owner")
        .order_by("objective_id", "position", "id")
    )
    for key_result in key_results:
        objective = mine[key_result.objective_id]
        key_result.objective = objective
        objective.results.append(key_result)  # type: ignore[attr-defined]
    return found


def review_of(actor: "Membership", objective_id: int) -> dict[str, Any]:
    """What the review page shows: the subtree with each key result's values, progress, confidence,
    scores (given and suggested) and each objective's score and assessments. A constant number of
    queries however big the subtree."""
    from goals import access, progress

    root = get_objective(actor, objective_id)
    objectives = subtree(root)
    for objective in objectives:
        objective.may_self_assess = access.refusal(actor, objective, "self_assessment") is None  # type: ignore[attr-defined]
        objective.may_review = access.refusal(actor, objective, "review_note") is None  # type: ignore[attr-defined]
        for key_result in objective.results:  # type: ignore[attr-defined]
            key_result.suggested_score = progress.suggested_score(key_result.progress)
            key_result.effective_score = progress.key_result_score(key_result)
            key_result.may_self_score = access.refusal(actor, key_result, "self_score") is None
            key_result.may_review = access.refusal(actor, key_result, "review_score") is None
        objective.effective_score = (  # type: ignore[attr-defined]
            objective.score if objective.score is not None else progress.objective_score(objective.results)  # type: ignore[attr-defined]
        )
    return {"root": root, "cycle": root.cycle, "objectives": objectives}
