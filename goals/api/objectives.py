"""Cycles, objectives and the alignment tree over HTTP: thin handlers that parse, call a service or a
query, render."""

from typing import Annotated, Any

from ninja import Query, Router, Status

from accounts.queries import membership_for
from cadence.api_auth import ApiRequest
from core.api import ERRORS, Cursor, FilterId, Limit, WorkspaceSlug, changes, json_response
from core.pagination import paginate
from core.schemas import PathId, page_of
from goals import queries
from goals.schemas.objectives import (
    CycleIn,
    CycleOut,
    CyclePatch,
    CycleReopenIn,
    CycleVersionIn,
    GoalsCycleStatus,
    GoalsLevel,
    GoalsTreeOut,
    ObjectiveIn,
    ObjectiveOut,
    ObjectivePatch,
    tree_json,
)
from goals.services import cycles, objectives

TreePage = Annotated[int, Query(1, ge=1, le=100_000, description="The page of the tree, from 1.")]

router = Router(tags=["goals"])
G = "/workspaces/{workspace}/goals"
CYCLE = G + "/cycles/{cycle_id}"
OBJECTIVE = G + "/objectives/{objective_id}"
LevelFilter = Annotated[GoalsLevel | None, Query(None)]
StatusFilter = Annotated[GoalsCycleStatus | None, Query(None)]


def _value(choice: Any) -> Any:
    return choice.value if choice is not None else None


# --- Cycles --------------------------------------------------------------------------------------


@router.get(G + "/cycles", response={200: page_of(CycleOut), **ERRORS}, operation_id="listCycles")
def list_cycles(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    cursor: Cursor = None,
    limit: Limit = None,
    status: StatusFilter = None,
) -> Any:
    """The workspace's cycles, latest start first."""
    actor = membership_for(request.auth, workspace)
    qs = queries.cycles_for(actor, status=_value(status))
    return paginate(qs, cursor=cursor, limit=limit, order="-start_date")


@router.post(G + "/cycles", response={201: CycleOut, **ERRORS}, operation_id="createCycle")
def create_cycle(request: ApiRequest, workspace: WorkspaceSlug, payload: CycleIn) -> Any:
    """A planned cycle (owners and admins); at most a year long."""
    actor = membership_for(request.auth, workspace)
    values = payload.model_dump()
    values["kind"] = payload.kind.value
    cycle = cycles.create_cycle(actor, **values)
    return Status(201, queries.get_cycle(actor, cycle.pk))


@router.get(CYCLE, response={200: CycleOut, **ERRORS}, operation_id="getCycle")
def get_cycle(request: ApiRequest, workspace: WorkspaceSlug, cycle_id: PathId) -> Any:
    actor = membership_for(request.auth, workspace)
    return queries.get_cycle(actor, cycle_id)


@router.patch(CYCLE, response={200: CycleOut, **ERRORS}, operation_id="updateCycle")
def update_cycle(request: ApiRequest, workspace: WorkspaceSlug, cycle_id: PathId, payload: CyclePatch) -> Any:
    """Name, kind and dates (owners and admins); a closed cycle is read-only until reopened."""
    actor = membership_for(request.auth, workspace)
    cycle = queries.get_cycle(actor, cycle_id)
    values = changes(payload)
    if "kind" in values:
        values["kind"] = values["kind"].value
    cycles.update_cycle(actor, cycle, version=payload.version, **values)
    return queries.get_cycle(actor, cycle_id)


@router.delete(CYCLE, response={204: None, **ERRORS}, operation_id="deleteCycle")
def delete_cycle(request: ApiRequest, workspace: WorkspaceSlug, cycle_id: PathId) -> Any:
    """To the trash; only a cycle without objectives."""
    actor = membership_for(request.auth, workspace)
    cycles.delete_cycle(actor, queries.get_cycle(actor, cycle_id))
    return Status(204, None)


@router.post(CYCLE + "/activate", response={200: CycleOut, **ERRORS}, operation_id="activateCycle")
def activate_cycle(request: ApiRequest, workspace: WorkspaceSlug, cycle_id: PathId, payload: CycleVersionIn) -> Any:
    """A planned or reopened cycle becomes the active one; the active one must be closed first."""
    actor = membership_for(request.auth, workspace)
    cycles.activate_cycle(actor, queries.get_cycle(actor, cycle_id), version=payload.version)
    return queries.get_cycle(actor, cycle_id)


@router.post(CYCLE + "/close", response={200: CycleOut, **ERRORS}, operation_id="closeCycle")
def close_cycle(request: ApiRequest, workspace: WorkspaceSlug, cycle_id: PathId, payload: CycleVersionIn) -> Any:
    """The cycle's objectives are scored and it becomes read-only."""
    actor = membership_for(request.auth, workspace)
    cycles.close_cycle(actor, queries.get_cycle(actor, cycle_id), version=payload.version)
    return queries.get_cycle(actor, cycle_id)


@router.post(CYCLE + "/reopen", response={200: CycleOut, **ERRORS}, operation_id="reopenCycle")
def reopen_cycle(request: ApiRequest, workspace: WorkspaceSlug, cycle_id: PathId, payload: CycleReopenIn) -> Any:
    """A closed cycle is editable again to correct it (owners and admins); who, when and why are kept."""
    actor = membership_for(request.auth, workspace)
    cycles.reopen_cycle(actor, queries.get_cycle(actor, cycle_id), version=payload.version, reason=payload.reason)
    return queries.get_cycle(actor, cycle_id)


# --- Objectives ----------------------------------------------------------------------------------


@router.get(G + "/objectives", response={200: page_of(ObjectiveOut), **ERRORS}, operation_id="listObjectives")
def list_objectives(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    cursor: Cursor = None,
    limit: Limit = None,
    cycle: FilterId = None,
    level: LevelFilter = None,
    department: FilterId = None,
    team: FilterId = None,
    product: FilterId = None,
    owner: FilterId = None,
    parent: FilterId = None,
) -> Any:
    """The workspace's objectives, oldest first, filtered by cycle, level, unit, owner or parent."""
    actor = membership_for(request.auth, workspace)
    filters = {
        "cycle": cycle,
        "level": _value(level),
        "department": department,
        "team": team,
        "product": product,
        "owner": owner,
        "parent": parent,
    }
    qs = queries.objectives_for(actor, queries.check_objective_query(filters))
    return paginate(qs, cursor=cursor, limit=limit, order="id")


@router.post(G + "/objectives", response={201: ObjectiveOut, **ERRORS}, operation_id="createObjective")
def create_objective(request: ApiRequest, workspace: WorkspaceSlug, payload: ObjectiveIn) -> Any:
    """An objective of an open cycle of this workspace; company objectives are for owners and admins."""
    actor = membership_for(request.auth, workspace)
    values = payload.model_dump()
    cycle = queries.cycle_named_in_body(actor, values.pop("cycle_id"))
    values["level"] = payload.level.value
    objective = objectives.create_objective(actor, cycle, **values)
    return Status(201, queries.get_objective(actor, objective.pk))


@router.get(OBJECTIVE, response={200: ObjectiveOut, **ERRORS}, operation_id="getObjective")
def get_objective(request: ApiRequest, workspace: WorkspaceSlug, objective_id: PathId) -> Any:
    actor = membership_for(request.auth, workspace)
    return queries.get_objective(actor, objective_id)


@router.patch(OBJECTIVE, response={200: ObjectiveOut, **ERRORS}, operation_id="updateObjective")
def update_objective(
    request: ApiRequest, workspace: WorkspaceSlug, objective_id: PathId, payload: ObjectivePatch
) -> Any:
    actor = membership_for(request.auth, workspace)
    objective = queries.get_objective(actor, objective_id)
    values = changes(payload, nullable=frozenset({"department_id", "team_id", "product_id", "parent_id"}))
    if "level" in values:
        values["level"] = values["level"].value
    objectives.update_objective(actor, objective, version=payload.version, **values)
    return queries.get_objective(actor, objective_id)


@router.delete(OBJECTIVE, response={204: None, **ERRORS}, operation_id="deleteObjective")
def delete_objective(request: ApiRequest, workspace: WorkspaceSlug, objective_id: PathId) -> Any:
    """To the trash; the objectives aligned to it show as roots until it is restored."""
    actor = membership_for(request.auth, workspace)
    objectives.delete_objective(actor, queries.get_objective(actor, objective_id))
    return Status(204, None)


# --- The tree ------------------------------------------------------------------------------------


@router.get(G + "/tree", response={200: GoalsTreeOut, **ERRORS}, operation_id="getGoalTree")
def tree(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    cycle: FilterId = None,
    level: LevelFilter = None,
    department: FilterId = None,
    team: FilterId = None,
    owner: FilterId = None,
    page: TreePage = 1,
) -> Any:
    """The alignment tree of a cycle (the active one unless `cycle` names another), company level
    first, with each objective's own progress, roll-up and SMART warnings, 200 objectives a page
    (`page`, from 1; `total` counts the whole tree). Filters show only the matching objectives; one
    whose parent is not shown starts a new root."""
    actor = membership_for(request.auth, workspace)
    filters = {"level": _value(level), "department": department, "team": team, "owner": owner}
    query = queries.check_objective_query(filters, queries.TREE_FILTERS)
    found = queries.tree_for(actor, queries.tree_cycle(actor, cycle), query, page=page)
    return json_response(tree_json(found))
