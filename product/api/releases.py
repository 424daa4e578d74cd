"""Releases, planning, shipping, the roadmap and its share links over HTTP: thin handlers that parse,
call a service or a query, render."""

from typing import Annotated, Any, Literal

from ninja import Path, Query, Router, Status

from accounts.queries import membership_for
from cadence.api_auth import ApiRequest
from core.api import ERRORS, Cursor, Limit, WorkspaceSlug, changes
from core.pagination import paginate
from core.schemas import PathId, page_of
from core.web import client_ip
from product import queries as product_queries
from product.models import Release, ReleaseStatus
from product.queries import roadmap as queries
from product.schemas.releases import (
    NewShareOut,
    PlanIn,
    PlannedOut,
    PublicRoadmapOut,
    ReleaseDetailOut,
    ReleaseIn,
    ReleaseOut,
    ReleasePatch,
    RoadmapOut,
    ShareIn,
    ShareOut,
)
from product.services import releases

router = Router(tags=["releases and roadmap"])
W = "/workspaces/{workspace}"
RELEASE = W + "/releases/{release_id}"
Scale = Annotated[Literal["month", "quarter"] | None, Query(None)]
Start = Annotated[str | None, Query(None, pattern=r"^[0-9]{4}-[0-9]{2}$", examples=["2026-01"])]
Span = Annotated[int | None, Query(None, ge=1, le=24)]
ProductFilter = Annotated[int | None, Query(None, ge=1, le=2**53)]
Token = Annotated[str, Path(pattern=r"^[A-Za-z0-9_\-]{20,100}$", max_length=100)]


def _detail(actor: Any, release_id: int) -> Release:
    release = queries.get_release(actor, release_id)
    release.requirements_list = queries.requirements_of(release)  # type: ignore[attr-defined]
    return release


# --- Releases ------------------------------------------------------------------------------------


@router.get(W + "/releases", response={200: page_of(ReleaseOut), **ERRORS}, operation_id="listReleases")
def list_releases(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    cursor: Cursor = None,
    limit: Limit = None,
    product: ProductFilter = None,
    status: ReleaseStatus | None = None,
) -> Any:
    """The workspace's releases, latest target date first, with how many of their requirements are released."""
    actor = membership_for(request.auth, workspace)
    qs = queries.releases_for(actor, product_id=product, status=status)
    return paginate(qs, cursor=cursor, limit=limit, order="-target_date")


@router.post(W + "/releases", response={201: ReleaseOut, **ERRORS}, operation_id="createRelease")
def create_release(request: ApiRequest, workspace: WorkspaceSlug, payload: ReleaseIn) -> Any:
    """A release of `product_id` (a product of this workspace); the start date must not be after the target date."""
    actor = membership_for(request.auth, workspace)
    values = payload.model_dump()
    product_id = values.pop("product_id")
    product = product_queries.product_named_in_body(actor, product_id)
    release = releases.create_release(actor, product, **values)
    return Status(201, queries.get_release(actor, release.pk))


@router.get(RELEASE, response={200: ReleaseDetailOut, **ERRORS}, operation_id="getRelease")
def get_release(request: ApiRequest, workspace: WorkspaceSlug, release_id: PathId) -> Any:
    """The release with its requirements and the progress of their work items."""
    actor = membership_for(request.auth, workspace)
    return _detail(actor, release_id)


@router.patch(RELEASE, response={200: ReleaseOut, **ERRORS}, operation_id="updateRelease")
def update_release(request: ApiRequest, workspace: WorkspaceSlug, release_id: PathId, payload: ReleasePatch) -> Any:
    """`status` may be planned or in_progress; a release ships through the ship operation."""
    actor = membership_for(request.auth, workspace)
    release = queries.get_release(actor, release_id)
    releases.update_release(
        actor, release, version=payload.version, **changes(payload, nullable=frozenset({"start_date"}))
    )
    return queries.get_release(actor, release_id)


@router.delete(RELEASE, response={204: None, **ERRORS}, operation_id="deleteRelease")
def delete_release(request: ApiRequest, workspace: WorkspaceSlug, release_id: PathId) -> Any:
    """To the trash; its requirements stay planned into it until it is restored or they are moved."""
    actor = membership_for(request.auth, workspace)
    releases.delete_release(actor, queries.get_release(actor, release_id))
    return Status(204, None)


@router.post(RELEASE + "/ship", response={200: ReleaseDetailOut, **ERRORS}, operation_id="shipRelease")
def ship_release(request: ApiRequest, workspace: WorkspaceSlug, release_id: PathId) -> Any:
    """Mark the release shipped. Its requirements whose work items are all done become released at
    once (their feedback is answered and its givers told); the others follow when their work is done."""
    actor = membership_for(request.auth, workspace)
    releases.ship(actor, queries.get_release(actor, release_id))
    return _detail(actor, release_id)


# --- Planning ------------------------------------------------------------------------------------


@router.put(
    W + "/requirements/{number}/release", response={200: PlannedOut, **ERRORS}, operation_id="setRequirementRelease"
)
def plan_requirement(request: ApiRequest, workspace: WorkspaceSlug, number: PathId, payload: PlanIn) -> Any:
    """Plan the requirement into a release of its product, or take it out with `release_id: null`.
    An approved requirement becomes planned; a planned one taken out is approved again."""
    actor = membership_for(request.auth, workspace)
    requirement = product_queries.get_requirement(actor, number)
    return releases.plan(actor, requirement, release_id=payload.release_id, version=payload.version)


# --- Roadmap -------------------------------------------------------------------------------------


@router.get(W + "/roadmap", response={200: RoadmapOut, **ERRORS}, operation_id="getRoadmap")
def roadmap(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    product: ProductFilter = None,
    scale: Scale = None,
    start: Start = None,
    span: Span = None,
) -> Any:
    """Releases by target date over `span` months (at most 24) or quarters (at most 8) from `start`
    (YYYY-MM; this month by default), in a short-term and a long-term lane, with their requirements."""
    actor = membership_for(request.auth, workspace)
    found = queries.roadmap_for(actor, product_id=product, scale=scale, start=start, span=span)
    return queries.roadmap_json(found)


# --- Share links ---------------------------------------------------------------------------------


@router.post(
    W + "/products/{product_id}/shares", response={201: NewShareOut, **ERRORS}, operation_id="createRoadmapShare"
)
def create_share(request: ApiRequest, workspace: WorkspaceSlug, product_id: PathId, payload: ShareIn) -> Any:
    """A read-only link to the product's roadmap. `url` is shown this once: only a hash is kept."""
    actor = membership_for(request.auth, workspace)
    share, token = releases.create_share(actor, product_queries.get_product(actor, product_id), label=payload.label)
    share.url = releases.share_url(token)  # type: ignore[attr-defined]
    return Status(201, share)


@router.get(
    W + "/products/{product_id}/shares", response={200: page_of(ShareOut), **ERRORS}, operation_id="listRoadmapShares"
)
def list_shares(
    request: ApiRequest, workspace: WorkspaceSlug, product_id: PathId, cursor: Cursor = None, limit: Limit = None
) -> Any:
    """The product's share links, newest first, revoked ones included; never their tokens."""
    actor = membership_for(request.auth, workspace)
    qs = queries.shares_of(actor, product_queries.get_product(actor, product_id))
    return paginate(qs, cursor=cursor, limit=limit)


@router.delete(W + "/shares/{share_id}", response={204: None, **ERRORS}, operation_id="revokeRoadmapShare")
def revoke_share(request: ApiRequest, workspace: WorkspaceSlug, share_id: PathId) -> Any:
    """The link stops working at once."""
    actor = membership_for(request.auth, workspace)
    releases.revoke_share(actor, queries.get_share(actor, share_id))
    return Status(204, None)


@router.get(
    "/public/roadmap/{token}",
    response={200: PublicRoadmapOut, **ERRORS},
    auth=None,
    tags=["public"],
    operation_id="getPublicRoadmap",
)
def public_roadmap(
    request: ApiRequest, token: Token, scale: Scale = None, start: Start = None, span: Span = None
) -> Any:
    """The roadmap a share link shows, without signing in: release names, themes, dates, lanes and
    requirement titles and statuses of that one product. An unknown or revoked token is 404."""
    share = releases.open_share(token, ip=client_ip(request))
    found = queries.public_roadmap(share, scale=scale, start=start, span=span)
    return {"product": share.product.name, **queries.roadmap_json(found, public=True)}
