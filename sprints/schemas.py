"""Sprint resources over HTTP: strict inputs, bounded types."""

from datetime import date, datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from core.schemas import Day, Id, In, Text, UserBrief, Version
from sprints.models import RetroColumn, SprintStatus

Days = Annotated[float, Field(strict=True, ge=0, le=366)]
Focus = Annotated[float, Field(strict=True, ge=0, le=1)]


class SprintIn(In):
    name: Text(100, 1)  # type: ignore[valid-type]
    goal: Text(5000) = ""  # type: ignore[valid-type]
    start_date: Day
    end_date: Day


class SprintPatch(In):
    version: Version
    name: Text(100, 1) | None = None  # type: ignore[valid-type]
    goal: Text(5000) | None = None  # type: ignore[valid-type]
    start_date: Day | None = None
    end_date: Day | None = None


class SprintOut(Schema):
    id: int
    project: str
    name: str
    goal: str
    start_date: date
    end_date: date
    status: SprintStatus
    committed_points: float | None
    completed_points: float | None
    closed_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_project(obj: Any) -> str:
        return obj.project.key


class CloseIn(In):
    carry_over_to: Id | None = None


class ClosedOut(Schema):
    sprint: SprintOut
    carried_over: list[str]
    carried_over_to: SprintOut | None


class CapacityIn(In):
    days: Days
    focus: Focus = 0.7


class CapacityOut(Schema):
    user_id: int
    days: float
    focus: float
    capacity_hours: float


class MemberPlanOut(Schema):
    user: UserBrief
    days: float | None
    focus: float | None
    capacity_hours: float | None
    committed_points: float
    committed_hours: float
    item_count: int
    over: bool


class PlanningOut(Schema):
    sprint_id: int
    members: list[MemberPlanOut]
    committed_points: float
    committed_hours: float
    capacity_hours: float
    average_velocity: float | None
    warnings: list[str]

    @staticmethod
    def resolve_sprint_id(obj: Any) -> int:
        return obj.sprint.pk


class LinesOut(Schema):
    """One chart's lines in one unit, a value per day (null: the day has not come yet)."""

    remaining: list[float | None] | None = None
    ideal: list[float | None] | None = None
    done: list[float | None] | None = None
    total: list[float | None] | None = None


class ChartOut(Schema):
    points: LinesOut
    count: LinesOut


class ChartsOut(Schema):
    days: list[date]
    burndown: ChartOut
    burnup: ChartOut
    frozen: bool


class VelocitySprintOut(Schema):
    id: int
    name: str
    start_date: date
    end_date: date
    committed_points: float | None
    completed_points: float | None


class VelocityOut(Schema):
    sprints: list[VelocitySprintOut]
    average: float | None


class RetroNoteIn(In):
    column: RetroColumn
    text: Text(1000, 1)  # type: ignore[valid-type]


class RetroNotePatch(In):
    version: Version
    column: RetroColumn | None = None
    text: Text(1000, 1) | None = None  # type: ignore[valid-type]


class WorkItemBrief(Schema):
    id: int
    key: str
    title: str


class RetroNoteOut(Schema):
    id: int
    sprint_id: int
    column: RetroColumn
    text: str
    author: UserBrief
    work_item: WorkItemBrief | None
    version: int
    created_at: datetime
    updated_at: datetime
