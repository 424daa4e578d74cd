"""Key results, their check-ins and their links to work over HTTP: thin handlers that parse, call a
service or a query, render."""

from typing import Any

from ninja import Router, Status

from accounts.queries import membership_for
from cadence.api_auth import ApiRequest
from core.api import ERRORS, Cursor, Limit, WorkspaceSlug, changes
from core.pagination import paginate
from core.schemas import PathId, page_of
from goals.models import KeyResult
from goals.queries import key_results as queries
from goals.schemas.key_results import (
    CheckInIn,
    CheckInOut,
    KeyResultIn,
    KeyResultLinkIn,
    KeyResultLinkOut,
    KeyResultOut,
    KeyResultPatch,
)
from goals.services import key_results

router = Router(tags=["goals: key results"])
W = "/workspaces/{workspace}/goals"
KR = W + "/key-results/{key_result_id}"


def _out(actor: Any, key_result_id: int) -> KeyResult:
    """The key result as it is now, with its SMART findings."""
    return queries.with_findings(queries.get_key_result(actor, key_result_id))


@router.get(
    W + "/objectives/{objective_id}/key-results",
    response={200: page_of(KeyResultOut), **ERRORS},
    operation_id="listKeyResults",
)
def list_key_results(
    request: ApiRequest, workspace: WorkspaceSlug, objective_id: PathId, cursor: Cursor = None, limit: Limit = None
) -> Any:
    """The objective's key results in the order they were added, each with its SMART findings."""
    actor = membership_for(request.auth, workspace)
    objective = queries.get_objective(actor, objective_id)
    page = paginate(queries.key_results_of(objective), cursor=cursor, limit=limit, order="id")
    for key_result in page.items:
        key_result.objective = objective
        queries.with_findings(key_result)
    return page


@router.post(
    W + "/objectives/{objective_id}/key-results", response={201: KeyResultOut, **ERRORS}, operation_id="createKeyResult"
)
def create_key_result(request: ApiRequest, workspace: WorkspaceSlug, objective_id: PathId, payload: KeyResultIn) -> Any:
    """A key result of the objective; the objective's progress and its roll-up follow at once."""
    actor = membership_for(request.auth, workspace)
    objective = queries.get_objective(actor, objective_id)
    values = payload.model_dump(exclude_none=True)
    key_result = key_results.create_key_result(actor, objective, **values)
    return Status(201, _out(actor, key_result.pk))


@router.get(KR, response={200: KeyResultOut, **ERRORS}, operation_id="getKeyResult")
def get_key_result(request: ApiRequest, workspace: WorkspaceSlug, key_result_id: PathId) -> Any:
    actor = membership_for(request.auth, workspace)
    return _out(actor, key_result_id)


@router.patch(KR, response={200: KeyResultOut, **ERRORS}, operation_id="updateKeyResult")
def update_key_result(
    request: ApiRequest, workspace: WorkspaceSlug, key_result_id: PathId, payload: KeyResultPatch
) -> Any:
    """Change what the key result measures (a stale `version` is 409); its progress follows. The
    current value changes by check-ins."""
    actor = membership_for(request.auth, workspace)
    key_result = queries.get_key_result(actor, key_result_id)
    key_results.update_key_result(
        actor, key_result, version=payload.version, **changes(payload, nullable=frozenset({"due_date"}))
    )
    return _out(actor, key_result_id)


@router.delete(KR, response={204: None, **ERRORS}, operation_id="deleteKeyResult")
def delete_key_result(request: ApiRequest, workspace: WorkspaceSlug, key_result_id: PathId) -> Any:
    """To the trash; the objective's progress stops counting it until it is restored."""
    actor = membership_for(request.auth, workspace)
    key_results.delete_key_result(actor, queries.get_key_result(actor, key_result_id))
    return Status(204, None)


# --- Check-ins -----------------------------------------------------------------------------------


@router.get(KR + "/check-ins", response={200: page_of(CheckInOut), **ERRORS}, operation_id="listCheckIns")
def list_check_ins(
    request: ApiRequest, workspace: WorkspaceSlug, key_result_id: PathId, cursor: Cursor = None, limit: Limit = None
) -> Any:
    """The key result's check-ins, newest first."""
    actor = membership_for(request.auth, workspace)
    key_result = queries.get_key_result(actor, key_result_id)
    return paginate(queries.check_ins_of(key_result), cursor=cursor, limit=limit)


@router.post(KR + "/check-ins", response={201: CheckInOut, **ERRORS}, operation_id="createCheckIn")
def create_check_in(request: ApiRequest, workspace: WorkspaceSlug, key_result_id: PathId, payload: CheckInIn) -> Any:
    """A new value, confidence and note: the key result, its objective and the roll-up follow."""
    actor = membership_for(request.auth, workspace)
    key_result = queries.get_key_result(actor, key_result_id)
    entry = key_results.check_in(
        actor, key_result, value=payload.value, confidence=payload.confidence.value, note=payload.note
    )
    return Status(201, entry)


# --- Links ---------------------------------------------------------------------------------------


@router.get(KR + "/links", response={200: page_of(KeyResultLinkOut), **ERRORS}, operation_id="listKeyResultLinks")
def list_links(
    request: ApiRequest, workspace: WorkspaceSlug, key_result_id: PathId, cursor: Cursor = None, limit: Limit = None
) -> Any:
    """The projects, requirements and work items linked, oldest first (deleted ones are left out)."""
    actor = membership_for(request.auth, workspace)
    key_result = queries.get_key_result(actor, key_result_id)
    return paginate(queries.links_of(key_result), cursor=cursor, limit=limit, order="id")


@router.post(KR + "/links", response={201: KeyResultLinkOut, **ERRORS}, operation_id="createKeyResultLink")
def create_link(request: ApiRequest, workspace: WorkspaceSlug, key_result_id: PathId, payload: KeyResultLinkIn) -> Any:
    """Link one project, requirement or work item of this workspace (another workspace's id is a
    422 naming the field). A key result fed by linked work updates its progress at once."""
    actor = membership_for(request.auth, workspace)
    key_result = queries.get_key_result(actor, key_result_id)
    return Status(201, key_results.link_work(actor, key_result, **payload.model_dump()))


@router.delete(KR + "/links/{link_id}", response={204: None, **ERRORS}, operation_id="deleteKeyResultLink")
def delete_link(request: ApiRequest, workspace: WorkspaceSlug, key_result_id: PathId, link_id: PathId) -> Any:
    """Unlink (the project, requirement or work item stays); the progress follows."""
    actor = membership_for(request.auth, workspace)
    key_result = queries.get_key_result(actor, key_result_id)
    key_results.unlink_work(actor, key_result, queries.get_link(actor, key_result, link_id))
    return Status(204, None)
