"""What the key result, check-in and link API reads and writes. Inputs forbid unknown fields; a key
result's objective and workspace are never writable, its current value changes by check-ins only.

Values are decimals given as JSON numbers or strings, at most four places and below 10^14."""

import datetime
import enum
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, Field

from core.schemas import Day, DecimalText, Id, In, Text, UserBrief, Version

LIMIT = Decimal("99999999999.9999")  # as key_results.VALUE_LIMIT


def _not_a_flag(value: Any) -> Any:
    """true / false are not numbers (pydantic would read them as 1 and 0)."""
    if isinstance(value, bool):
        raise ValueError("not a number")
    return value


Value = Annotated[
    Decimal,
    Field(ge=-LIMIT, le=LIMIT, max_digits=18, decimal_places=4),
    BeforeValidator(_not_a_flag),
    DecimalText(11, 4, signed=True),
]
Weight = Annotated[
    Decimal, Field(gt=0, le=100, max_digits=5, decimal_places=2), BeforeValidator(_not_a_flag), DecimalText(3, 2)
]
MilestoneName = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]
Milestones = Annotated[list[MilestoneName], Field(max_length=20)]


class KeyResultMetric(enum.StrEnum):
    NUMBER = "number"
    PERCENTAGE = "percentage"
    CURRENCY = "currency"
    YES_NO = "yes_no"
    MILESTONE = "milestone"


class KeyResultSource(enum.StrEnum):
    """Where the progress comes from: the check-ins' values, or the share of the linked work that is
    done by count or by estimate (story points; hours when no linked item has points)."""

    CHECK_INS = "check_ins"
    WORK_COUNT = "work_count"
    WORK_ESTIMATE = "work_estimate"


class CheckInConfidence(enum.StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"


class KeyResultLinkKind(enum.StrEnum):
    PROJECT = "project"
    REQUIREMENT = "requirement"
    WORK_ITEM = "work_item"


# --- Key results ---------------------------------------------------------------------------------


class KeyResultIn(In):
    """A number, percentage or currency result needs `start_value` and `target_value` (lower for a
    decreasing result, such as churn from 8 to 5; the same for a level to keep, such as availability
    at 99.9, done while the value is at or above it); yes / no runs from 0 to 1; a
    milestone result names its `milestones` and runs from 0 to their number. `current_value`
    defaults to the start. `owner_id` defaults to the caller."""

    title: Text(300, 1)  # type: ignore[valid-type]
    metric: KeyResultMetric = KeyResultMetric.NUMBER
    start_value: Value | None = None
    target_value: Value | None = None
    current_value: Value | None = None
    unit: Text(20) = ""  # type: ignore[valid-type]
    milestones: Milestones = []
    owner_id: Id | None = None
    due_date: Day | None = None
    weight: Weight | None = None
    source: KeyResultSource = KeyResultSource.CHECK_INS


class KeyResultPatch(In):
    """Only the fields given change; `due_date: null` clears the due date."""

    version: Version
    title: Text(300, 1) | None = None  # type: ignore[valid-type]
    metric: KeyResultMetric | None = None
    start_value: Value | None = None
    target_value: Value | None = None
    unit: Text(20) | None = None  # type: ignore[valid-type]
    milestones: Milestones | None = None
    owner_id: Id | None = None
    due_date: Day | None = None
    weight: Weight | None = None
    source: KeyResultSource | None = None


class KeyResultFindingOut(Schema):
    """What the SMART check finds missing: code specific, measurable, time_bound or owner."""

    code: str
    message: str


class KeyResultOut(Schema):
    id: int
    objective_id: int
    title: str
    metric: str
    start_value: Decimal
    target_value: Decimal | None
    current_value: Decimal
    unit: str
    milestones: list[str]
    owner: UserBrief
    due_date: datetime.date | None
    weight: Decimal
    source: str
    progress: float
    confidence: str
    last_check_in_at: datetime.datetime | None
    self_score: Decimal | None
    review_score: Decimal | None
    position: int
    smart: list[KeyResultFindingOut] = []
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime


# --- Check-ins -----------------------------------------------------------------------------------


class CheckInIn(In):
    """`value` is required unless the key result takes its progress from linked work; yes / no
    takes 0 or 1, a milestone result how many milestones are reached."""

    value: Value | None = None
    confidence: CheckInConfidence
    note: Text(5000) = ""  # type: ignore[valid-type]


class CheckInOut(Schema):
    id: int
    key_result_id: int
    value: Decimal
    progress: float
    confidence: str
    note: str
    author: UserBrief
    created_at: datetime.datetime


# --- Links ---------------------------------------------------------------------------------------


class KeyResultLinkIn(In):
    """Exactly one of a project, a requirement or a work item of this workspace."""

    project_id: Id | None = None
    requirement_id: Id | None = None
    work_item_id: Id | None = None


class KeyResultLinkOut(Schema):
    id: int
    key_result_id: int
    kind: str
    project_id: int | None
    requirement_id: int | None
    work_item_id: int | None
    label: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_label(obj: Any) -> str:
        from goals.queries.key_results import link_label

        return link_label(obj)
