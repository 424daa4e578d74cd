"""Feedback over HTTP: the triage inbox, one feedback item and its links to requirements, bulk
actions, imports, exports (of feedback and of requirements) and the public form. Thin handlers
that parse, call a service or a query, render."""

import functools
from collections.abc import Callable
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import File, Form, Path, Query, Router, Status
from ninja.decorators import decorate_view
from ninja.files import UploadedFile

from accounts.queries import membership_for
from cadence.api_auth import ApiRequest
from core.api import (
    ERRORS,
    Cursor,
    FilterId,
    FilterText,
    Limit,
    WorkspaceSlug,
    _unreadable_upload_is_a_problem,
    changes,
    json_response,
)
from core.errors import ValidationFailed
from core.pagination import paginate
from core.schemas import PathId, Problem, page_of
from core.web import client_ip
from product import queries
from product.api.requirements import EXPORT_RESPONSE, Format, Number
from product.models import (
    FeedbackChannel,
    FeedbackImport,
    FeedbackKind,
    FeedbackStatus,
    Segment,
    Sentiment,
)
from product.queries import export as exports
from product.queries import feedback as queries_feedback
from product.schemas.feedback import (
    FeedbackBulkIn,
    FeedbackBulkOut,
    FeedbackImportOut,
    FeedbackIn,
    FeedbackOut,
    FeedbackPatch,
    PublicFeedbackIn,
    PublicFeedbackOut,
)
from product.services import feedback as services
from product.services import imports

router = Router(tags=["feedback"])
W = "/workspaces/{workspace}"
F = W + "/feedback/{feedback_id}"
IMPORT = W + "/feedback-imports/{import_id}"
FormToken = Annotated[str, Path(pattern=r"^[A-Za-z0-9_\-]{1,64}$", example="3q2-7wEjLkPZ4yXb")]
RequirementRef = Annotated[str | None, Query(None, pattern=r"^(REQ-|req-)?[1-9][0-9]{0,9}$", example="REQ-1")]
# The public form's JSON body is small; a larger one is refused before it is parsed.
MAX_PUBLIC_BODY = 64 * 1024
NULLABLE = frozenset({"as_myself"})


def _feedback(request: ApiRequest, workspace: str, feedback_id: int) -> tuple[Any, Any]:
    actor = membership_for(request.auth, workspace)
    return actor, queries_feedback.get_feedback(actor, feedback_id)


def _import_out(found: FeedbackImport) -> dict[str, Any]:
    summary = imports.summary_of(found)
    return {
        "id": found.pk,
        "product": found.product,
        "filename": found.filename,
        "created_by": found.created_by,
        "created_at": found.created_at,
        "imported_at": found.imported_at,
        "total": summary.total,
        "valid": summary.valid,
        "invalid": summary.invalid,
        "imported": summary.imported,
        "rows": summary.rows,
        "error_rows": summary.error_rows,
    }


# --- The inbox -----------------------------------------------------------------------------------


@router.get(W + "/feedback", response={200: page_of(FeedbackOut), **ERRORS}, operation_id="listFeedback")
def list_feedback(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    cursor: Cursor = None,
    limit: Limit = None,
    status: FeedbackStatus | None = None,
    product: FilterId = None,
    channel: FeedbackChannel | None = None,
    kind: FeedbackKind | None = None,
    sentiment: Sentiment | None = None,
    segment: Segment | None = None,
    tag: FilterText = None,
    requirement: RequirementRef = None,
    text: FilterText = None,
) -> Any:
    """The triage inbox, newest first. `segment` is the customer's; `requirement` (12 or REQ-12)
    lists the feedback linked to it; `text` searches the content."""
    actor = membership_for(request.auth, workspace)
    raw = {
        "status": status,
        "product": product,
        "channel": channel,
        "kind": kind,
        "sentiment": sentiment,
        "segment": segment,
        "tag": tag,
        "requirement": requirement,
        "text": text,
    }
    query = queries_feedback.check_query(raw)
    # The hot path: plain rows written by hand (in FeedbackOut's shape, which a test holds them to).
    rows = queries_feedback.feedback_rows(queries_feedback.feedback_for(actor, query))
    page = paginate(rows, cursor=cursor, limit=limit)
    items = queries_feedback.feedback_rows_json(page.items)
    return json_response({"items": items, "next_cursor": page.next_cursor})


@router.post(W + "/feedback", response={201: FeedbackOut, **ERRORS}, operation_id="createFeedback")
def create_feedback(request: ApiRequest, workspace: WorkspaceSlug, payload: FeedbackIn) -> Any:
    actor = membership_for(request.auth, workspace)
    feedback = services.create_feedback(actor, **payload.model_dump())
    return Status(201, queries_feedback.get_feedback(actor, feedback.pk))


@router.get(W + "/feedback/export", response={**ERRORS}, openapi_extra=EXPORT_RESPONSE, operation_id="exportFeedback")
def export_feedback(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    format: Format = "csv",
    status: FeedbackStatus | None = None,
    product: FilterId = None,
    channel: FeedbackChannel | None = None,
    kind: FeedbackKind | None = None,
    sentiment: Sentiment | None = None,
    segment: Segment | None = None,
    tag: FilterText = None,
    requirement: RequirementRef = None,
    text: FilterText = None,
) -> Any:
    """The filtered inbox as a file (at most 10,000 rows); cells that a spreadsheet would read as a
    formula are quoted."""
    actor = membership_for(request.auth, workspace)
    raw = {
        "status": status,
        "product": product,
        "channel": channel,
        "kind": kind,
        "sentiment": sentiment,
        "segment": segment,
        "tag": tag,
        "requirement": requirement,
        "text": text,
    }
    export = exports.export_feedback(actor, queries_feedback.check_query(raw))
    return exports.response_for(export, format, _("Feedback"))


@router.post(W + "/feedback/bulk", response={200: FeedbackBulkOut, **ERRORS}, operation_id="bulkUpdateFeedback")
def bulk_feedback(request: ApiRequest, workspace: WorkspaceSlug, payload: FeedbackBulkIn) -> Any:
    """One action on up to 200 feedback items, all of them or none: set_status, add_tag, link (to a
    requirement) or delete (to the trash)."""
    actor = membership_for(request.auth, workspace)
    updated = services.bulk_feedback(actor, ids=list(payload.ids), action=payload.action, value=payload.value)
    return {"updated": updated}


# --- One feedback item ---------------------------------------------------------------------------


@router.get(F, response={200: FeedbackOut, **ERRORS}, operation_id="getFeedback")
def get_feedback(request: ApiRequest, workspace: WorkspaceSlug, feedback_id: PathId) -> Any:
    return _feedback(request, workspace, feedback_id)[1]


@router.patch(F, response={200: FeedbackOut, **ERRORS}, operation_id="updateFeedback")
def update_feedback(request: ApiRequest, workspace: WorkspaceSlug, feedback_id: PathId, payload: FeedbackPatch) -> Any:
    actor, feedback = _feedback(request, workspace, feedback_id)
    services.update_feedback(actor, feedback, version=payload.version, **changes(payload, nullable=NULLABLE))
    return queries_feedback.get_feedback(actor, feedback_id)


@router.delete(F, response={204: None, **ERRORS}, operation_id="deleteFeedback")
def delete_feedback(request: ApiRequest, workspace: WorkspaceSlug, feedback_id: PathId) -> Any:
    """To the trash; the requirements it was linked to lose its demand until it is restored."""
    actor, feedback = _feedback(request, workspace, feedback_id)
    services.delete_feedback(actor, feedback)
    return Status(204, None)


@router.post(F + "/links/{number}", response={200: FeedbackOut, **ERRORS}, operation_id="linkFeedbackToRequirement")
def link_requirement(request: ApiRequest, workspace: WorkspaceSlug, feedback_id: PathId, number: Number) -> Any:
    """Link the feedback to REQ-<number>: new or triaged feedback becomes linked, and the
    requirement's demand (feedback and distinct customers) and score are recounted."""
    actor, feedback = _feedback(request, workspace, feedback_id)
    services.link_requirement(actor, feedback, queries.get_requirement(actor, number))
    return queries_feedback.get_feedback(actor, feedback_id)


@router.delete(
    F + "/links/{number}", response={200: FeedbackOut, **ERRORS}, operation_id="unlinkFeedbackFromRequirement"
)
def unlink_requirement(request: ApiRequest, workspace: WorkspaceSlug, feedback_id: PathId, number: Number) -> Any:
    """Remove the link; linked feedback left with no requirement goes back to triaged."""
    actor, feedback = _feedback(request, workspace, feedback_id)
    services.unlink_requirement(actor, feedback, queries.get_requirement(actor, number))
    return queries_feedback.get_feedback(actor, feedback_id)


# --- Imports -------------------------------------------------------------------------------------


@router.post(
    W + "/products/{product_id}/feedback-imports",
    response={201: FeedbackImportOut, **ERRORS},
    tags=["feedback"],
    operation_id="uploadFeedbackImport",
)
@decorate_view(_unreadable_upload_is_a_problem)
def upload_import(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    product_id: PathId,
    file: File[UploadedFile],
    channel: Form[FeedbackChannel | None] = None,
) -> Any:
    """Step 1: a CSV (UTF-8 or GBK) or XLSX file of feedback, at most 2 MB and 5,000 rows, with a
    header row (English or Chinese names: content/内容, channel/渠道, customer/客户, company/公司,
    segment/细分, email/邮箱, kind/类型, sentiment/情绪, tags/标签, date/日期). Every row is checked
    and kept for the preview; nothing else is written. `channel` is used for rows without one."""
    unknown = [name for name in [*request.POST, *request.FILES] if name not in {"file", "channel"}]
    if unknown:
        raise ValidationFailed(dict.fromkeys(unknown[:20], _("This field is not allowed here.")))
    actor = membership_for(request.auth, workspace)
    product = queries.get_product(actor, product_id)
    found = imports.upload_import(actor, product, file=file, channel=channel)
    return Status(201, _import_out(queries_feedback.get_import(actor, found.pk)))


@router.get(IMPORT, response={200: FeedbackImportOut, **ERRORS}, operation_id="getFeedbackImport")
def get_import(request: ApiRequest, workspace: WorkspaceSlug, import_id: PathId) -> Any:
    """The preview (before confirming) or the report (after): counts and rows with their errors."""
    actor = membership_for(request.auth, workspace)
    return _import_out(queries_feedback.get_import(actor, import_id))


@router.post(IMPORT + "/confirm", response={200: FeedbackImportOut, **ERRORS}, operation_id="confirmFeedbackImport")
def confirm_import(request: ApiRequest, workspace: WorkspaceSlug, import_id: PathId) -> Any:
    """Step 2: write every good row in one transaction, each row entirely or not at all; the report
    names the rows that were not imported and why. Confirming twice is a conflict (409)."""
    actor = membership_for(request.auth, workspace)
    found = queries_feedback.get_import(actor, import_id)
    imports.confirm_import(actor, found)
    return _import_out(queries_feedback.get_import(actor, import_id))


# --- The public form -----------------------------------------------------------------------------


def _bounded_body(run: Callable[..., Any]) -> Callable[..., Any]:
    """A body over MAX_PUBLIC_BODY is refused (413) before it is read or parsed."""

    @functools.wraps(run)
    def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
        from cadence.api import problem

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_PUBLIC_BODY or len(request.body) > MAX_PUBLIC_BODY:
            message = _("The submission is too large: at most %(n)s KB. Shorten the feedback.") % {
                "n": MAX_PUBLIC_BODY // 1024
            }
            return problem(413, message, errors=[{"field": "content", "message": message}])
        return run(request, *args, **kwargs)

    return wrapper


@router.post(
    "/public/feedback/{form_token}",
    response={201: PublicFeedbackOut, 413: Problem, **ERRORS},
    auth=None,
    tags=["public"],
    operation_id="submitPublicFeedback",
)
@decorate_view(_bounded_body)
def submit_public_feedback(request: ApiRequest, form_token: FormToken, payload: PublicFeedbackIn) -> Any:
    """The product's public feedback form, without authentication: 404 unless the form is on. At
    most 5 submissions per IP per 10 minutes and 100 per product per hour (429 with Retry-After).
    The text is kept as plain text."""
    product = queries_feedback.product_for_form(form_token)
    services.submit_public_feedback(product, ip=client_ip(request), **payload.model_dump())
    return Status(201, {"received": True, "message": _("Thank you for your feedback.")})
