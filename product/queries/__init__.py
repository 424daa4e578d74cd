"""Reads of products and requirements, always scoped to the actor's workspace (SECURITY.md rule 1):
another workspace's product or requirement is a 404, as if it did not exist.

The backlog's filters and sorts are declared here once (rule 10) and used by the API and the web
alike; the ranked order (score, then the manual rank) pages with its own keyset cursor.
"""

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connections, models
from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import NotFound, ValidationFailed
from core.pagination import Page, check_limit, decode_cursor, encode_cursor, paginate, value_of
from core.permissions import require
from product import scoring
from product.models import (
    ANALYSIS_FIELDS,
    TRANSITIONS,
    FeedbackLink,
    Module,
    Product,
    ProductSettings,
    Release,
    Requirement,
    RequirementItem,
    RequirementStatus,
    RequirementType,
    Revision,
    ScoringModel,
    Segment,
    Source,
    StatusChange,
)

if TYPE_CHECKING:
    from accounts.models import Membership

# The linked feedback shown on a requirement's page; the feedback inbox lists the rest.
FEEDBACK_SHOWN = 20
MAX_ID = 2**53
REQUIREMENT_KEY = re.compile(r"^REQ-([0-9]{1,16})$")


# --- Products ------------------------------------------------------------------------------------


def products_for(actor: "Membership") -> models.QuerySet[Product]:
    require(actor, "product.view")
    return Product.objects.filter(workspace_id=actor.workspace_id).select_related("owner")


def get_product(actor: "Membership", product_id: int) -> Product:
    """The product in the actor's workspace; NotFound otherwise."""
    product = products_for(actor).filter(pk=product_id).select_related("workspace").first()
    if product is None:
        raise NotFound()
    return product


def product_named_in_body(actor: "Membership", product_id: int | None, field: str = "product_id") -> Product:
    """The product an input names: another workspace's id is a field error (422), not a 404."""
    product = products_for(actor).filter(pk=product_id).first() if product_id else None
    if product is None:
        raise ValidationFailed({field: _("Choose a product of this workspace.")})
    return product


def modules_of(product: Product) -> models.QuerySet[Module]:
    return Module.objects.filter(product=product).order_by("name", "id")


def get_module(actor: "Membership", product: Product, module_id: int) -> Module:
    module = Module.objects.filter(workspace_id=actor.workspace_id, product=product, pk=module_id).first()
    if module is None:
        raise NotFound()
    module.product = product
    return module


def requirement_counts(product: Product) -> dict[str, int]:
    """How many requirements of the product are in each status, in one query."""
    rows = Requirement.objects.filter(product=product).order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def settings_of(workspace_id: int) -> ProductSettings:
    """The workspace's product settings; the defaults (unsaved) until someone changes them."""
    return ProductSettings.objects.filter(workspace_id=workspace_id).first() or ProductSettings(
        workspace_id=workspace_id
    )


def product_settings(actor: "Membership") -> ProductSettings:
    require(actor, "product.view")
    return settings_of(actor.workspace_id)


# --- Choices for filters and forms, each in one query --------------------------------------------


def product_choices(actor: "Membership") -> list[tuple[int, str]]:
    return list(products_for(actor).order_by("name", "id").values_list("pk", "name"))


def module_choices(actor: "Membership", product_id: int | None = None) -> list[tuple[int, str]]:
    qs = Module.objects.filter(workspace_id=actor.workspace_id, product__deleted_at__isnull=True)
    if product_id is not None:
        qs = qs.filter(product_id=product_id)
        return list(qs.order_by("name", "id").values_list("pk", "name"))
    return [
        (pk, f"{product} · {name}")
        for pk, name, product in qs.order_by("product__name", "name", "id").values_list("pk", "name", "product__name")
    ]


def release_choices(actor: "Membership") -> list[tuple[int, str]]:
    qs = Release.objects.filter(workspace_id=actor.workspace_id, product__deleted_at__isnull=True)
    rows = qs.order_by("product__name", "target_date", "id").values_list("pk", "name", "product__name")
    return [(pk, f"{product} · {name}") for pk, name, product in rows]


def people_choices(actor: "Membership") -> list[tuple[int, str]]:
    """(user id, the name str(user) gives) of the workspace's people, read as plain rows: a
    workspace of 5,000 members built 10,000 models for it on every page with an owner list."""
    from accounts.queries import members_for, people_order

    rows = members_for(actor).order_by(*people_order()).values_list("user_id", "user__display_name", "user__username")
    return [(user_id, display_name or username) for user_id, display_name, username in rows]


# --- The backlog: filters and sorts --------------------------------------------------------------

# sort name → label; how each orders is in backlog_page
SORTS = {
    "score": gettext_lazy("Score"),
    "rank": gettext_lazy("Manual"),
    "-created": gettext_lazy("Newest"),
    "key": gettext_lazy("Key"),
}
INT_FILTERS = ("product", "module", "owner", "release")
CHOICE_FILTERS: dict[str, Any] = {"status": RequirementStatus, "type": RequirementType, "source": Source}
TEXT_FILTERS = ("tag", "text")
FILTERS = (*INT_FILTERS, *CHOICE_FILTERS, *TEXT_FILTERS, "sort")
MAX_FILTER_TEXT = 100


def check_query(query: dict[str, Any]) -> dict[str, Any]:
    """Only declared parameters with values of the declared form; anything else is refused by name."""
    clean: dict[str, Any] = {}
    for name, value in query.items():
        if value in (None, ""):
            continue
        value = str(value)
        if name in INT_FILTERS:
            if name == "release" and value == "none":
                clean[name] = value
            elif not value.isdigit() or not 1 <= int(value) <= MAX_ID:
                raise ValidationFailed({name: _("Enter a whole number.")})
            else:
                clean[name] = int(value)
        elif name in CHOICE_FILTERS:
            if value not in CHOICE_FILTERS[name].values:
                choices = ", ".join(CHOICE_FILTERS[name].values)
                raise ValidationFailed({name: _("Choose one of: %(choices)s.") % {"choices": choices}})
            clean[name] = value
        elif name in TEXT_FILTERS:
            if len(value) > MAX_FILTER_TEXT or "\x00" in value:
                message = _("Ensure this value has at most %(n)s characters.") % {"n": MAX_FILTER_TEXT}
                raise ValidationFailed({name: message})
            clean[name] = value.strip()
        elif name == "sort":
            if value not in SORTS:
                raise ValidationFailed({name: _("Choose one of: %(choices)s.") % {"choices": ", ".join(SORTS)}})
            clean[name] = value
        else:
            raise ValidationFailed({name: _("This filter does not exist.")})
    return clean


def _json_contains_supported(qs: models.QuerySet) -> bool:
    return bool(connections[qs.db].features.supports_json_field_contains)


BACKLOG_RELATED = ("product", "module", "owner", "release")


def requirements_for(actor: "Membership", query: dict[str, Any] | None = None) -> models.QuerySet[Requirement]:
    """The workspace's requirements (of products that are not in the trash), filtered by `query`,
    which went through check_query. Not ordered: backlog_page orders and pages."""
    require(actor, "product.view")
    query = query or {}
    qs = Requirement.objects.filter(workspace_id=actor.workspace_id, product__deleted_at__isnull=True)
    for name in INT_FILTERS:
        if name in query:
            if query[name] == "none":
                qs = qs.filter(**{f"{name}__isnull": True})
            else:
                qs = qs.filter(**{f"{name}_id": query[name]})
    for name in CHOICE_FILTERS:
        if name in query:
            qs = qs.filter(**{name: query[name]})
    if query.get("tag"):
        tag = query["tag"]
        qs = qs.filter(tags__contains=[tag]) if _json_contains_supported(qs) else qs.filter(tags__icontains=f'"{tag}"')
    if query.get("text"):
        text = query["text"]
        condition = Q(title__icontains=text) | Q(description__icontains=text)
        key = text.upper().removeprefix("REQ-")
        if key.isdigit() and int(key) <= MAX_ID:
            condition |= Q(number=int(key))
        qs = qs.filter(condition)
    return qs.select_related(*BACKLOG_RELATED)


# --- Paging the ranked order ---------------------------------------------------------------------


def _bad_cursor() -> ValidationFailed:
    return ValidationFailed({"cursor": _("This cursor is not valid; start again from the first page.")})


def _decode_score_cursor(cursor: str) -> tuple[float | None, int, int]:
    score, rank, pk = decode_cursor(cursor, 3)
    numbers_ok = all(isinstance(v, int) and not isinstance(v, bool) and abs(v) <= 2**62 for v in (rank, pk))
    if not numbers_ok or isinstance(score, bool) or not (score is None or isinstance(score, int | float)):
        raise _bad_cursor()
    try:
        value = None if score is None else float(score)
    except OverflowError:
        raise _bad_cursor() from None
    if value is not None and not math.isfinite(value):
        raise _bad_cursor()
    return value, rank, pk


def _mark(row: Any, **values: Any) -> None:
    """Give a page row (a model instance, or a dict of requirement_rows) what the backlog adds."""
    if isinstance(row, dict):
        row.update(values)
    else:
        for name, value in values.items():
            setattr(row, name, value)


def _score_page(qs: models.QuerySet, cursor: str | None, limit: int | None) -> Page[Any]:
    """By score, highest first, unscored last, then by the manual rank: what the backlog ranks by."""
    size = check_limit(limit)
    qs = qs.order_by(F("score").desc(nulls_last=True), "rank", "pk")
    if cursor:
        score, rank, pk = _decode_score_cursor(cursor)
        later_in_rank = Q(rank__gt=rank) | Q(rank=rank, pk__gt=pk)
        if score is None:
            qs = qs.filter(Q(score__isnull=True) & later_in_rank)
        else:
            qs = qs.filter(Q(score__lt=score) | Q(score__isnull=True) | (Q(score=score) & later_in_rank))
    rows = list(qs[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        next_cursor = encode_cursor([value_of(rows[-1], key) for key in ("score", "rank", "pk")])
    return Page(items=rows, next_cursor=next_cursor)


def _flag_disagreements(qs: models.QuerySet, page: Page[Any], first_page: bool) -> None:
    """In the manual order, mark each row whose score is higher than the score of the row directly
    above it (an unscored row above counts as lower than any score). Each row also learns the
    numbers of its neighbours (`above`, `below`), which its move-up and move-down buttons name;
    the neighbours across the page's edges cost one query each."""
    rows = page.items
    if not rows:
        return
    rank, pk, number, score = ([value_of(row, key) for row in rows] for key in ("rank", "pk", "number", "score"))
    before_first: Any = None
    if not first_page:
        before_first = (
            qs.filter(Q(rank__lt=rank[0]) | Q(rank=rank[0], pk__lt=pk[0]))
            .order_by("-rank", "-pk")
            .values("number", "score")
            .first()
        )
    after_last: Any = None
    if page.next_cursor:
        after_last = (
            qs.filter(Q(rank__gt=rank[-1]) | Q(rank=rank[-1], pk__gt=pk[-1]))
            .order_by("rank", "pk")
            .values("number")
            .first()
        )
    previous_score: float | None = before_first["score"] if before_first else None
    previous_number: int | None = before_first["number"] if before_first else None
    has_previous = before_first is not None
    for index, row in enumerate(rows):
        below = number[index + 1] if index + 1 < len(rows) else (after_last["number"] if after_last else None)
        disagrees = bool(
            has_previous and score[index] is not None and (previous_score is None or score[index] > previous_score)
        )
        _mark(row, above=previous_number, below=below, score_disagrees=disagrees)
        previous_score, previous_number, has_previous = score[index], number[index], True


def backlog_page(
    actor: "Membership", query: dict[str, Any], *, cursor: str | None, limit: int | None, rows: bool = False
) -> Page[Any]:
    """One page of the backlog as `query` (checked) filters and sorts it: Requirement instances, or
    with `rows` the dicts of requirement_rows (the API's list, written by requirement_row_json). In
    the manual order each row carries `score_disagrees`, `above` and `below`; in the others
    `score_disagrees` is False."""
    qs = requirements_for(actor, query)
    if rows:
        qs = requirement_rows(qs)
    sort = query.get("sort", "score")
    if sort == "score":
        page = _score_page(qs, cursor, limit)
    else:
        order = {"rank": "rank", "-created": "-id", "key": "number"}[sort]
        page = paginate(qs, cursor=cursor, limit=limit, order=order)
    if sort == "rank":
        _flag_disagreements(qs, page, first_page=not cursor)
    else:
        for row in page.items:
            _mark(row, score_disagrees=False, above=None, below=None)
    return page


# --- The backlog as plain rows: a 100-row page is read and serialised without building models -----

REQUIREMENT_COLUMNS = (
    "id",
    "number",
    "title",
    "type",
    "source",
    "status",
    "product_id",
    "product__name",
    "module_id",
    "module__name",
    "owner_id",
    "owner__username",
    "owner__display_name",
    "tags",
    "release_id",
    "release__name",
    "score",
    "rank",
    "feedback_count",
    "customer_count",
    "version",
    "updated_at",
    *ANALYSIS_FIELDS,
)


def requirement_rows(qs: models.QuerySet[Requirement]) -> models.QuerySet:
    """`qs` as dicts with the columns of a backlog row."""
    return qs.values(*REQUIREMENT_COLUMNS)


def requirement_row_json(row: dict[str, Any]) -> dict[str, Any]:
    """The API form of one row of requirement_rows, as backlog_page marked it: the shape of
    product.schemas.requirements.RequirementRowOut, its fields in the schema's order (a test holds
    it to the schema)."""
    return {
        **{name: row[name] for name in ANALYSIS_FIELDS},  # first: RequirementRowOut extends Analysis
        "id": row["id"],
        "number": row["number"],
        "key": f"REQ-{row['number']}",
        "title": row["title"],
        "type": row["type"],
        "source": row["source"],
        "status": row["status"],
        "product": {"id": row["product_id"], "name": row["product__name"]},
        "module": None if row["module_id"] is None else {"id": row["module_id"], "name": row["module__name"]},
        "owner": {
            "id": row["owner_id"],
            "username": row["owner__username"],
            "display_name": row["owner__display_name"],
        },
        "tags": row["tags"],
        "release": None if row["release_id"] is None else {"id": row["release_id"], "name": row["release__name"]},
        "score": row["score"],
        "rank": row["rank"],
        "feedback_count": row["feedback_count"],
        "customer_count": row["customer_count"],
        "score_disagrees": row["score_disagrees"],
        "version": row["version"],
        "updated_at": row["updated_at"],
    }


# --- One requirement -----------------------------------------------------------------------------


def requirement_id_for_key(actor: "Membership", key: str) -> int | None:
    """The id of the requirement this key ("REQ-4") names in the actor's workspace, or None: links
    name their target so."""
    match = REQUIREMENT_KEY.match(key.strip().upper())
    if match is None:
        return None
    try:
        return get_requirement(actor, int(match.group(1))).pk
    except NotFound:
        return None


def get_requirement(actor: "Membership", number: int) -> Requirement:
    """The requirement REQ-<number> of the actor's workspace; NotFound otherwise."""
    require(actor, "product.view")
    if not 1 <= number <= MAX_ID:
        raise NotFound()
    requirement = (
        Requirement.objects.filter(workspace_id=actor.workspace_id, number=number, product__deleted_at__isnull=True)
        .select_related("workspace", "product", "module", "owner", "proposer", "release")
        .first()
    )
    if requirement is None:
        raise NotFound()
    return requirement


def revisions_of(requirement: Requirement) -> models.QuerySet[Revision]:
    return Revision.objects.filter(requirement=requirement).select_related("author")


def get_revision(requirement: Requirement, number: int) -> Revision:
    revision = revisions_of(requirement).filter(number=number).first() if 1 <= number <= MAX_ID else None
    if revision is None:
        raise NotFound()
    return revision


def revisions_to_compare(requirement: Requirement, a: int, b: int) -> tuple[Revision, Revision, bool]:
    """Versions `a` and `b`, older first, and whether that swapped the order they were asked in:
    a diff always reads from the older version to the newer."""
    first, second = get_revision(requirement, a), get_revision(requirement, b)
    swapped = first.number > second.number
    return (second, first, True) if swapped else (first, second, False)


def revision_numbers(requirement: Requirement) -> list[tuple[int, Any, Any]]:
    """(number, created_at, author name) of every version, newest first: the compare page's choices."""
    rows = revisions_of(requirement).order_by("-number").values_list("number", "created_at", "author__display_name")
    return list(rows)


def status_changes_of(requirement: Requirement) -> models.QuerySet[StatusChange]:
    return StatusChange.objects.filter(requirement=requirement).select_related("actor")


def status_reason(requirement: Requirement) -> str:
    """Why the requirement is where it is: the reason given when it last entered its status (a
    rejected requirement keeps it until it moves on, and its history keeps it for ever)."""
    reason = (
        status_changes_of(requirement)
        .filter(target=requirement.status)
        .order_by("-id")
        .values_list("reason", flat=True)
        .first()
    )
    return reason or ""


@dataclass
class ModelScore:
    model: str
    label: str
    value: float | None
    missing: list[str]
    default: bool


def scores_of(requirement: Requirement, settings: ProductSettings) -> list[ModelScore]:
    """The requirement under every scoring model: each value, or the inputs it misses."""
    labels = dict(ScoringModel.choices)
    return [
        ModelScore(
            model=name,
            label=str(labels[name]),
            value=score.value,
            missing=list(score.missing),
            default=name == settings.scoring_model,
        )
        for name, score in scoring.all_scores(requirement).items()
    ]


@dataclass
class Progress:
    """Linked work items done / total, by count and, when estimates exist, by points."""

    total: int = 0
    done: int = 0
    total_points: Any = None
    done_points: Any = None

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def points_percent(self) -> int | None:
        if not self.total_points:
            return None
        return round(100 * float(self.done_points or 0) / float(self.total_points))


def _linked_items(actor: "Membership", requirement: Requirement) -> models.QuerySet[RequirementItem]:
    from projects.queries import visible_project_filter

    return RequirementItem.objects.filter(
        requirement=requirement, item__deleted_at__isnull=True, item__project__deleted_at__isnull=True
    ).filter(visible_project_filter(actor, "item__project__"))


def linked_items(actor: "Membership", requirement: Requirement) -> list[Any]:
    """The work items implementing the requirement, with their project and state: one query."""
    links = _linked_items(actor, requirement).select_related("item__project", "item__state").order_by("id")
    return [link.item for link in links]


def progress_of(actor: "Membership", requirement: Requirement) -> Progress:
    """Done / total of the linked items, by count and by points, in one aggregate query."""
    from projects.models import Category

    done = Q(item__category=Category.DONE)
    totals = _linked_items(actor, requirement).aggregate(
        total=Count("id"),
        done=Count("id", filter=done),
        total_points=Sum("item__points"),
        done_points=Sum("item__points", filter=done),
    )
    return Progress(**totals)


@dataclass
class Demand:
    feedback_count: int
    customer_count: int
    segments: list[str]
    feedback: list[Any] = field(default_factory=list)

    @property
    def segment_labels(self) -> list[str]:
        labels = dict(Segment.choices)
        return [str(labels.get(s, s)) for s in self.segments]


def demand_of(requirement: Requirement) -> Demand:
    """The demand signal: the counts and segments the feedback services keep on the requirement,
    and the first linked feedback (one query)."""
    links = FeedbackLink.objects.filter(requirement=requirement, feedback__deleted_at__isnull=True)
    feedback = [
        link.feedback for link in links.select_related("feedback__customer").order_by("-feedback_id")[:FEEDBACK_SHOWN]
    ]
    return Demand(
        feedback_count=requirement.feedback_count,
        customer_count=requirement.customer_count,
        segments=requirement.segments,
        feedback=feedback,
    )


def detail_of(actor: "Membership", requirement: Requirement) -> Requirement:
    """The requirement with what its page and the API's detail show, as attributes: the scores
    under every model (and the workspace's default), the allowed moves, why it is in its status,
    the linked work items and their progress, and the demand signal."""
    settings = settings_of(actor.workspace_id)
    requirement.settings = settings  # type: ignore[attr-defined]
    requirement.scoring_model = settings.scoring_model  # type: ignore[attr-defined]
    requirement.scores = scores_of(requirement, settings)  # type: ignore[attr-defined]
    requirement.allowed_statuses = list(TRANSITIONS.get(requirement.status, ()))  # type: ignore[attr-defined]
    requirement.status_reason = status_reason(requirement)  # type: ignore[attr-defined]
    requirement.work_items = linked_items(actor, requirement)  # type: ignore[attr-defined]
    requirement.progress = progress_of(actor, requirement)  # type: ignore[attr-defined]
    requirement.demand = demand_of(requirement)  # type: ignore[attr-defined]
    return requirement
