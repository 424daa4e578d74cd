"""Reads of releases, the roadmap and its share links, scoped to the actor's workspace (SECURITY.md
rule 1); and the public roadmap a share link shows, which holds nothing but release names, themes,
dates, lanes and requirement titles and statuses.

The roadmap is a constant number of queries however many releases it holds: one for the releases
of the window, one for their requirements."""

import datetime
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.errors import NotFound, ValidationFailed
from core.permissions import require
from product.models import (
    Horizon,
    Product,
    Release,
    ReleaseStatus,
    Requirement,
    RequirementStatus,
    RoadmapShare,
)
from projects.models import Category

if TYPE_CHECKING:
    from accounts.models import Membership

SCALES = ("month", "quarter")
# The longest window one roadmap shows: two years.
MAX_SPAN = {"month": 24, "quarter": 8}
DEFAULT_SPAN = {"month": 12, "quarter": 4}
MONTH_PATTERN = re.compile(r"^([0-9]{4})-([0-9]{2})$")
FIRST_YEAR, LAST_YEAR = 1970, 2990
# The public roadmap leaves out what was turned down.
HIDDEN_FROM_PUBLIC = (RequirementStatus.REJECTED, RequirementStatus.CLOSED)


# --- Products, releases, requirements ------------------------------------------------------------


def releases_for(
    actor: "Membership", *, product_id: int | None = None, status: str | None = None
) -> models.QuerySet[Release]:
    """The workspace's releases (not deleted), each with its number of requirements and of released ones."""
    require(actor, "product.view")
    alive = Q(requirements__deleted_at__isnull=True)
    qs = (
        Release.objects.filter(workspace_id=actor.workspace_id, product__deleted_at__isnull=True)
        .select_related("product")
        .annotate(
            requirement_count=Count("requirements", filter=alive),
            released_count=Count("requirements", filter=alive & Q(requirements__status=RequirementStatus.RELEASED)),
        )
    )
    if product_id is not None:
        qs = qs.filter(product_id=product_id)
    if status:
        qs = qs.filter(status=status)
    return qs


def get_release(actor: "Membership", release_id: int) -> Release:
    release = releases_for(actor).filter(pk=release_id).first()
    if release is None:
        raise NotFound()
    return release


def released_share(release: Release) -> int:
    """The per cent of the release's requirements that are released (of a release from releases_for)."""
    total = getattr(release, "requirement_count", 0)
    return round(100 * getattr(release, "released_count", 0) / total) if total else 0


def requirements_of(release: Release) -> list[Requirement]:
    """The release's requirements in rank order, each with `items_total` and `items_done` (its linked
    work items, deleted ones left out) and `progress` (per cent done). One query."""
    linked = Q(item_links__item__deleted_at__isnull=True)
    rows = list(
        Requirement.objects.filter(release=release)
        .annotate(
            items_total=Count("item_links", filter=linked),
            items_done=Count("item_links", filter=linked & Q(item_links__item__category=Category.DONE)),
        )
        .order_by("rank", "id")
    )
    for r in rows:
        r.progress = round(100 * r.items_done / r.items_total) if r.items_total else None  # type: ignore[attr-defined]
        # Left behind: its release shipped but its work is not all done yet.
        r.unfinished = (  # type: ignore[attr-defined]
            release.status == ReleaseStatus.SHIPPED
            and r.status not in (RequirementStatus.RELEASED, RequirementStatus.CLOSED, RequirementStatus.REJECTED)
        )
    return rows


# --- Share links ---------------------------------------------------------------------------------


def shares_of(actor: "Membership", product: Product) -> models.QuerySet[RoadmapShare]:
    """The product's share links, live ones first; their tokens are not kept, so never shown."""
    require(actor, "product.view")
    return RoadmapShare.objects.filter(workspace_id=actor.workspace_id, product=product).select_related("created_by")


def live_shares_for(actor: "Membership", *, product_id: int | None = None) -> models.QuerySet[RoadmapShare]:
    """The workspace's share links that still work (of one product, if named), newest first."""
    require(actor, "product.view")
    qs = RoadmapShare.objects.filter(
        workspace_id=actor.workspace_id, revoked_at__isnull=True, product__deleted_at__isnull=True
    ).select_related("product", "created_by")
    if product_id is not None:
        qs = qs.filter(product_id=product_id)
    return qs.order_by("-id")


def get_share(actor: "Membership", share_id: int) -> RoadmapShare:
    require(actor, "product.view")
    share = (
        RoadmapShare.objects.filter(workspace_id=actor.workspace_id, pk=share_id, product__deleted_at__isnull=True)
        .select_related("product")
        .first()
    )
    if share is None:
        raise NotFound()
    return share


# --- The roadmap ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    key: str  # 2026-01, or 2026-Q1
    label: str
    start: datetime.date
    end: datetime.date


@dataclass
class RoadmapRequirement:
    number: int
    title: str
    status: str

    @property
    def key(self) -> str:
        return f"REQ-{self.number}"

    @property
    def status_label(self) -> str:
        return str(RequirementStatus(self.status).label)


@dataclass
class RoadmapRelease:
    id: int
    product_id: int
    product: str
    name: str
    theme: str
    start_date: datetime.date | None
    target_date: datetime.date
    status: str
    horizon: str
    period: str
    requirements: list[RoadmapRequirement] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(ReleaseStatus(self.status).label)


@dataclass
class Cell:
    period: Period
    releases: list[RoadmapRelease]


@dataclass
class Lane:
    horizon: str
    label: str
    cells: list[Cell]

    @property
    def releases(self) -> list[RoadmapRelease]:
        return [r for cell in self.cells for r in cell.releases]


@dataclass
class Roadmap:
    scale: str
    start: str  # YYYY-MM
    span: int
    periods: list[Period]
    lanes: list[Lane]
    earlier: str  # the start of the window before this one, YYYY-MM
    later: str

    @property
    def release_count(self) -> int:
        return sum(len(lane.releases) for lane in self.lanes)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _month_key(day: datetime.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def window(scale: str | None, start: str | None, span: int | None) -> tuple[str, list[Period]]:
    """The scale and its periods from `start` (YYYY-MM; a quarter starts at its quarter's first month),
    `span` periods long; every error names its parameter."""
    scale = scale or "month"
    if scale not in SCALES:
        raise ValidationFailed({"scale": _("Choose one of: %(n)s.") % {"n": ", ".join(SCALES)}})
    if span is None:
        span = DEFAULT_SPAN[scale]
    if not 1 <= span <= MAX_SPAN[scale]:
        raise ValidationFailed(
            {"span": _("Must be between %(low)s and %(high)s.") % {"low": 1, "high": MAX_SPAN[scale]}}
        )
    if start:
        match = MONTH_PATTERN.match(start)
        year, month = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
        if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
            raise ValidationFailed({"start": _("Enter a month as YYYY-MM, between 1970 and 2990.")})
        first = datetime.date(year, month, 1)
    else:
        today = timezone.localdate()
        first = datetime.date(today.year, today.month, 1)
    step = 1
    if scale == "quarter":
        first = datetime.date(first.year, (first.month - 1) // 3 * 3 + 1, 1)
        step = 3
    periods = []
    for i in range(span):
        begin = _add_months(first, i * step)
        end = _add_months(begin, step) - datetime.timedelta(days=1)
        if scale == "quarter":
            quarter = (begin.month - 1) // 3 + 1
            key = f"{begin.year:04d}-Q{quarter}"
            label = _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": begin.year}
        else:
            key, label = _month_key(begin), formats.date_format(begin, "YEAR_MONTH_FORMAT")
        periods.append(Period(key, label, begin, end))
    return scale, periods


def _build(releases: models.QuerySet[Release], scale: str, periods: list[Period], *, public: bool = False) -> Roadmap:
    first, last = periods[0].start, periods[-1].end
    rows = list(
        releases.filter(target_date__gte=first, target_date__lte=last, product__deleted_at__isnull=True)
        .select_related("product")
        .order_by("target_date", "id")
    )
    period_of = {}
    for period in periods:
        for release in rows:
            if period.start <= release.target_date <= period.end:
                period_of[release.pk] = period
    by_id = {
        r.pk: RoadmapRelease(
            id=r.pk,
            product_id=r.product_id,
            product=r.product.name,
            name=r.name,
            theme=r.theme,
            start_date=r.start_date,
            target_date=r.target_date,
            status=r.status,
            horizon=r.horizon,
            period=period_of[r.pk].key,
        )
        for r in rows
    }
    if by_id:
        requirements = Requirement.objects.filter(release_id__in=list(by_id))
        if public:
            requirements = requirements.exclude(status__in=HIDDEN_FROM_PUBLIC)
        for release_id, number, title, status in requirements.order_by("rank", "id").values_list(
            "release_id", "number", "title", "status"
        ):
            by_id[release_id].requirements.append(RoadmapRequirement(number, title, status))
    lanes = []
    for horizon, label in Horizon.choices:
        cells = [
            Cell(period, [r for r in by_id.values() if r.horizon == horizon and r.period == period.key])
            for period in periods
        ]
        lanes.append(Lane(horizon, str(label), cells))
    step = len(periods) * (3 if scale == "quarter" else 1)
    return Roadmap(
        scale=scale,
        start=_month_key(first),
        span=len(periods),
        periods=periods,
        lanes=lanes,
        earlier=_month_key(_add_months(first, -step)),
        later=_month_key(_add_months(first, step)),
    )


def roadmap_for(
    actor: "Membership",
    *,
    product_id: int | None = None,
    scale: str | None = None,
    start: str | None = None,
    span: int | None = None,
) -> Roadmap:
    """The workspace's releases whose target date falls in the window, in two lanes (short and
    long term), each in the period of its target date, with its requirements."""
    require(actor, "product.view")
    scale, periods = window(scale, start, span)
    releases = Release.objects.filter(workspace_id=actor.workspace_id)
    if product_id is not None:
        releases = releases.filter(product_id=product_id)
    return _build(releases, scale, periods)


def public_roadmap(
    share: RoadmapShare, *, scale: str | None = None, start: str | None = None, span: int | None = None
) -> Roadmap:
    """The roadmap of the share link's product only, for anyone holding the link."""
    scale, periods = window(scale, start, span)
    releases = Release.objects.filter(workspace_id=share.workspace_id, product_id=share.product_id)
    return _build(releases, scale, periods, public=True)


def roadmap_json(roadmap: Roadmap, *, public: bool = False) -> dict[str, Any]:
    """The roadmap in the shape of RoadmapOut (or PublicRoadmapOut: no ids, keys or products)."""

    def requirement(r: RoadmapRequirement) -> dict[str, Any]:
        shown = {"title": r.title, "status": r.status}
        return shown if public else {"number": r.number, "key": r.key, **shown}

    def release(r: RoadmapRelease) -> dict[str, Any]:
        shown = {
            "name": r.name,
            "theme": r.theme,
            "start_date": r.start_date,
            "target_date": r.target_date,
            "status": r.status,
            "period": r.period,
            "requirements": [requirement(q) for q in r.requirements],
        }
        return shown if public else {"id": r.id, "product_id": r.product_id, "product": r.product, **shown}

    return {
        "scale": roadmap.scale,
        "start": roadmap.start,
        "span": roadmap.span,
        "periods": [{"key": p.key, "label": p.label, "start": p.start, "end": p.end} for p in roadmap.periods],
        "lanes": [
            {"horizon": lane.horizon, "label": lane.label, "releases": [release(r) for r in lane.releases]}
            for lane in roadmap.lanes
        ],
    }
