"""What the SMART check, scoring, OKR review and cycle report API reads and writes. Inputs forbid
unknown fields. Scores are decimals from 0 to 1 in steps of 0.05, as JSON numbers or strings;
null takes a score back."""

import datetime
import enum
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, Field

from core.schemas import Day, DecimalText, Id, In, Text, UserBrief, Version
from goals.schemas.key_results import CheckInConfidence, KeyResultMetric, Value


def _not_a_flag(value: Any) -> Any:
    """true / false are not numbers (pydantic would read them as 1 and 0)."""
    if isinstance(value, bool):
        raise ValueError("not a number")
    return value


Score = Annotated[
    Decimal, Field(ge=0, le=1, max_digits=3, decimal_places=2), BeforeValidator(_not_a_flag), DecimalText(1, 2)
]


class GoalsSmartCheckKind(enum.StrEnum):
    OBJECTIVE = "objective"
    KEY_RESULT = "key_result"


class GoalsSmartCode(enum.StrEnum):
    SPECIFIC = "specific"
    MEASURABLE = "measurable"
    TIME_BOUND = "time_bound"
    OWNER = "owner"


# --- The SMART check -----------------------------------------------------------------------------


class GoalsSmartCheckIn(In):
    """What a form holds. A key result is checked against the cycle of `objective_id` (or of
    `key_result_id`'s objective, or `cycle_id`); an objective with the key results of `objective_id`.
    Ids of nothing in this workspace are left out: the check never fails for them."""

    kind: GoalsSmartCheckKind
    title: Text(300) = ""  # type: ignore[valid-type]
    owner_id: Id | None = None
    metric: KeyResultMetric | None = None
    start_value: Value | None = None
    target_value: Value | None = None
    due_date: Day | None = None
    cycle_id: Id | None = None
    objective_id: Id | None = None
    key_result_id: Id | None = None


class GoalsSmartFindingOut(Schema):
    code: GoalsSmartCode
    message: str


class GoalsSmartCheckOut(Schema):
    findings: list[GoalsSmartFindingOut]


# --- Scores and assessments ----------------------------------------------------------------------


class KeyResultScoreIn(In):
    """Give either score or both; a score left out stays as it is."""

    version: Version
    self_score: Score | None = None
    review_score: Score | None = None


class KeyResultScoreOut(Schema):
    id: int
    objective_id: int
    self_score: Decimal | None
    review_score: Decimal | None
    score: Decimal  # the one that counts: the reviewer's, else the self-score, else the suggested
    suggested_score: Decimal
    objective_score: Decimal | None
    version: int


class ObjectiveAssessmentIn(In):
    """Give either text or both; a text left out stays as it is, an empty one clears it."""

    version: Version
    self_assessment: Text(5000) | None = None  # type: ignore[valid-type]
    review_note: Text(5000) | None = None  # type: ignore[valid-type]


class ObjectiveAssessmentOut(Schema):
    id: int
    self_assessment: str
    review_note: str
    reviewer: UserBrief | None
    score: Decimal | None
    version: int


# --- The OKR review ------------------------------------------------------------------------------


class GoalsReviewEntryIn(In):
    """One row: a key result (`key_result_id`: a check-in when `confidence` is given, and its
    scores) or an objective (`objective_id`: its assessments). `version` is the row's, needed to
    change a score or an assessment."""

    key_result_id: Id | None = None
    objective_id: Id | None = None
    version: Version | None = None
    value: Value | None = None
    confidence: CheckInConfidence | None = None
    note: Text(5000) | None = None  # type: ignore[valid-type]
    self_score: Score | None = None
    review_score: Score | None = None
    self_assessment: Text(5000) | None = None  # type: ignore[valid-type]
    review_note: Text(5000) | None = None  # type: ignore[valid-type]


class GoalsReviewIn(In):
    entries: Annotated[list[GoalsReviewEntryIn], Field(min_length=1, max_length=1000)]


class GoalsReviewResultOut(Schema):
    check_ins: int
    scores: int
    assessments: int


class GoalsReviewKeyResultOut(Schema):
    id: int
    title: str
    metric: KeyResultMetric
    start_value: Decimal
    target_value: Decimal | None
    current_value: Decimal
    unit: str
    progress: float
    confidence: CheckInConfidence | None
    last_check_in_at: datetime.datetime | None
    owner: UserBrief
    self_score: Decimal | None
    review_score: Decimal | None
    suggested_score: Decimal
    score: Decimal
    version: int

    @staticmethod
    def resolve_confidence(obj: Any) -> str | None:
        return obj.confidence or None

    @staticmethod
    def resolve_score(obj: Any) -> Decimal:
        return obj.effective_score


class GoalsReviewObjectiveOut(Schema):
    id: int
    title: str
    level: str
    depth: int
    parent_id: int | None
    owner: UserBrief
    progress: float | None
    rolled_up: float | None
    score: Decimal | None
    self_assessment: str
    review_note: str
    reviewer: UserBrief | None
    version: int
    key_results: list[GoalsReviewKeyResultOut]

    @staticmethod
    def resolve_score(obj: Any) -> Decimal | None:
        return obj.effective_score

    @staticmethod
    def resolve_key_results(obj: Any) -> list[Any]:
        return obj.results


class GoalsReviewOut(Schema):
    objective_id: int
    cycle_id: int
    read_only: bool
    objectives: list[GoalsReviewObjectiveOut]


# --- The cycle report ----------------------------------------------------------------------------


class GoalsReportConfidenceOut(Schema):
    on_track: int
    at_risk: int
    off_track: int
    none: int


class GoalsReportGroupOut(Schema):
    key: str
    label: str
    objectives: int
    key_results: int
    average_progress: float | None
    average_score: Decimal | None
    confidence: GoalsReportConfidenceOut
    without_check_ins: int


class GoalsReportObjectiveOut(Schema):
    id: int
    title: str
    level: str
    owner: UserBrief


class GoalsReportOut(Schema):
    cycle_id: int
    cycle: str
    total: GoalsReportGroupOut
    levels: list[GoalsReportGroupOut]
    departments: list[GoalsReportGroupOut]
    without_check_ins: list[GoalsReportObjectiveOut]

    @staticmethod
    def resolve_cycle_id(obj: Any) -> int:
        return int(obj.cycle.pk)

    @staticmethod
    def resolve_cycle(obj: Any) -> str:
        return str(obj.cycle.name)
