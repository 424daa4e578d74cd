"""The SMART check, scores and assessments, the OKR review and the cycle report over HTTP: thin
handlers that parse, call a service or a query, render."""

from typing import Any, Literal

from django.http import HttpResponse
from ninja import Router

from accounts.queries import membership_for
from cadence.api_auth import ApiRequest
from core.api import ERRORS, WorkspaceSlug
from core.export import XLSX_TYPE
from core.schemas import PathId
from goals import progress
from goals.queries import report
from goals.queries import review as queries
from goals.schemas.review import (
    GoalsReportOut,
    GoalsReviewIn,
    GoalsReviewOut,
    GoalsReviewResultOut,
    GoalsSmartCheckIn,
    GoalsSmartCheckOut,
    KeyResultScoreIn,
    KeyResultScoreOut,
    ObjectiveAssessmentIn,
    ObjectiveAssessmentOut,
)
from goals.services import review, scoring

router = Router(tags=["goals"])
G = "/workspaces/{workspace}/goals"
EXPORT_RESPONSE = {
    "responses": {
        200: {
            "description": "The report, as a download.",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }
}


@router.post(G + "/smart-check", response={200: GoalsSmartCheckOut, **ERRORS}, operation_id="checkSmart")
def smart_check(request: ApiRequest, workspace: WorkspaceSlug, payload: GoalsSmartCheckIn) -> Any:
    """The SMART findings (specific, measurable, time_bound, owner) of an objective or key result
    as a form holds it, before it is saved; messages in the caller's language."""
    actor = membership_for(request.auth, workspace)
    values = payload.model_dump()
    values["kind"] = str(payload.kind)
    values["metric"] = str(payload.metric) if payload.metric else None
    return {"findings": queries.findings_as_dicts(queries.live_check(actor, **values))}


def _score_out(key_result: Any) -> dict[str, Any]:
    objective_score = queries.get_objective_score(key_result.objective_id) if key_result.objective_id else None
    return {
        "id": key_result.pk,
        "objective_id": key_result.objective_id,
        "self_score": key_result.self_score,
        "review_score": key_result.review_score,
        "score": progress.key_result_score(key_result),
        "suggested_score": progress.suggested_score(key_result.progress),
        "objective_score": objective_score,
        "version": key_result.version,
    }


@router.patch(
    G + "/key-results/{key_result_id}/score", response={200: KeyResultScoreOut, **ERRORS}, operation_id="scoreKeyResult"
)
def score_key_result(
    request: ApiRequest, workspace: WorkspaceSlug, key_result_id: PathId, payload: KeyResultScoreIn
) -> Any:
    """The self-score (the key result's owner's, or an owner's or admin's) and / or the reviewer's
    score (anyone's but the key result's owner's): 0 to 1 in steps of 0.05, null to take it back.
    The objective's score follows. Closed cycles are read-only."""
    actor = membership_for(request.auth, workspace)
    key_result = queries.get_key_result(actor, key_result_id)
    fields = payload.model_dump(exclude_unset=True)
    version = fields.pop("version")
    scoring.score_key_result(actor, key_result, version=version, **fields)
    return _score_out(key_result)


@router.patch(
    G + "/objectives/{objective_id}/assessment",
    response={200: ObjectiveAssessmentOut, **ERRORS},
    operation_id="assessObjective",
)
def assess_objective(
    request: ApiRequest, workspace: WorkspaceSlug, objective_id: PathId, payload: ObjectiveAssessmentIn
) -> Any:
    """The self-assessment (the objective's owner's) and / or the reviewer's assessment (anyone's
    but the owner's; its writer becomes the reviewer). Closed cycles are read-only."""
    actor = membership_for(request.auth, workspace)
    objective = queries.get_objective(actor, objective_id)
    fields = payload.model_dump(exclude_unset=True)
    version: int = fields.pop("version")
    fields = {k: v if v is not None else "" for k, v in fields.items()}
    scoring.assess_objective(actor, objective, version=version, **fields)
    return queries.get_objective(actor, objective_id)


@router.get(
    G + "/objectives/{objective_id}/review", response={200: GoalsReviewOut, **ERRORS}, operation_id="getObjectiveReview"
)
def get_review(request: ApiRequest, workspace: WorkspaceSlug, objective_id: PathId) -> Any:
    """The objective and every objective aligned to it, in tree order, with their key results'
    values, confidence and scores (given, suggested, and the one that counts) and the assessments."""
    actor = membership_for(request.auth, workspace)
    found = queries.review_of(actor, objective_id)
    return {
        "objective_id": found["root"].pk,
        "cycle_id": found["cycle"].pk,
        "read_only": found["cycle"].read_only,
        "objectives": found["objectives"],
    }


@router.post(
    G + "/objectives/{objective_id}/review",
    response={200: GoalsReviewResultOut, **ERRORS},
    operation_id="submitObjectiveReview",
)
def submit_review(request: ApiRequest, workspace: WorkspaceSlug, objective_id: PathId, payload: GoalsReviewIn) -> Any:
    """Record the review of the objective's subtree in one pass: check-ins, key-result scores and
    objective assessments. All or nothing; every error names its row (`entries.3.value`)."""
    actor = membership_for(request.auth, workspace)
    root = queries.get_objective(actor, objective_id)
    entries = [entry.model_dump(exclude_unset=True) for entry in payload.entries]
    for entry in entries:
        for name in ("confidence",):
            if entry.get(name) is not None:
                entry[name] = str(entry[name])
        for name in ("self_assessment", "review_note", "note"):
            if name in entry and entry[name] is None:
                entry[name] = ""
    return review.submit_review(actor, root, entries=entries)


@router.get(G + "/cycles/{cycle_id}/report", response={200: GoalsReportOut, **ERRORS}, operation_id="getCycleReport")
def cycle_report(request: ApiRequest, workspace: WorkspaceSlug, cycle_id: PathId) -> Any:
    """The cycle per level and per department: objectives and key results, average progress and
    score, key results by confidence, and the objectives nobody has checked in on."""
    actor = membership_for(request.auth, workspace)
    return report.cycle_report(actor, cycle_id)


@router.get(
    G + "/cycles/{cycle_id}/report/export",
    response={**ERRORS},
    openapi_extra=EXPORT_RESPONSE,
    operation_id="exportCycleReport",
)
def export_report(
    request: ApiRequest, workspace: WorkspaceSlug, cycle_id: PathId, format: Literal["csv", "xlsx"] = "csv"
) -> Any:
    """The report's rows (total, levels, departments) as CSV or XLSX; formula-like cells are quoted."""
    actor = membership_for(request.auth, workspace)
    body, content_type, name = report.export(actor, cycle_id, format)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
