"""Products and requirements over HTTP: thin handlers that parse, call a service or a query, render."""

from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from accounts.queries import membership_for
from cadence.api_auth import ApiRequest
from core.api import ERRORS, Cursor, FilterId, FilterText, Limit, WorkspaceSlug, changes, json_response
from core.export import XLSX_TYPE
from core.pagination import paginate
from core.schemas import PathId, page_of
from product import diff, queries
from product.models import RequirementStatus, RequirementType, Source
from product.queries import export as exports
from product.schemas.requirements import (
    CompareOut,
    ModuleIn,
    ProductIn,
    ProductOut,
    ProductPatch,
    RankedOut,
    RankIn,
    RankOut,
    RequirementIn,
    RequirementOut,
    RequirementPatch,
    RequirementRowOut,
    RequirementTransitionIn,
    RevisionOut,
    SettingsOut,
    SettingsPatch,
    StatusChangeOut,
    WorkItemLinkIn,
    WorkItemsOut,
)
from product.services import products, requirements

router = Router(tags=["requirements"])
W = "/workspaces/{workspace}"
PRODUCT = W + "/products/{product_id}"
R = W + "/requirements/{number}"
Format = Literal["csv", "xlsx"]
EXPORT_RESPONSE = {
    "responses": {
        200: {
            "description": "The file, as a download.",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }
}
Number = Annotated[int, Path(ge=1, le=2**31, example=1)]
ItemKey = Annotated[str, Path(pattern=r"^[A-Za-z][A-Za-z0-9]{1,9}-[0-9]{1,9}$", example="APP-1")]
ReleaseFilter = Annotated[str | None, Query(None, pattern=r"^(none|[1-9][0-9]{0,15})$")]
Sort = Literal["score", "rank", "-created", "key"]
# Fields a PATCH may set to null to clear them.
NULLABLE = frozenset(
    {
        "module_id",
        "feasibility",
        "market_potential",
        "user_value",
        "effort",
        "reach",
        "impact",
        "confidence",
        "time_criticality",
        "risk_reduction",
        "job_size",
        "moscow",
        "kano",
    }
)


def _product(request: ApiRequest, workspace: str, product_id: int) -> tuple[Any, Any]:
    actor = membership_for(request.auth, workspace)
    return actor, queries.get_product(actor, product_id)


def _requirement(request: ApiRequest, workspace: str, number: int) -> tuple[Any, Any]:
    actor = membership_for(request.auth, workspace)
    return actor, queries.get_requirement(actor, number)


def _detail(actor: Any, number: int) -> Any:
    return queries.detail_of(actor, queries.get_requirement(actor, number))


# --- Products ------------------------------------------------------------------------------------


@router.get(W + "/products", response={200: page_of(ProductOut), **ERRORS}, operation_id="listProducts")
def list_products(request: ApiRequest, workspace: WorkspaceSlug, cursor: Cursor = None, limit: Limit = None) -> Any:
    """The workspace's products, by name."""
    actor = membership_for(request.auth, workspace)
    qs = queries.products_for(actor).prefetch_related("modules")
    return paginate(qs, cursor=cursor, limit=limit, order="name")


@router.post(W + "/products", response={201: ProductOut, **ERRORS}, operation_id="createProduct")
def create_product(request: ApiRequest, workspace: WorkspaceSlug, payload: ProductIn) -> Any:
    """The owner is the caller unless `owner_id` names another member."""
    actor = membership_for(request.auth, workspace)
    product = products.create_product(actor, **payload.model_dump(exclude_none=True))
    return Status(201, queries.get_product(actor, product.pk))


@router.get(PRODUCT, response={200: ProductOut, **ERRORS}, operation_id="getProduct")
def get_product(request: ApiRequest, workspace: WorkspaceSlug, product_id: PathId) -> Any:
    return _product(request, workspace, product_id)[1]


@router.patch(PRODUCT, response={200: ProductOut, **ERRORS}, operation_id="updateProduct")
def update_product(request: ApiRequest, workspace: WorkspaceSlug, product_id: PathId, payload: ProductPatch) -> Any:
    """`form_enabled` opens or closes the public feedback form."""
    actor, product = _product(request, workspace, product_id)
    products.update_product(actor, product, version=payload.version, **changes(payload))
    return queries.get_product(actor, product_id)


@router.delete(PRODUCT, response={204: None, **ERRORS}, operation_id="deleteProduct")
def delete_product(request: ApiRequest, workspace: WorkspaceSlug, product_id: PathId) -> Any:
    """To the trash; its requirements are hidden with it until it is restored."""
    actor, product = _product(request, workspace, product_id)
    products.delete_product(actor, product)
    return Status(204, None)


@router.post(PRODUCT + "/modules", response={201: ProductOut, **ERRORS}, operation_id="createModule")
def create_module(request: ApiRequest, workspace: WorkspaceSlug, product_id: PathId, payload: ModuleIn) -> Any:
    actor, product = _product(request, workspace, product_id)
    products.create_module(actor, product, name=payload.name)
    return Status(201, queries.get_product(actor, product_id))


@router.delete(PRODUCT + "/modules/{module_id}", response={204: None, **ERRORS}, operation_id="deleteModule")
def delete_module(request: ApiRequest, workspace: WorkspaceSlug, product_id: PathId, module_id: PathId) -> Any:
    """Its requirements stay in the product, without a module."""
    actor, product = _product(request, workspace, product_id)
    products.delete_module(actor, queries.get_module(actor, product, module_id))
    return Status(204, None)


@router.post(PRODUCT + "/form-link", response={200: ProductOut, **ERRORS}, operation_id="renewFeedbackFormLink")
def renew_form_link(request: ApiRequest, workspace: WorkspaceSlug, product_id: PathId) -> Any:
    """A new address for the public feedback form: the old one stops working at once."""
    actor, product = _product(request, workspace, product_id)
    products.renew_form_link(actor, product)
    return queries.get_product(actor, product_id)


@router.get(W + "/product-settings", response={200: SettingsOut, **ERRORS}, operation_id="getProductSettings")
def get_settings(request: ApiRequest, workspace: WorkspaceSlug) -> Any:
    """The scoring model that ranks the backlog, and how much demand raises a score."""
    return queries.product_settings(membership_for(request.auth, workspace))


@router.patch(W + "/product-settings", response={200: SettingsOut, **ERRORS}, operation_id="updateProductSettings")
def update_settings(request: ApiRequest, workspace: WorkspaceSlug, payload: SettingsPatch) -> Any:
    """Owners and admins. Every requirement is rescored at once."""
    actor = membership_for(request.auth, workspace)
    return products.update_settings(actor, version=payload.version, **changes(payload))


# --- Requirements --------------------------------------------------------------------------------


@router.get(W + "/requirements", response={200: page_of(RequirementRowOut), **ERRORS}, operation_id="listRequirements")
def list_requirements(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    cursor: Cursor = None,
    limit: Limit = None,
    product: FilterId = None,
    module: FilterId = None,
    status: RequirementStatus | None = None,
    type: RequirementType | None = None,
    source: Source | None = None,
    owner: FilterId = None,
    tag: FilterText = None,
    release: ReleaseFilter = None,
    text: FilterText = None,
    sort: Sort = "score",
) -> Any:
    """The backlog. `sort`: score (the workspace model's score, unscored last, then the manual
    rank), rank (the manual order, with `score_disagrees`), -created, key. `release=none` lists
    the unplanned."""
    actor = membership_for(request.auth, workspace)
    raw = {
        "product": product,
        "module": module,
        "status": status,
        "type": type,
        "source": source,
        "owner": owner,
        "tag": tag,
        "release": release,
        "text": text,
        "sort": sort,
    }
    query = queries.check_query(raw)
    # The hot path: plain rows written by hand (in RequirementRowOut's shape, which a test holds them to).
    page = queries.backlog_page(actor, query, cursor=cursor, limit=limit, rows=True)
    items = [queries.requirement_row_json(row) for row in page.items]
    return json_response({"items": items, "next_cursor": page.next_cursor})


# Before the routes of one requirement: /requirements/export is not a requirement's number.
@router.get(
    W + "/requirements/export",
    response={**ERRORS},
    openapi_extra=EXPORT_RESPONSE,
    tags=["requirements"],
    operation_id="exportRequirements",
)
def export_requirements(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    format: Format = "csv",
    product: FilterId = None,
    module: FilterId = None,
    status: RequirementStatus | None = None,
    type: RequirementType | None = None,
    source: Source | None = None,
    owner: FilterId = None,
    tag: FilterText = None,
    release: Annotated[str | None, Query(None, pattern=r"^(none|[1-9][0-9]{0,15})$")] = None,
    text: FilterText = None,
    sort: Literal["score", "rank", "-created", "key"] = "score",
) -> Any:
    """The backlog as a file, with the list's filters and order (at most 10,000 rows): every
    analysis input, the score and the demand counts; formula-like cells are quoted."""
    actor = membership_for(request.auth, workspace)
    raw = {
        "product": product,
        "module": module,
        "status": status,
        "type": type,
        "source": source,
        "owner": owner,
        "tag": tag,
        "release": release,
        "text": text,
        "sort": sort,
    }
    export = exports.export_requirements(actor, queries.check_query(raw))
    return exports.response_for(export, format, _("Requirements"))


@router.post(W + "/requirements", response={201: RequirementOut, **ERRORS}, operation_id="createRequirement")
def create_requirement(request: ApiRequest, workspace: WorkspaceSlug, payload: RequirementIn) -> Any:
    """A new requirement is `new`, last in the manual order; the caller proposes and owns it
    unless `proposer_id` and `owner_id` name other members."""
    actor = membership_for(request.auth, workspace)
    values = payload.model_dump(exclude_none=True)
    product = queries.product_named_in_body(actor, values.pop("product_id"))
    requirement = requirements.create_requirement(actor, product, **values)
    return Status(201, _detail(actor, requirement.number))


@router.post(
    W + "/requirements/rank-by-score", response={200: RankedOut, **ERRORS}, operation_id="rankRequirementsByScore"
)
def rank_by_score(request: ApiRequest, workspace: WorkspaceSlug) -> Any:
    """Rewrite the manual order from the current scores (highest first, unscored last)."""
    actor = membership_for(request.auth, workspace)
    return {"ranked": requirements.rank_by_score(actor)}


@router.get(R, response={200: RequirementOut, **ERRORS}, operation_id="getRequirement")
def get_requirement(request: ApiRequest, workspace: WorkspaceSlug, number: Number) -> Any:
    """REQ-<number>, with its scores under every model, linked work and demand."""
    actor, requirement = _requirement(request, workspace, number)
    return queries.detail_of(actor, requirement)


@router.patch(R, response={200: RequirementOut, **ERRORS}, operation_id="updateRequirement")
def update_requirement(request: ApiRequest, workspace: WorkspaceSlug, number: Number, payload: RequirementPatch) -> Any:
    """A new title or description keeps the old version as a revision; the score follows the
    analysis. Zero effort is refused, naming `effort`; WSJF's inputs take the steps 1, 2, 3, 5, 8,
    13, 20 only."""
    actor, requirement = _requirement(request, workspace, number)
    requirements.update_requirement(actor, requirement, version=payload.version, **changes(payload, nullable=NULLABLE))
    return _detail(actor, number)


@router.delete(R, response={204: None, **ERRORS}, operation_id="deleteRequirement")
def delete_requirement(request: ApiRequest, workspace: WorkspaceSlug, number: Number) -> Any:
    actor, requirement = _requirement(request, workspace, number)
    requirements.delete_requirement(actor, requirement)
    return Status(204, None)


@router.post(R + "/transitions", response={200: RequirementOut, **ERRORS}, operation_id="transitionRequirement")
def transition(request: ApiRequest, workspace: WorkspaceSlug, number: Number, payload: RequirementTransitionIn) -> Any:
    """Move along the workflow. Rejected, needs_clarification and closed need a `reason`;
    `planned` needs a release (plan it into one through the releases endpoints)."""
    actor, requirement = _requirement(request, workspace, number)
    requirements.transition(actor, requirement, status=payload.status, version=payload.version, reason=payload.reason)
    return _detail(actor, number)


@router.get(R + "/history", response={200: page_of(StatusChangeOut), **ERRORS}, operation_id="listStatusChanges")
def status_history(
    request: ApiRequest, workspace: WorkspaceSlug, number: Number, cursor: Cursor = None, limit: Limit = None
) -> Any:
    """Every move of the workflow, newest first: who, when, from, to and why."""
    requirement = _requirement(request, workspace, number)[1]
    return paginate(queries.status_changes_of(requirement), cursor=cursor, limit=limit)


@router.get(R + "/revisions", response={200: page_of(RevisionOut), **ERRORS}, operation_id="listRevisions")
def list_revisions(
    request: ApiRequest, workspace: WorkspaceSlug, number: Number, cursor: Cursor = None, limit: Limit = None
) -> Any:
    """Every version of the title and description, newest first."""
    requirement = _requirement(request, workspace, number)[1]
    return paginate(queries.revisions_of(requirement), cursor=cursor, limit=limit, order="-number")


@router.get(R + "/revisions/{a}/compare/{b}", response={200: CompareOut, **ERRORS}, operation_id="compareRevisions")
def compare_revisions(request: ApiRequest, workspace: WorkspaceSlug, number: Number, a: Number, b: Number) -> Any:
    """The older of versions `a` and `b` against the newer, line by line, with the changed words of
    changed lines; `swapped` says that `a` was the newer one."""
    requirement = _requirement(request, workspace, number)[1]
    old, new, swapped = queries.revisions_to_compare(requirement, a, b)
    comparison = diff.compare(old.title, old.description, new.title, new.description)
    return {
        "a": old,
        "b": new,
        "swapped": swapped,
        "title": comparison.title,
        "lines": comparison.lines,
        "added": comparison.added,
        "removed": comparison.removed,
    }


@router.post(R + "/rank", response={200: RankOut, **ERRORS}, operation_id="rankRequirement")
def move_rank(request: ApiRequest, workspace: WorkspaceSlug, number: Number, payload: RankIn) -> Any:
    """Place the requirement in the manual order: directly after `after`, directly before `before`
    (requirement numbers), or between both."""
    actor, requirement = _requirement(request, workspace, number)
    renumbered = requirements.move_rank(actor, requirement, before=payload.before, after=payload.after)
    return {"number": requirement.number, "rank": requirement.rank, "renumbered": renumbered}


@router.post(R + "/work-items", response={201: WorkItemsOut, **ERRORS}, operation_id="linkWorkItemToRequirement")
def link_work_item(request: ApiRequest, workspace: WorkspaceSlug, number: Number, payload: WorkItemLinkIn) -> Any:
    """Link a work item that implements the requirement, by its key; only items of projects the
    caller can see. Answers with every linked item and the progress."""
    actor, requirement = _requirement(request, workspace, number)
    requirements.link_item(actor, requirement, item_key=payload.item_key)
    items = queries.linked_items(actor, requirement)
    return Status(201, {"items": items, "progress": queries.progress_of(actor, requirement)})


@router.delete(
    R + "/work-items/{item_key}", response={204: None, **ERRORS}, operation_id="unlinkWorkItemFromRequirement"
)
def unlink_work_item(request: ApiRequest, workspace: WorkspaceSlug, number: Number, item_key: ItemKey) -> Any:
    actor, requirement = _requirement(request, workspace, number)
    requirements.unlink_item(actor, requirement, item_key=item_key)
    return Status(204, None)
