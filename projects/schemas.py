"""What the projects API reads and writes. Input schemas forbid unknown fields; the workspace,
project, number and key of anything are never writable."""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import ConfigDict, Field, WithJsonSchema
from pydantic.json_schema import SkipJsonSchema

from core.schemas import NO_NUL, Day, DecimalText, Flag, Id, In, Text, UserBrief, Version
from projects.models import Category, FieldKind, Health, ItemType, Priority, ProjectRole, ProjectStatus, Template
from projects.queries import filters

KEY_PATTERN = r"^[A-Z][A-Z0-9]{1,9}$"
ITEM_KEY_PATTERN = r"^[A-Z][A-Z0-9]{1,9}-[0-9]{1,9}$"
ProjectKey = Annotated[str, Field(pattern=KEY_PATTERN, examples=["APP"])]
ItemKey = Annotated[str, Field(pattern=ITEM_KEY_PATTERN, examples=["APP-1"])]
Hours = Annotated[Decimal, DecimalText(3, 1), Field(ge=0, le=168, max_digits=5, decimal_places=1)]
Points = Annotated[Decimal, DecimalText(4, 1), Field(ge=0, le=1000, max_digits=6, decimal_places=1)]
Estimate = Annotated[Decimal, DecimalText(5, 1), Field(ge=0, le=10000, max_digits=7, decimal_places=1)]
LongText = Text(20000)
Tag = Text(40, 1)


# --- Projects ------------------------------------------------------------------------------------


class Charter(Schema):
    background: str = ""
    goals: str = ""
    scope_in: str = ""
    scope_out: str = ""
    target_users: str = ""
    deliverables: str = ""
    success_criteria: str = ""
    stakeholders: str = ""


class ProjectOut(Charter):
    id: int
    key: str
    name: str
    description: str
    template: str
    status: str
    start_date: datetime.date | None
    target_date: datetime.date | None
    health: str
    health_reasons: list[str]
    health_overridden: bool
    open_count: int
    overdue_count: int
    my_role: str | None
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime


class ProjectIn(In):
    name: Text(200, 1)  # type: ignore[valid-type]
    key: ProjectKey
    template: Template = Template.SCRUM
    description: LongText = ""  # type: ignore[valid-type]
    status: ProjectStatus = ProjectStatus.PLANNING
    start_date: Day | None = None
    target_date: Day | None = None
    background: LongText = ""  # type: ignore[valid-type]
    goals: LongText = ""  # type: ignore[valid-type]
    scope_in: LongText = ""  # type: ignore[valid-type]
    scope_out: LongText = ""  # type: ignore[valid-type]
    target_users: LongText = ""  # type: ignore[valid-type]
    deliverables: LongText = ""  # type: ignore[valid-type]
    success_criteria: LongText = ""  # type: ignore[valid-type]
    stakeholders: LongText = ""  # type: ignore[valid-type]


class ProjectPatch(In):
    version: Version
    name: Text(200, 1) | None = None  # type: ignore[valid-type]
    description: LongText | None = None  # type: ignore[valid-type]
    status: ProjectStatus | None = None
    start_date: Day | None = None
    target_date: Day | None = None
    background: LongText | None = None  # type: ignore[valid-type]
    goals: LongText | None = None  # type: ignore[valid-type]
    scope_in: LongText | None = None  # type: ignore[valid-type]
    scope_out: LongText | None = None  # type: ignore[valid-type]
    target_users: LongText | None = None  # type: ignore[valid-type]
    deliverables: LongText | None = None  # type: ignore[valid-type]
    success_criteria: LongText | None = None  # type: ignore[valid-type]
    stakeholders: LongText | None = None  # type: ignore[valid-type]


class HealthIn(In):
    """`health: null` gives the health back to the computation."""

    health: Health | None
    reason: Text(2000) = ""  # type: ignore[valid-type]


class ProjectMemberOut(Schema):
    id: int
    user: UserBrief
    role: str
    weekly_hours: Decimal
    version: int


class ProjectMemberIn(In):
    user: Id
    role: ProjectRole = ProjectRole.MEMBER
    weekly_hours: Hours = Decimal(40)


class ProjectMemberPatch(In):
    version: Version
    role: ProjectRole | None = None
    weekly_hours: Hours | None = None


class MilestoneOut(Schema):
    id: int
    name: str
    description: str
    due_date: datetime.date
    done: bool
    version: int


class MilestoneIn(In):
    name: Text(200, 1)  # type: ignore[valid-type]
    due_date: Day
    description: LongText = ""  # type: ignore[valid-type]


class MilestonePatch(In):
    version: Version
    name: Text(200, 1) | None = None  # type: ignore[valid-type]
    due_date: Day | None = None
    description: LongText | None = None  # type: ignore[valid-type]
    done: Flag | None = None


# --- Workflows and fields ------------------------------------------------------------------------


class StateOut(Schema):
    id: int
    name: str
    category: str
    position: int
    wip_limit: int | None
    required_fields: list[str]
    version: int


class WorkflowOut(Schema):
    id: int
    name: str
    item_types: list[str]
    states: list[StateOut]
    transitions: list[tuple[int, int]]
    version: int

    @staticmethod
    def resolve_states(obj: Any) -> list[Any]:
        return sorted(obj.states.all(), key=lambda s: (s.position, s.pk))

    @staticmethod
    def resolve_transitions(obj: Any) -> list[tuple[int, int]]:
        return sorted((t.source_id, t.target_id) for t in obj.transitions.all())


class WorkflowIn(In):
    name: Text(100, 1)  # type: ignore[valid-type]
    item_types: list[ItemType] = Field(max_length=10)


class WorkflowPatch(In):
    version: Version
    name: Text(100, 1) | None = None  # type: ignore[valid-type]
    item_types: list[ItemType] | None = Field(None, max_length=10)


RequirableField = Annotated[str, Field(pattern=r"^[a-z_]{1,30}$")]
WipLimit = Annotated[int, Field(ge=1, le=10000)]


class StateIn(In):
    name: Text(60, 1)  # type: ignore[valid-type]
    category: Category
    wip_limit: WipLimit | None = None
    required_fields: list[RequirableField] = Field(default_factory=list, max_length=10)


class StatePatch(In):
    version: Version
    name: Text(60, 1) | None = None  # type: ignore[valid-type]
    category: Category | None = None
    wip_limit: WipLimit | None = None
    required_fields: list[RequirableField] | None = Field(None, max_length=10)
    position: Annotated[int, Field(ge=0, le=1000)] | None = None


class TransitionsIn(In):
    transitions: list[tuple[Id, Id]] = Field(max_length=500)


class OptionOut(Schema):
    id: int
    label: str


class FieldOut(Schema):
    id: int
    name: str
    kind: str
    options: list[OptionOut]
    position: int
    version: int


class FieldIn(In):
    name: Text(100, 1)  # type: ignore[valid-type]
    kind: FieldKind
    options: list[Text(100, 1)] = Field(default_factory=list, max_length=100)  # type: ignore[valid-type]


class FieldPatch(In):
    version: Version
    name: Text(100, 1) | None = None  # type: ignore[valid-type]
    options: list[Text(100, 1)] | None = Field(None, max_length=100)  # type: ignore[valid-type]


# --- Work items ----------------------------------------------------------------------------------


class StateBrief(Schema):
    id: int
    name: str
    category: str


class ItemOut(Schema):
    id: int
    key: str
    project: str
    type: str
    title: str
    state: StateBrief
    owner: UserBrief
    priority: str
    points: Decimal | None
    estimate_hours: Decimal | None
    logged_hours: Decimal
    start_date: datetime.date | None
    due_date: datetime.date | None
    parent_id: int | None
    sprint_id: int | None
    milestone_id: int | None
    tags: list[str]
    custom: dict[str, Any]
    resolution: str
    done_at: datetime.datetime | None
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_project(obj: Any) -> str:
        return obj.project.key


class ItemRowOut(Schema):
    """An item in a list: what a backlog row shows (the item itself has the rest)."""

    id: int
    key: str
    type: str
    title: str
    state: StateBrief
    owner: UserBrief
    priority: str
    points: Decimal | None
    estimate_hours: Decimal | None
    start_date: datetime.date | None
    due_date: datetime.date | None
    parent_id: int | None
    sprint_id: int | None
    milestone_id: int | None
    tags: list[str]
    version: int
    updated_at: datetime.datetime


class ItemBrief(Schema):
    id: int
    key: str
    title: str
    category: str


class ItemDetailOut(ItemOut):
    description: str
    description_html: str
    collaborators: list[UserBrief]
    blocks: list[ItemBrief]
    blocked_by: list[ItemBrief]
    children: list[ItemBrief]
    warnings: list[str] = []

    @staticmethod
    def resolve_collaborators(obj: Any) -> list[Any]:
        return list(obj.collaborators.all())

    @staticmethod
    def resolve_children(obj: Any) -> list[Any]:
        return getattr(obj, "children_list", [])


class ItemFields(In):
    type: ItemType | None = None
    description: LongText | None = None  # type: ignore[valid-type]
    owner_id: Id | None = None
    collaborator_ids: list[Id] | None = Field(None, max_length=50)
    priority: Priority | None = None
    points: Points | None = None
    estimate_hours: Estimate | None = None
    start_date: Day | None = None
    due_date: Day | None = None
    parent_id: Id | None = None
    sprint_id: Id | None = None
    milestone_id: Id | None = None
    tags: list[Tag] | None = Field(None, max_length=20)  # type: ignore[valid-type]
    custom: dict[Annotated[str, Field(pattern=r"^[0-9]{1,16}$")], Any] | None = Field(None, max_length=100)
    resolution: Text(100) | None = None  # type: ignore[valid-type]


class ItemIn(ItemFields):
    title: Text(300, 1)  # type: ignore[valid-type]


class ItemPatch(ItemFields):
    """Null clears a field that may be empty (dates, estimates, parent, sprint, milestone)."""

    version: Version
    title: Text(300, 1) | None = None  # type: ignore[valid-type]


class TransitionIn(In):
    state_id: Id
    version: Version | None = None
    resolution: Text(100) | None = None  # type: ignore[valid-type]


class MoveIn(In):
    project: ProjectKey
    version: Version


class BulkSet(In):
    """At least one of them: a change of nothing is refused."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})

    state_id: Id | None = None
    owner_id: Id | None = None
    priority: Priority | SkipJsonSchema[None] = None  # a priority cannot be taken away
    sprint_id: Id | None = None


class BulkIn(In):
    item_ids: list[Id] = Field(min_length=1, max_length=200)
    set: BulkSet


class BulkOut(Schema):
    updated: int


class DependencyIn(In):
    """Exactly one: the item that blocks this one, or the item this one blocks."""

    blocked_by: ItemKey | None = None
    blocks: ItemKey | None = None


class TimeIn(In):
    hours: Annotated[Decimal, DecimalText(2, 1), Field(gt=0, le=24, max_digits=3, decimal_places=1)]
    day: Day | None = None
    note: Text(300) = ""  # type: ignore[valid-type]


class TimeOut(Schema):
    id: int
    user: UserBrief
    hours: Decimal
    day: datetime.date
    note: str
    created_at: datetime.datetime


class SavedViewOut(Schema):
    id: int
    name: str
    shared: bool
    query: dict[str, Any]
    owner: UserBrief
    version: int


def _view_query_schema() -> dict[str, Any]:
    """The description of a saved view's query: the filters, sorts and groupings of the work-item
    list (projects.queries.filters), each with the values check_query takes; an empty value is
    no filter."""
    whole = {"type": "string", "pattern": r"^(0*[1-9][0-9]{0,14})?$"}
    properties: dict[str, Any] = dict.fromkeys(filters.INT_FILTERS, whole)
    properties["sprint"] = {"type": "string", "pattern": r"^(0*[1-9][0-9]{0,14}|none)?$"}
    for name, choices in filters.CHOICE_FILTERS.items():
        properties[name] = {"type": "string", "enum": ["", *choices.values]}
    for name in filters.TEXT_FILTERS:
        properties[name] = {"type": "string", "maxLength": 100, "pattern": NO_NUL}
    properties["sort"] = {"type": "string", "enum": ["", *filters.SORTS]}
    properties["group"] = {"type": "string", "enum": ["", *filters.GROUPS]}
    return {"type": "object", "properties": properties, "additionalProperties": False}


ViewQuery = Annotated[
    dict[Annotated[str, Field(pattern=r"^[a-z_]{1,20}$")], Annotated[str, Field(max_length=100, pattern=NO_NUL)]],
    Field(max_length=20),
    WithJsonSchema(_view_query_schema()),
]


class SavedViewIn(In):
    name: Text(100, 1)  # type: ignore[valid-type]
    shared: Flag = False
    query: ViewQuery


class SavedViewPatch(In):
    version: Version
    name: Text(100, 1) | None = None  # type: ignore[valid-type]
    shared: Flag | None = None
    query: ViewQuery | None = None


# --- Board, schedule, allocation -----------------------------------------------------------------


class CardOut(Schema):
    id: int
    key: str
    title: str
    type: str
    owner_id: int
    owner: str
    priority: str
    points: Decimal | None
    state_id: int
    category: str
    version: int


class ColumnOut(Schema):
    """A state (board by status) or a person (board by owner); `count` includes cards not shown."""

    id: int
    name: str
    count: int
    wip_limit: int | None
    over_limit: bool
    category: str | None
    cards: list[CardOut]


class BoardOut(Schema):
    by: str
    workflow_id: int | None
    sprint_id: int | None
    columns: list[ColumnOut]


class ScheduledItemOut(Schema):
    id: int
    key: str
    title: str
    start: datetime.date
    end: datetime.date
    milestone_id: int | None
    category: str


class ScheduledMilestoneOut(Schema):
    id: int
    name: str
    due_date: datetime.date
    done: bool


class ScheduleOut(Schema):
    """Items overlapping the window, its milestones, and [blocker id, blocked id] among the items."""

    start: datetime.date
    end: datetime.date
    items: list[ScheduledItemOut]
    milestones: list[ScheduledMilestoneOut]
    dependencies: list[tuple[int, int]]


class WeekOut(Schema):
    start: datetime.date
    allocated: Decimal
    capacity: Decimal
    over: bool


class MemberAllocationOut(Schema):
    user_id: int
    name: str
    capacity: Decimal
    weeks: list[WeekOut]


QueryValue = Annotated[str | None, Field(None, max_length=100, pattern=r"^[^\x00]*$")]


class ItemQuery(Schema):
    """The list's filters, sort and grouping (projects.queries.filters declares what each accepts)."""

    type: QueryValue = None
    state: QueryValue = None
    category: QueryValue = None
    owner: QueryValue = None
    priority: QueryValue = None
    sprint: QueryValue = None
    milestone: QueryValue = None
    parent: QueryValue = None
    tag: QueryValue = None
    q: QueryValue = None
    sort: QueryValue = None
    group: QueryValue = None
