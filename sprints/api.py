"""Sprints over HTTP: thin handlers that parse, call a service or query, render."""

from typing import Annotated, Any

from ninja import Path, Query, Router, Status

from accounts.queries import membership_for
from cadence.api_auth import ApiRequest
from core.api import ERRORS, Cursor, Limit, WorkspaceSlug
from core.pagination import paginate
from core.schemas import In, PathId, page_of
from projects.queries import get_project
from sprints import queries, services
from sprints.models import RetroColumn, SprintStatus
from sprints.schemas import (
    CapacityIn,
    CapacityOut,
    ChartsOut,
    ClosedOut,
    CloseIn,
    PlanningOut,
    RetroNoteIn,
    RetroNoteOut,
    RetroNotePatch,
    SprintIn,
    SprintOut,
    SprintPatch,
    VelocityOut,
)

router = Router(tags=["sprints"])

ProjectKey = Annotated[str, Path(pattern=r"^[A-Z][A-Z0-9]{1,9}$", example="APP")]
W = "/workspaces/{workspace}"
SPRINT = W + "/sprints/{sprint_id}"
NOTE = W + "/retro/{note_id}"


def changes(payload: In) -> dict[str, Any]:
    """The fields a PATCH body set to a value, without `version`."""
    values = payload.model_dump(exclude_unset=True)
    values.pop("version", None)
    return {field: value for field, value in values.items() if value is not None}


# --- Sprints -------------------------------------------------------------------------------------


@router.get(W + "/projects/{project}/sprints", response={200: page_of(SprintOut), **ERRORS}, operation_id="listSprints")
def list_sprints(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    project: ProjectKey,
    cursor: Cursor = None,
    limit: Limit = None,
    status: SprintStatus | None = None,
) -> Any:
    """The project's sprints, latest start first."""
    actor = membership_for(request.auth, workspace)
    qs = queries.sprints_of(actor, get_project(actor, project), status=status).select_related("project")
    return paginate(qs, cursor=cursor, limit=limit, order="-start_date")


@router.post(W + "/projects/{project}/sprints", response={201: SprintOut, **ERRORS}, operation_id="createSprint")
def create_sprint(request: ApiRequest, workspace: WorkspaceSlug, project: ProjectKey, payload: SprintIn) -> Any:
    actor = membership_for(request.auth, workspace)
    sprint = services.create_sprint(actor, get_project(actor, project), **payload.model_dump())
    return Status(201, sprint)


@router.get(SPRINT, response={200: SprintOut, **ERRORS}, operation_id="getSprint")
def get_sprint(request: ApiRequest, workspace: WorkspaceSlug, sprint_id: PathId) -> Any:
    actor = membership_for(request.auth, workspace)
    return queries.get_sprint(actor, sprint_id)


@router.patch(SPRINT, response={200: SprintOut, **ERRORS}, operation_id="updateSprint")
def update_sprint(request: ApiRequest, workspace: WorkspaceSlug, sprint_id: PathId, payload: SprintPatch) -> Any:
    actor = membership_for(request.auth, workspace)
    sprint = queries.get_sprint(actor, sprint_id)
    return services.update_sprint(actor, sprint, version=payload.version, **changes(payload))


@router.delete(SPRINT, response={204: None, **ERRORS}, operation_id="deleteSprint")
def delete_sprint(request: ApiRequest, workspace: WorkspaceSlug, sprint_id: PathId) -> Any:
    """To the trash; an active sprint is closed first."""
    actor = membership_for(request.auth, workspace)
    services.delete_sprint(actor, queries.get_sprint(actor, sprint_id))
    return Status(204, None)


@router.post(SPRINT + "/start", response={200: SprintOut, **ERRORS}, operation_id="startSprint")
def start_sprint(request: ApiRequest, workspace: WorkspaceSlug, sprint_id: PathId) -> Any:
    """Only one sprint of a project is active at a time."""
    actor = membership_for(request.auth, workspace)
    return services.start_sprint(actor, queries.get_sprint(actor, sprint_id))


@router.post(SPRINT + "/close", response={200: ClosedOut, **ERRORS}, operation_id="closeSprint")
def close_sprint(
    request: ApiRequest, workspace: WorkspaceSlug, sprint_id: PathId, payload: CloseIn | None = None
) -> Any:
    """Unfinished items move to `carry_over_to` (a planned sprint of the project) or to a new
    sprint over the next two weeks; the report is frozen."""
    actor = membership_for(request.auth, workspace)
    sprint = queries.get_sprint(actor, sprint_id)
    target_id = payload.carry_over_to if payload is not None else None
    closed, target, keys = services.close_sprint(actor, sprint, carry_over_to=target_id)
    return {"sprint": closed, "carried_over": keys, "carried_over_to": target}


# --- Planning, capacity, charts, velocity --------------------------------------------------------


@router.get(SPRINT + "/planning", response={200: PlanningOut, **ERRORS}, operation_id="getSprintPlanning")
def get_planning(request: ApiRequest, workspace: WorkspaceSlug, sprint_id: PathId) -> Any:
    """Per member: committed points and hours against capacity (days × focus × 8), with warnings."""
    actor = membership_for(request.auth, workspace)
    return queries.planning(actor, queries.get_sprint(actor, sprint_id))


@router.put(SPRINT + "/capacity/{user_id}", response={200: CapacityOut, **ERRORS}, operation_id="setSprintCapacity")
def set_capacity(
    request: ApiRequest, workspace: WorkspaceSlug, sprint_id: PathId, user_id: PathId, payload: CapacityIn
) -> Any:
    actor = membership_for(request.auth, workspace)
    sprint = queries.get_sprint(actor, sprint_id)
    capacity = services.set_capacity(actor, sprint, user_id=user_id, days=payload.days, focus=payload.focus)
    return {
        "user_id": capacity.user_id,
        "days": capacity.days,
        "focus": capacity.focus,
        "capacity_hours": queries.capacity_hours(capacity.days, capacity.focus),
    }


@router.get(SPRINT + "/charts", response={200: ChartsOut, **ERRORS}, operation_id="getSprintCharts")
def get_charts(request: ApiRequest, workspace: WorkspaceSlug, sprint_id: PathId) -> Any:
    """Burndown and burnup, in points and in item count, one value per day of the sprint."""
    actor = membership_for(request.auth, workspace)
    return queries.charts_for(actor, queries.get_sprint(actor, sprint_id))


@router.get(W + "/projects/{project}/velocity", response={200: VelocityOut, **ERRORS}, operation_id="getVelocity")
def get_velocity(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    project: ProjectKey,
    last: Annotated[int, Query(6, ge=1, le=50)] = 6,
) -> Any:
    """Completed points of the last closed sprints, oldest first."""
    actor = membership_for(request.auth, workspace)
    return queries.velocity(actor, get_project(actor, project), last=last)


# --- Retrospective -------------------------------------------------------------------------------


@router.get(SPRINT + "/retro", response={200: page_of(RetroNoteOut), **ERRORS}, operation_id="listRetroNotes")
def list_notes(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    sprint_id: PathId,
    cursor: Cursor = None,
    limit: Limit = None,
    column: RetroColumn | None = None,
) -> Any:
    actor = membership_for(request.auth, workspace)
    qs = queries.notes_of(actor, queries.get_sprint(actor, sprint_id), column=column)
    return paginate(qs, cursor=cursor, limit=limit, order="id")


@router.post(SPRINT + "/retro", response={201: RetroNoteOut, **ERRORS}, operation_id="createRetroNote")
def add_note(request: ApiRequest, workspace: WorkspaceSlug, sprint_id: PathId, payload: RetroNoteIn) -> Any:
    actor = membership_for(request.auth, workspace)
    sprint = queries.get_sprint(actor, sprint_id)
    return Status(201, services.add_note(actor, sprint, column=payload.column, text=payload.text))


@router.patch(NOTE, response={200: RetroNoteOut, **ERRORS}, operation_id="updateRetroNote")
def update_note(request: ApiRequest, workspace: WorkspaceSlug, note_id: PathId, payload: RetroNotePatch) -> Any:
    actor = membership_for(request.auth, workspace)
    note = queries.get_note(actor, note_id)
    return services.update_note(actor, note, version=payload.version, **changes(payload))


@router.delete(NOTE, response={204: None, **ERRORS}, operation_id="deleteRetroNote")
def delete_note(request: ApiRequest, workspace: WorkspaceSlug, note_id: PathId) -> Any:
    actor = membership_for(request.auth, workspace)
    services.delete_note(actor, queries.get_note(actor, note_id))
    return Status(204, None)


@router.post(NOTE + "/work-item", response={201: RetroNoteOut, **ERRORS}, operation_id="createWorkItemFromRetroNote")
def note_to_item(request: ApiRequest, workspace: WorkspaceSlug, note_id: PathId) -> Any:
    """An action note becomes a work item of the project and links to it."""
    actor = membership_for(request.auth, workspace)
    return Status(201, services.note_to_item(actor, queries.get_note(actor, note_id)))
