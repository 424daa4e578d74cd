"""What the cycles, objectives and tree API reads and writes. Inputs forbid unknown fields; the
workspace of a cycle or objective is never writable, nor its progress, roll-up or score (the
services compute them)."""

import datetime
import enum
from typing import Any

from ninja import Field, Schema

from core.schemas import Day, Id, In, Text, UserBrief, Version

# --- Choices (named for this module: names are unique across the whole API) -----------------------


class GoalsCycleKind(enum.StrEnum):
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"


class GoalsCycleStatus(enum.StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    CLOSED = "closed"
    REOPENED = "reopened"


class GoalsLevel(enum.StrEnum):
    COMPANY = "company"
    DEPARTMENT = "department"
    TEAM = "team"
    PRODUCT = "product"
    PERSONAL = "personal"


# --- Cycles --------------------------------------------------------------------------------------


class CycleIn(In):
    """`name` defaults to 2026 Q4, 2026 H2 or 2026, from the kind and the start date."""

    kind: GoalsCycleKind = GoalsCycleKind.QUARTER
    start_date: Day
    end_date: Day
    name: Text(100) = ""  # type: ignore[valid-type]


class CyclePatch(In):
    version: Version
    name: Text(100, 1) | None = None  # type: ignore[valid-type]
    kind: GoalsCycleKind | None = None
    start_date: Day | None = None
    end_date: Day | None = None


class CycleVersionIn(In):
    """The version of the cycle as read: a stale one is refused (409)."""

    version: Version


class CycleReopenIn(In):
    version: Version
    reason: Text(500, 1)  # type: ignore[valid-type]


class CycleOut(Schema):
    id: int
    name: str
    kind: GoalsCycleKind
    start_date: datetime.date
    end_date: datetime.date
    status: GoalsCycleStatus
    read_only: bool
    closed_at: datetime.datetime | None
    reopened_at: datetime.datetime | None
    reopened_by: UserBrief | None
    reopen_reason: str
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime


# --- Objectives ----------------------------------------------------------------------------------


class ObjectiveIn(In):
    """A department, team or product objective names its unit (`department_id`, `team_id` or
    `product_id`); company and personal objectives name none. `owner_id` names the one person
    who answers for it. `parent_id` aligns it to an objective of the same cycle at its level or
    above."""

    cycle_id: Id
    title: Text(300, 1)  # type: ignore[valid-type]
    description: Text(20000) = ""  # type: ignore[valid-type]
    level: GoalsLevel = GoalsLevel.TEAM
    department_id: Id | None = None
    team_id: Id | None = None
    product_id: Id | None = None
    owner_id: Id
    parent_id: Id | None = None


class ObjectivePatch(In):
    """`null` clears the unit fields and the parent; `cycle_id` moves the objective to another cycle
    (both must be open): its parent is cleared unless one of the new cycle is given, and the
    objectives aligned to it stay behind without a parent."""

    version: Version
    cycle_id: Id | None = None
    title: Text(300, 1) | None = None  # type: ignore[valid-type]
    description: Text(20000) | None = None  # type: ignore[valid-type]
    level: GoalsLevel | None = None
    department_id: Id | None = None
    team_id: Id | None = None
    product_id: Id | None = None
    owner_id: Id | None = None
    parent_id: Id | None = None


class ObjectiveFindingOut(Schema):
    """What the SMART check finds missing: code specific, measurable, time_bound or owner."""

    code: str
    message: str


def _score(value: Any) -> float | None:
    return float(value) if value is not None else None


class ObjectiveOut(Schema):
    """`progress` is the weighted mean of its key results' progress (0–100), `rolled_up` that of
    every key result of its subtree; both null without key results. `score` (0.0–1.0) is set at the
    end of the cycle."""

    id: int
    cycle_id: int
    cycle: str
    title: str
    description: str
    level: GoalsLevel
    department_id: int | None
    team_id: int | None
    product_id: int | None
    unit: str | None
    owner: UserBrief
    parent_id: int | None
    progress: float | None
    rolled_up: float | None
    score: float | None
    self_assessment: str
    review_note: str
    smart: list[ObjectiveFindingOut]
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_cycle(obj: Any) -> str:
        return obj.cycle.name

    @staticmethod
    def resolve_unit(obj: Any) -> str | None:
        unit = obj.department or obj.team or obj.product
        return unit.name if unit is not None else None

    @staticmethod
    def resolve_score(obj: Any) -> float | None:
        return _score(obj.score)

    @staticmethod
    def resolve_smart(obj: Any) -> list[dict[str, str]]:
        from goals.queries import findings_of

        return [{"code": f.code, "message": f.message} for f in findings_of(obj)]


class TreeNodeOut(Schema):
    """One objective of the tree: `depth` 0 for a root; `warnings` counts the SMART findings of the
    objective and of its key results."""

    id: int
    title: str
    level: GoalsLevel
    depth: int
    parent_id: int | None
    unit: str | None
    owner: UserBrief
    progress: float | None
    rolled_up: float | None
    score: float | None
    warnings: int


class GoalsTreeOut(Schema):
    """The alignment tree of a cycle, roots first (company level first), each followed by what is
    aligned under it. `cycle` is null when the workspace has no cycle yet."""

    cycle: CycleOut | None
    objectives: list[TreeNodeOut]
    page: int
    pages: int
    total: int = Field(description="Objectives in the whole tree, over every page.")


def tree_json(tree: Any) -> dict[str, Any]:
    """The body of GoalsTreeOut for core.api.json_response, written by hand: validating 2,000 nodes
    through the schema took about a third of the request. The cycle still goes through CycleOut;
    goals/tests/test_tree.py holds the nodes to TreeNodeOut."""
    cycle = tree.cycle
    return {
        "cycle": CycleOut.from_orm(cycle).model_dump() if cycle is not None else None,
        "objectives": [
            {
                "id": (o := row.objective).pk,
                "title": o.title,
                "level": o.level,
                "depth": row.depth,
                "parent_id": o.parent_id,
                "unit": ObjectiveOut.resolve_unit(o),
                "owner": {"id": o.owner.pk, "username": o.owner.username, "display_name": o.owner.display_name},
                "progress": o.progress,
                "rolled_up": o.rolled_up,
                "score": _score(o.score),
                "warnings": row.warnings,
            }
            for row in tree.rows
        ],
        "page": tree.page,
        "pages": tree.pages,
        "total": tree.total,
    }
