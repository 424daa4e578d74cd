"""What the releases, planning, roadmap and share-link API reads and writes. Inputs forbid unknown
fields; the product of a release, and its workspace, are never writable once it exists."""

import datetime
from typing import Any

from ninja import Schema

from core.schemas import Day, Id, In, Text, UserBrief, Version
from product.models import Horizon, ReleaseStatus, RequirementStatus

# --- Releases ------------------------------------------------------------------------------------


class ReleaseIn(In):
    product_id: Id
    name: Text(100, 1)  # type: ignore[valid-type]
    target_date: Day
    start_date: Day | None = None
    theme: Text(200) = ""  # type: ignore[valid-type]
    description: Text(20000) = ""  # type: ignore[valid-type]
    horizon: Horizon = Horizon.SHORT_TERM
    status: ReleaseStatus = ReleaseStatus.PLANNED


class ReleasePatch(In):
    version: Version
    name: Text(100, 1) | None = None  # type: ignore[valid-type]
    target_date: Day | None = None
    start_date: Day | None = None
    theme: Text(200) | None = None  # type: ignore[valid-type]
    description: Text(20000) | None = None  # type: ignore[valid-type]
    horizon: Horizon | None = None
    status: ReleaseStatus | None = None


class ReleaseOut(Schema):
    id: int
    product_id: int
    product: str
    name: str
    theme: str
    description: str
    start_date: datetime.date | None
    target_date: datetime.date
    horizon: Horizon
    status: ReleaseStatus
    shipped_at: datetime.datetime | None
    requirement_count: int
    released_count: int
    released_percent: int
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_product(obj: Any) -> str:
        return obj.product.name

    @staticmethod
    def resolve_released_percent(obj: Any) -> int:
        total = getattr(obj, "requirement_count", 0)
        return round(100 * getattr(obj, "released_count", 0) / total) if total else 0


class ReleaseRequirementOut(Schema):
    """A requirement of a release with the progress of its work items; `unfinished` when the release
    has shipped and the requirement waits for its work to be done."""

    number: int
    key: str
    title: str
    status: RequirementStatus
    items_total: int
    items_done: int
    progress: int | None
    unfinished: bool


class ReleaseDetailOut(ReleaseOut):
    requirements: list[ReleaseRequirementOut]

    @staticmethod
    def resolve_requirements(obj: Any) -> Any:
        return obj.requirements_list


# --- Planning ------------------------------------------------------------------------------------


class PlanIn(In):
    """`release_id: null` takes the requirement out of its release."""

    release_id: Id | None
    version: Version


class PlannedOut(Schema):
    number: int
    key: str
    title: str
    status: RequirementStatus
    release_id: int | None
    version: int


# --- Roadmap -------------------------------------------------------------------------------------


class PeriodOut(Schema):
    key: str
    label: str
    start: datetime.date
    end: datetime.date


class RoadmapRequirementOut(Schema):
    number: int
    key: str
    title: str
    status: RequirementStatus


class RoadmapReleaseOut(Schema):
    id: int
    product_id: int
    product: str
    name: str
    theme: str
    start_date: datetime.date | None
    target_date: datetime.date
    status: ReleaseStatus
    period: str
    requirements: list[RoadmapRequirementOut]


class LaneOut(Schema):
    horizon: Horizon
    label: str
    releases: list[RoadmapReleaseOut]


class RoadmapOut(Schema):
    scale: str
    start: str
    span: int
    periods: list[PeriodOut]
    lanes: list[LaneOut]


class PublicRequirementOut(Schema):
    title: str
    status: RequirementStatus


class PublicReleaseOut(Schema):
    name: str
    theme: str
    start_date: datetime.date | None
    target_date: datetime.date
    status: ReleaseStatus
    period: str
    requirements: list[PublicRequirementOut]


class PublicLaneOut(Schema):
    horizon: Horizon
    label: str
    releases: list[PublicReleaseOut]


class PublicRoadmapOut(Schema):
    """A product's roadmap as a share link shows it: nothing but names, themes, dates, lanes and
    requirement titles and statuses."""

    product: str
    scale: str
    start: str
    span: int
    periods: list[PeriodOut]
    lanes: list[PublicLaneOut]


# --- Share links ---------------------------------------------------------------------------------


class ShareIn(In):
    label: Text(100) = ""  # type: ignore[valid-type]


class ShareOut(Schema):
    id: int
    product_id: int
    label: str
    created_by: UserBrief | None
    created_at: datetime.datetime
    revoked_at: datetime.datetime | None
    last_used_at: datetime.datetime | None


class NewShareOut(ShareOut):
    """The link, shown this once: only a hash of its token is kept."""

    url: str
