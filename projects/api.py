"""Projects and work items over HTTP: thin handlers that parse, call a service or a query, render."""

import datetime
from typing import Annotated, Any, Literal

from django.http import HttpResponse
from django.utils import timezone
from ninja import Path, Query, Router, Status

from accounts.queries import membership_for
from cadence.api_auth import ApiRequest
from core import export as files
from core.api import ERRORS, Cursor, Limit, WorkspaceSlug, changes, json_response
from core.pagination import paginate
from core.schemas import PathId, page_of
from projects import health, queries, services
from projects.models import Project, ProjectStatus, WorkItem
from projects.queries import export as exports
from projects.queries import filters
from projects.queries.allocation import allocation_for
from projects.queries.board import Board, board_for, schedule_for
from projects.schemas import (
    ITEM_KEY_PATTERN,
    KEY_PATTERN,
    BoardOut,
    BulkIn,
    BulkOut,
    CardOut,
    DependencyIn,
    FieldIn,
    FieldOut,
    FieldPatch,
    HealthIn,
    ItemDetailOut,
    ItemIn,
    ItemPatch,
    ItemQuery,
    ItemRowOut,
    MemberAllocationOut,
    MilestoneIn,
    MilestoneOut,
    MilestonePatch,
    MoveIn,
    ProjectIn,
    ProjectMemberIn,
    ProjectMemberOut,
    ProjectMemberPatch,
    ProjectOut,
    ProjectPatch,
    SavedViewIn,
    SavedViewOut,
    SavedViewPatch,
    ScheduleOut,
    StateIn,
    StateOut,
    StatePatch,
    TimeIn,
    TimeOut,
    TransitionIn,
    TransitionsIn,
    WorkflowIn,
    WorkflowOut,
    WorkflowPatch,
)
from projects.services import items

router = Router(tags=["projects and work items"])
CARD_FIELDS = tuple(CardOut.model_fields)
W = "/workspaces/{workspace}"
P = W + "/projects/{project}"
I = W + "/items/{key}"  # noqa: E741
ProjectKey = Annotated[str, Path(pattern=KEY_PATTERN, example="APP")]
ItemKey = Annotated[str, Path(pattern=ITEM_KEY_PATTERN, example="APP-1")]
QueryText = Annotated[str | None, Query(None, max_length=100, pattern=r"^[^\x00]*$")]
API_RELATED = ("state", "owner")
ITEM_NULLABLE = frozenset(
    {"points", "estimate_hours", "start_date", "due_date", "parent_id", "sprint_id", "milestone_id", "resolution"}
)


def _project(request: ApiRequest, workspace: str, key: str, *, metrics: bool = False) -> tuple[Any, Project]:
    actor = membership_for(request.auth, workspace)
    return actor, queries.get_project(actor, key, metrics=metrics)


def _with_health(project: Project) -> Project:
    """`project` was loaded with its health metrics (queries.projects_for, get_project(metrics=True))."""
    state, reasons, overridden = health.of(project, timezone.localdate())
    project.health, project.health_reasons, project.health_overridden = state, reasons, overridden  # type: ignore[attr-defined]
    return project


def item_page(qs: Any, *, cursor: str | None, limit: int | None, order: str) -> HttpResponse:
    """A page of items, serialised from plain rows: the hot path of the backlog, skipping the
    per-object model and schema work (the shape is ItemRowOut's, which a test holds it to)."""
    sort_key = order.lstrip("-")
    extra = () if sort_key in queries.ITEM_COLUMNS or sort_key in ("id", "pk") else (sort_key,)
    page = paginate(queries.item_rows(qs, *extra), cursor=cursor, limit=limit, order=order)
    return json_response({"items": [queries.item_row_json(row) for row in page.items], "next_cursor": page.next_cursor})


def board_json(board: Board) -> dict[str, Any]:
    """The board in the shape of BoardOut, written directly: hundreds of cards (a test holds the
    shape to the schema)."""
    return {
        "by": board.by,
        "workflow_id": board.workflow_id,
        "sprint_id": board.sprint_id,
        "columns": [
            {
                "id": c.id,
                "name": c.name,
                "count": c.count,
                "wip_limit": c.wip_limit,
                "over_limit": c.over_limit,
                "category": c.category,
                "cards": [{name: getattr(card, name) for name in CARD_FIELDS} for card in c.cards],
            }
            for c in board.columns
        ],
    }


def _item(request: ApiRequest, workspace: str, key: str) -> tuple[Any, WorkItem]:
    actor = membership_for(request.auth, workspace)
    return actor, queries.get_item(actor, key, related=API_RELATED)


def _detail(item: WorkItem, warnings: list[str] | None = None, *, new: bool = False) -> WorkItem:
    """The item with its links for ItemDetailOut; a new item has none to read."""
    if new:
        item.blocks, item.blocked_by, item.children_list = [], [], []  # type: ignore[attr-defined]
    else:
        item.blocks, item.blocked_by, item.children_list = queries.linked_briefs(item)  # type: ignore[attr-defined]
    item.warnings = warnings or []  # type: ignore[attr-defined]
    return item


# --- Projects ------------------------------------------------------------------------------------


@router.get(W + "/projects", response={200: page_of(ProjectOut), **ERRORS}, operation_id="listProjects")
def list_projects(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    cursor: Cursor = None,
    limit: Limit = None,
    status: ProjectStatus | None = None,
    q: QueryText = None,
) -> Any:
    """Projects of the workspace (guests: only their own), with computed health."""
    actor = membership_for(request.auth, workspace)
    page = paginate(queries.projects_for(actor, status=status, q=q), cursor=cursor, limit=limit)
    page.items = [_with_health(p) for p in page.items]
    return page


@router.post(W + "/projects", response={201: ProjectOut, **ERRORS}, operation_id="createProject")
def create_project(request: ApiRequest, workspace: WorkspaceSlug, payload: ProjectIn) -> Any:
    """The template (scrum, kanban, bugs) sets up the workflows; the creator becomes its manager."""
    actor = membership_for(request.auth, workspace)
    project = services.create_project(actor, **payload.model_dump())
    return Status(201, _with_health(queries.get_project(actor, project.key, metrics=True)))


@router.get(P, response={200: ProjectOut, **ERRORS}, operation_id="getProject")
def get_project(request: ApiRequest, workspace: WorkspaceSlug, project: ProjectKey) -> Any:
    return _with_health(_project(request, workspace, project, metrics=True)[1])


@router.patch(P, response={200: ProjectOut, **ERRORS}, operation_id="updateProject")
def update_project(request: ApiRequest, workspace: WorkspaceSlug, project: ProjectKey, payload: ProjectPatch) -> Any:
    actor, obj = _project(request, workspace, project)
    values = changes(payload, nullable=frozenset({"start_date", "target_date"}))
    services.update_project(actor, obj, version=payload.version, **values)
    return _with_health(queries.get_project(actor, project, metrics=True))


@router.put(P + "/health", response={200: ProjectOut, **ERRORS}, operation_id="setProjectHealth")
def override_health(request: ApiRequest, workspace: WorkspaceSlug, project: ProjectKey, payload: HealthIn) -> Any:
    """Override the computed health with a reason, or clear the override with `health: null`."""
    actor, obj = _project(request, workspace, project)
    services.override_health(actor, obj, health=payload.health, reason=payload.reason)
    return _with_health(queries.get_project(actor, project, metrics=True))


@router.delete(P, response={204: None, **ERRORS}, operation_id="deleteProject")
def delete_project(request: ApiRequest, workspace: WorkspaceSlug, project: ProjectKey) -> Any:
    actor, obj = _project(request, workspace, project)
    services.delete_project(actor, obj)
    return Status(204, None)


# --- Members and milestones ----------------------------------------------------------------------


@router.get(P + "/members", response={200: page_of(ProjectMemberOut), **ERRORS}, operation_id="listProjectMembers")
def list_project_members(
    request: ApiRequest, workspace: WorkspaceSlug, project: ProjectKey, cursor: Cursor = None, limit: Limit = None
) -> Any:
    obj = _project(request, workspace, project)[1]
    return paginate(queries.members_of(obj), cursor=cursor, limit=limit, order="id")


@router.post(P + "/members", response={201: ProjectMemberOut, **ERRORS}, operation_id="addProjectMember")
def add_project_member(
    request: ApiRequest, workspace: WorkspaceSlug, project: ProjectKey, payload: ProjectMemberIn
) -> Any:
    actor, obj = _project(request, workspace, project)
    member = services.add_project_member(
        actor, obj, user_id=payload.user, role=payload.role, weekly_hours=payload.weekly_hours
    )
    return Status(201, member)


@router.patch(
    P + "/members/{member_id}", response={200: ProjectMemberOut, **ERRORS}, operation_id="updateProjectMember"
)
def update_project_member(
    request: ApiRequest, workspace: WorkspaceSlug, project: ProjectKey, member_id: PathId, payload: ProjectMemberPatch
) -> Any:
    actor, obj = _project(request, workspace, project)
    member = queries.get_project_member(obj, member_id)
    return services.update_project_member(actor, obj, member, version=payload.version, **changes(payload))


@router.delete(P + "/members/{member_id}", response={204: None, **ERRORS}, operation_id="removeProjectMember")
def remove_project_member(request: ApiRequest, workspace: WorkspaceSlug, project: ProjectKey, member_id: PathId) -> Any:
    actor, obj = _project(request, workspace, project)
    services.remove_project_member(actor, obj, queries.get_project_member(obj, member_id))
    return Status(204, None)


@router.get(P + "/milestones", response={200: page_of(MilestoneOut), **ERRORS}, operation_id="listMilestones")
def list_milestones(
    request: ApiRequest, workspace: WorkspaceSlug, project: ProjectKey, cursor: Cursor = None, limit: Limit = None
) -> Any:
    obj = _project(request, workspace, project)[1]
    return paginate(queries.milestones_of(obj), cursor=cursor, limit=limit, order="due_date")


@router.post(P + "/milestones", response={201: MilestoneOut, **ERRORS}, operation_id="createMilestone")
def create_milestone(request: ApiRequest, workspace: WorkspaceSlug, project: ProjectKey, payload: MilestoneIn) -> Any:
    actor, obj = _project(request, workspace, project)
    return Status(201, services.create_milestone(actor, obj, **payload.model_dump()))


@router.patch(W + "/milestones/{milestone_id}", response={200: MilestoneOut, **ERRORS}, operation_id="updateMilestone")
def update_milestone(
    request: ApiRequest, workspace: WorkspaceSlug, milestone_id: PathId, payload: MilestonePatch
) -> Any:
    actor = membership_for(request.auth, workspace)
    milestone = queries.get_milestone(actor, milestone_id)
    return services.update_milestone(actor, milestone, version=payload.version, **changes(payload))


@router.delete(W + "/milestones/{milestone_id}", response={204: None, **ERRORS}, operation_id="deleteMilestone")
def delete_milestone(request: ApiRequest, workspace: WorkspaceSlug, milestone_id: PathId) -> Any:
    actor = membership_for(request.auth, workspace)
    services.delete_milestone(actor, queries.get_milestone(actor, milestone_id))
    return Status(204, None)


# --- Workflows and custom fields -----------------------------------------------------------------


@router.get(P + "/workflows", response={200: list[WorkflowOut], **ERRORS}, operation_id="listWorkflows")
def list_workflows(request: ApiRequest, workspace: WorkspaceSlug, project: ProjectKey) -> Any:
    """Each workflow with its states (in order) and allowed transitions as [source, target] ids."""
    return list(queries.workflows_of(_project(request, workspace, project)[1]))


@router.post(P + "/workflows", response={201: WorkflowOut, **ERRORS}, operation_id="createWorkflow")
def create_workflow(request: ApiRequest, workspace: WorkspaceSlug, project: ProjectKey, payload: WorkflowIn) -> Any:
    actor, obj = _project(request, workspace, project)
    workflow = services.create_workflow(actor, obj, name=payload.name, item_types=list(payload.item_types))
    return Status(201, queries.get_workflow(actor, workflow.pk))


@router.patch(W + "/workflows/{workflow_id}", response={200: WorkflowOut, **ERRORS}, operation_id="updateWorkflow")
def update_workflow(request: ApiRequest, workspace: WorkspaceSlug, workflow_id: PathId, payload: WorkflowPatch) -> Any:
    actor = membership_for(request.auth, workspace)
    services.update_workflow(
        actor, queries.get_workflow(actor, workflow_id), version=payload.version, **changes(payload)
    )
    return queries.get_workflow(actor, workflow_id)


@router.put(
    W + "/workflows/{workflow_id}/transitions",
    response={200: WorkflowOut, **ERRORS},
    operation_id="setWorkflowTransitions",
)
def set_transitions(request: ApiRequest, workspace: WorkspaceSlug, workflow_id: PathId, payload: TransitionsIn) -> Any:
    """Replace the allowed transitions; pairs are [source state id, target state id]."""
    actor = membership_for(request.auth, workspace)
    services.set_transitions(actor, queries.get_workflow(actor, workflow_id), pairs=list(payload.transitions))
    return queries.get_workflow(actor, workflow_id)


@router.post(W + "/workflows/{workflow_id}/states", response={201: StateOut, **ERRORS}, operation_id="createState")
def add_state(request: ApiRequest, workspace: WorkspaceSlug, workflow_id: PathId, payload: StateIn) -> Any:
    actor = membership_for(request.auth, workspace)
    return Status(201, services.add_state(actor, queries.get_workflow(actor, workflow_id), **payload.model_dump()))


@router.patch(W + "/states/{state_id}", response={200: StateOut, **ERRORS}, operation_id="updateState")
def update_state(request: ApiRequest, workspace: WorkspaceSlug, state_id: PathId, payload: StatePatch) -> Any:
    actor = membership_for(request.auth, workspace)
    values = changes(payload, nullable=frozenset({"wip_limit"}))
    return services.update_state(actor, queries.get_state(actor, state_id), version=payload.version, **values)


@router.delete(W + "/states/{state_id}", response={204: None, **ERRORS}, operation_id="deleteState")
def remove_state(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    state_id: PathId,
    move_to: Annotated[int | None, Query(None, ge=1, le=2**53)] = None,
) -> Any:
    """A state holding items needs `move_to`, another state of the workflow: no item is stranded."""
    actor = membership_for(request.auth, workspace)
    services.remove_state(actor, queries.get_state(actor, state_id), move_to_id=move_to)
    return Status(204, None)


@router.get(P + "/fields", response={200: list[FieldOut], **ERRORS}, operation_id="listCustomFields")
def list_fields(request: ApiRequest, workspace: WorkspaceSlug, project: ProjectKey) -> Any:
    return list(queries.fields_of(_project(request, workspace, project)[1]))


@router.post(P + "/fields", response={201: FieldOut, **ERRORS}, operation_id="createCustomField")
def create_field(request: ApiRequest, workspace: WorkspaceSlug, project: ProjectKey, payload: FieldIn) -> Any:
    actor, obj = _project(request, workspace, project)
    return Status(201, services.create_field(actor, obj, **payload.model_dump()))


@router.patch(W + "/fields/{field_id}", response={200: FieldOut, **ERRORS}, operation_id="updateCustomField")
def update_field(request: ApiRequest, workspace: WorkspaceSlug, field_id: PathId, payload: FieldPatch) -> Any:
    actor = membership_for(request.auth, workspace)
    return services.update_field(actor, queries.get_field(actor, field_id), version=payload.version, **changes(payload))


@router.delete(W + "/fields/{field_id}", response={204: None, **ERRORS}, operation_id="deleteCustomField")
def delete_field(request: ApiRequest, workspace: WorkspaceSlug, field_id: PathId) -> Any:
    actor = membership_for(request.auth, workspace)
    services.delete_field(actor, queries.get_field(actor, field_id))
    return Status(204, None)


# --- Work items ----------------------------------------------------------------------------------


@router.get(P + "/items", response={200: page_of(ItemRowOut), **ERRORS}, operation_id="listWorkItems")
def list_items(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    project: ProjectKey,
    query: Query[ItemQuery],
    cursor: Cursor = None,
    limit: Limit = None,
) -> Any:
    """Filters and sorts are an allow list: unknown values are refused by name. `sprint=none`
    lists the backlog (items in no sprint)."""
    obj = _project(request, workspace, project)[1]
    qs, order = filters.apply(queries.items_of(obj), filters.check_query(query.model_dump()))
    return item_page(qs, cursor=cursor, limit=limit, order=order)


EXPORT_RESPONSE = {
    "responses": {
        200: {
            "description": "The file, as a download.",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                files.XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }
}


@router.get(P + "/items/export", response={**ERRORS}, openapi_extra=EXPORT_RESPONSE, operation_id="exportWorkItems")
def export_items(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    project: ProjectKey,
    query: Query[ItemQuery],
    format: Literal["csv", "xlsx"] = "csv",
) -> Any:
    """The filtered list as a file (at most 10,000 rows); cells that a spreadsheet would read as a
    formula are quoted."""
    obj = _project(request, workspace, project)[1]
    body, content_type, truncated = exports.export_items(obj, filters.check_query(query.model_dump()), format)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{obj.key}-items.{format}"'
    if truncated:
        response["X-Export-Truncated"] = str(files.MAX_ROWS)
    return response


@router.post(P + "/items", response={201: ItemDetailOut, **ERRORS}, operation_id="createWorkItem")
def create_item(request: ApiRequest, workspace: WorkspaceSlug, project: ProjectKey, payload: ItemIn) -> Any:
    """The item starts in the first state of its type's workflow; the owner defaults to the caller."""
    actor, obj = _project(request, workspace, project)
    item = items.create_item(actor, obj, **payload.model_dump(exclude_none=True))
    return Status(201, _detail(item, new=True))


@router.post(P + "/items/bulk", response={200: BulkOut, **ERRORS}, operation_id="bulkUpdateWorkItems")
def bulk_update(request: ApiRequest, workspace: WorkspaceSlug, project: ProjectKey, payload: BulkIn) -> Any:
    """Set state, owner, priority or sprint on up to 200 items: all of them or none."""
    actor, obj = _project(request, workspace, project)
    values = payload.set.model_dump(exclude_unset=True)
    updated = items.bulk_update(actor, obj, item_ids=list(payload.item_ids), **values)
    return {"updated": len(updated)}


@router.get(W + "/my-work", response={200: page_of(ItemRowOut), **ERRORS}, operation_id="listMyWork")
def my_work(request: ApiRequest, workspace: WorkspaceSlug, cursor: Cursor = None, limit: Limit = None) -> Any:
    """Open items the caller owns across projects: overdue first, then by due date, undated last."""
    actor = membership_for(request.auth, workspace)
    qs, order = filters.apply(queries.my_work(actor), {"sort": "due"})
    return item_page(qs, cursor=cursor, limit=limit, order=order)


@router.get(I, response={200: ItemDetailOut, **ERRORS}, operation_id="getWorkItem")
def get_item(request: ApiRequest, workspace: WorkspaceSlug, key: ItemKey) -> Any:
    """An old key (before a move) finds the item under its new key."""
    return _detail(_item(request, workspace, key)[1])


@router.patch(I, response={200: ItemDetailOut, **ERRORS}, operation_id="updateWorkItem")
def update_item(request: ApiRequest, workspace: WorkspaceSlug, key: ItemKey, payload: ItemPatch) -> Any:
    actor, item = _item(request, workspace, key)
    items.update_item(actor, item, version=payload.version, **changes(payload, nullable=ITEM_NULLABLE))
    return _detail(queries.get_item(actor, key, related=API_RELATED))


@router.delete(I, response={204: None, **ERRORS}, operation_id="deleteWorkItem")
def delete_item(request: ApiRequest, workspace: WorkspaceSlug, key: ItemKey) -> Any:
    actor, item = _item(request, workspace, key)
    items.delete_item(actor, item)
    return Status(204, None)


@router.post(I + "/transition", response={200: ItemDetailOut, **ERRORS}, operation_id="transitionWorkItem")
def transition(request: ApiRequest, workspace: WorkspaceSlug, key: ItemKey, payload: TransitionIn) -> Any:
    """Refused with the reason when the workflow does not allow it or a required field is missing;
    a WIP limit only warns (`warnings`)."""
    actor, item = _item(request, workspace, key)
    item, warnings = items.transition(
        actor, item, state_id=payload.state_id, version=payload.version, resolution=payload.resolution
    )
    return _detail(item, warnings)


@router.post(I + "/move", response={200: ItemDetailOut, **ERRORS}, operation_id="moveWorkItem")
def move_item(request: ApiRequest, workspace: WorkspaceSlug, key: ItemKey, payload: MoveIn) -> Any:
    """The item gets a key in the other project; its history stays and the old key still finds it."""
    actor, item = _item(request, workspace, key)
    item = items.move_item_to(actor, item, project_key=payload.project, version=payload.version)
    return _detail(queries.get_item(actor, item.key, related=API_RELATED))


@router.post(I + "/dependencies", response={200: ItemDetailOut, **ERRORS}, operation_id="addDependency")
def add_dependency(request: ApiRequest, workspace: WorkspaceSlug, key: ItemKey, payload: DependencyIn) -> Any:
    actor, item = _item(request, workspace, key)
    items.link(actor, item, blocked_by=payload.blocked_by, blocks=payload.blocks)
    return _detail(queries.get_item(actor, key, related=API_RELATED))


@router.delete(I + "/dependencies/{other}", response={200: ItemDetailOut, **ERRORS}, operation_id="removeDependency")
def remove_dependency(request: ApiRequest, workspace: WorkspaceSlug, key: ItemKey, other: ItemKey) -> Any:
    """Removes the link between the two items, whichever way it points."""
    actor, item = _item(request, workspace, key)
    items.unlink(actor, item, queries.get_item(actor, other))
    return _detail(queries.get_item(actor, key, related=API_RELATED))


@router.get(I + "/time", response={200: page_of(TimeOut), **ERRORS}, operation_id="listTimeLogs")
def list_time(
    request: ApiRequest, workspace: WorkspaceSlug, key: ItemKey, cursor: Cursor = None, limit: Limit = None
) -> Any:
    item = _item(request, workspace, key)[1]
    return paginate(queries.time_logs_of(item), cursor=cursor, limit=limit)


@router.post(I + "/time", response={201: TimeOut, **ERRORS}, operation_id="logTime")
def log_time(request: ApiRequest, workspace: WorkspaceSlug, key: ItemKey, payload: TimeIn) -> Any:
    actor, item = _item(request, workspace, key)
    return Status(201, items.log_time(actor, item, hours=payload.hours, day=payload.day, note=payload.note))


# --- Board, schedule, allocation -----------------------------------------------------------------


@router.get(P + "/board", response={200: BoardOut, **ERRORS}, operation_id="getBoard")
def board(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    project: ProjectKey,
    by: Literal["status", "owner"] = "status",
    workflow: Annotated[int | None, Query(None, ge=1, le=2**53)] = None,
    sprint: Annotated[int | None, Query(None, ge=1, le=2**53)] = None,
    per_column: Annotated[int, Query(50, ge=1, le=200)] = 50,
) -> Any:
    """Columns by status (one workflow's states) or by owner, each with its count and its first
    `per_column` cards by priority."""
    actor, obj = _project(request, workspace, project)
    board = board_for(actor, obj, by=by, workflow_id=workflow, sprint_id=sprint, per_column=per_column)
    return json_response(board_json(board))


@router.get(P + "/schedule", response={200: ScheduleOut, **ERRORS}, operation_id="getSchedule")
def schedule(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    project: ProjectKey,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> Any:
    """What the timeline (Gantt) and the calendar draw: dated items, milestones and dependencies
    in the window (by default from a month ago to three months ahead; at most two years)."""
    obj = _project(request, workspace, project)[1]
    today = timezone.localdate()
    start = start or today - datetime.timedelta(days=30)
    return schedule_for(obj, start=start, end=end or start + datetime.timedelta(days=120))


@router.get(P + "/allocation", response={200: list[MemberAllocationOut], **ERRORS}, operation_id="getAllocation")
def allocation(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    project: ProjectKey,
    start: datetime.date | None = None,
    weeks: Annotated[int, Query(6, ge=1, le=26)] = 6,
) -> Any:
    """Each member's allocated hours (remaining estimates spread over working days) against their
    weekly capacity, week by week; `over` flags over-allocation."""
    obj = _project(request, workspace, project)[1]
    return allocation_for(obj, start=start or timezone.localdate(), weeks=weeks)


# --- Saved views ---------------------------------------------------------------------------------


@router.get(P + "/views", response={200: page_of(SavedViewOut), **ERRORS}, operation_id="listSavedViews")
def list_views(
    request: ApiRequest, workspace: WorkspaceSlug, project: ProjectKey, cursor: Cursor = None, limit: Limit = None
) -> Any:
    """The caller's own views and the project's shared views."""
    actor, obj = _project(request, workspace, project)
    return paginate(queries.saved_views_of(actor, obj).select_related("owner"), cursor=cursor, limit=limit, order="id")


@router.post(P + "/views", response={201: SavedViewOut, **ERRORS}, operation_id="createSavedView")
def save_view(request: ApiRequest, workspace: WorkspaceSlug, project: ProjectKey, payload: SavedViewIn) -> Any:
    """`query` holds the list's parameters (type, state, owner, sort, group…), checked like the list's."""
    actor, obj = _project(request, workspace, project)
    return Status(201, items.save_view(actor, obj, name=payload.name, shared=payload.shared, query=payload.query))


@router.patch(W + "/views/{view_id}", response={200: SavedViewOut, **ERRORS}, operation_id="updateSavedView")
def update_view(request: ApiRequest, workspace: WorkspaceSlug, view_id: PathId, payload: SavedViewPatch) -> Any:
    actor = membership_for(request.auth, workspace)
    return items.update_view(actor, queries.get_saved_view(actor, view_id), version=payload.version, **changes(payload))


@router.delete(W + "/views/{view_id}", response={204: None, **ERRORS}, operation_id="deleteSavedView")
def delete_view(request: ApiRequest, workspace: WorkspaceSlug, view_id: PathId) -> Any:
    actor = membership_for(request.auth, workspace)
    items.delete_view(actor, queries.get_saved_view(actor, view_id))
    return Status(204, None)
