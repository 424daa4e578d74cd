"""What the products and requirements API reads and writes. Input schemas forbid unknown fields; the
workspace, number, key, status, rank, score and demand counts are never writable through them."""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.urls import reverse
from ninja import Schema
from pydantic import Field

from core.schemas import DecimalText, Flag, Id, In, Text, UserBrief, Version, WholeNumber
from product import scoring
from product.models import Kano, MoSCoW, RequirementStatus, RequirementType, ScoringModel, Source

LongText = Text(20000)
Description = Text(100_000)
Tag = Text(40, 1)
Tags = Annotated[list[Tag], Field(max_length=20)]  # type: ignore[valid-type]
Number = Annotated[int, Field(strict=True, ge=1, le=2**31), WholeNumber]
ItemKeyText = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9]{1,9}-[0-9]{1,9}$", examples=["APP-1"])]
OneToFive = Annotated[int, Field(strict=True, ge=1, le=5), WholeNumber]
# WSJF's inputs: a step of SAFe's relative scale (the service refuses a number between steps).
Relative = Annotated[int, Field(strict=True, json_schema_extra={"enum": list(scoring.RELATIVE_SCALE)}), WholeNumber]
Percent = Annotated[int, Field(strict=True, ge=0, le=100), WholeNumber]
Reach = Annotated[int, Field(strict=True, ge=0, le=100_000_000), WholeNumber]
Effort = Annotated[Decimal, DecimalText(5, 2), Field(ge=0, le=99999, max_digits=7, decimal_places=2)]
Impact = Annotated[Decimal, DecimalText(1, 2), Field(ge=Decimal("0.25"), le=3, max_digits=3, decimal_places=2)]
_RELATIVE = "SAFe's relative scale, one of 1, 2, 3, 5, 8, 13, 20, sized against the other requirements"
# What each analysis input means, with its unit and scale, for the API description.
ANALYSIS_DESCRIPTIONS = {
    "feasibility": "How feasible it is, 1 (hard) to 5 (easy).",
    "market_potential": "Its market potential, 1 (small) to 5 (large).",
    "user_value": f"User-business value, for WSJF and value / effort: {_RELATIVE}.",
    "effort": "RICE's effort in person-months (0.5 is two weeks), more than zero, two decimal places.",
    "reach": "RICE's reach: people a quarter (or events, such as purchases).",
    "impact": "RICE's impact: 0.25 minimal, 0.5 low, 1 medium, 2 high, 3 massive.",
    "confidence": "RICE's confidence in the estimates, in per cent (0–100).",
    "time_criticality": f"Time criticality, for WSJF: {_RELATIVE}.",
    "risk_reduction": f"Risk reduction / opportunity enablement, for WSJF: {_RELATIVE}.",
    "job_size": f"Job size, WSJF's divisor: {_RELATIVE}.",
}


def _described(name: str) -> Any:
    return Field(None, description=ANALYSIS_DESCRIPTIONS[name])


DemandWeight = Annotated[Decimal, DecimalText(2, 2), Field(ge=0, le=10, max_digits=4, decimal_places=2)]


# --- Products ------------------------------------------------------------------------------------


class ModuleOut(Schema):
    id: int
    name: str


class ProductOut(Schema):
    id: int
    name: str
    vision: str
    target_users: str
    goals: str
    owner: UserBrief
    form_enabled: bool
    # The public feedback form's address (works only while form_enabled).
    form_url: str
    modules: list[ModuleOut]
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_form_url(obj: Any) -> str:
        return reverse("product:public-form", args=[obj.form_token])

    @staticmethod
    def resolve_modules(obj: Any) -> list[Any]:
        return sorted(obj.modules.all(), key=lambda m: (m.name, m.pk))


class ProductIn(In):
    name: Text(200, 1)  # type: ignore[valid-type]
    vision: LongText = ""  # type: ignore[valid-type]
    target_users: LongText = ""  # type: ignore[valid-type]
    goals: LongText = ""  # type: ignore[valid-type]
    owner_id: Id | None = None
    form_enabled: Flag = False


class ProductPatch(In):
    version: Version
    name: Text(200, 1) | None = None  # type: ignore[valid-type]
    vision: LongText | None = None  # type: ignore[valid-type]
    target_users: LongText | None = None  # type: ignore[valid-type]
    goals: LongText | None = None  # type: ignore[valid-type]
    owner_id: Id | None = None
    form_enabled: Flag | None = None


class ModuleIn(In):
    name: Text(100, 1)  # type: ignore[valid-type]


class SettingsOut(Schema):
    scoring_model: str
    demand_weight: Decimal
    version: int


class SettingsPatch(In):
    version: Version
    scoring_model: ScoringModel | None = None
    demand_weight: DemandWeight | None = None


# --- Requirements --------------------------------------------------------------------------------


class Brief(Schema):
    id: int
    name: str


class Analysis(Schema):
    feasibility: int | None = _described("feasibility")
    market_potential: int | None = _described("market_potential")
    user_value: int | None = _described("user_value")
    effort: Decimal | None = _described("effort")
    reach: int | None = _described("reach")
    impact: Decimal | None = _described("impact")
    confidence: int | None = _described("confidence")
    time_criticality: int | None = _described("time_criticality")
    risk_reduction: int | None = _described("risk_reduction")
    job_size: int | None = _described("job_size")
    moscow: str = ""
    kano: str = ""


class RequirementRowOut(Analysis):
    """A row of the backlog. `score_disagrees` is true, in the manual order (sort=rank), for a row
    whose score is higher than the score of the row directly above it."""

    id: int
    number: int
    key: str
    title: str
    type: str
    source: str
    status: str
    product: Brief
    module: Brief | None
    owner: UserBrief
    tags: list[str]
    release: Brief | None
    score: float | None
    rank: int
    feedback_count: int
    customer_count: int
    score_disagrees: bool = False
    version: int
    updated_at: datetime.datetime


class ScoreOut(Schema):
    """The requirement under one model: its value, or the inputs it misses (value null)."""

    model: str
    label: str
    value: float | None
    missing: list[str]
    default: bool


class LinkedWorkItem(Schema):
    key: str
    title: str
    state: str
    category: str
    points: Decimal | None

    @staticmethod
    def resolve_state(obj: Any) -> str:
        return obj.state.name


class ProgressOut(Schema):
    total: int
    done: int
    percent: int
    total_points: Decimal | None
    done_points: Decimal | None
    points_percent: int | None


class WorkItemsOut(Schema):
    items: list[LinkedWorkItem]
    progress: ProgressOut


class CustomerBrief(Schema):
    name: str
    company: str
    segment: str


class FeedbackBrief(Schema):
    id: int
    content: str
    channel: str
    kind: str
    status: str
    customer: CustomerBrief | None
    created_at: datetime.datetime


class DemandOut(Schema):
    feedback_count: int
    customer_count: int
    segments: list[str]
    # The first linked feedback, newest first; the feedback inbox filtered by this requirement has all.
    feedback: list[FeedbackBrief]


class RequirementOut(RequirementRowOut):
    description: str
    description_html: str
    revision: int
    proposer: UserBrief
    released_at: datetime.datetime | None
    created_at: datetime.datetime
    # Why it is in its status: the reason given when it last entered it (a rejection's reason).
    status_reason: str
    allowed_statuses: list[str]
    # The workspace's default model, which `score` follows (with the demand signal).
    scoring_model: str
    scores: list[ScoreOut]
    work_items: list[LinkedWorkItem]
    progress: ProgressOut
    demand: DemandOut


class RequirementIn(In):
    product_id: Id
    title: Text(300, 1)  # type: ignore[valid-type]
    description: Description = ""  # type: ignore[valid-type]
    type: RequirementType = RequirementType.FEATURE
    source: Source = Source.INTERNAL
    proposer_id: Id | None = None
    owner_id: Id | None = None
    module_id: Id | None = None
    tags: Tags = Field(default_factory=list)
    feasibility: OneToFive | None = _described("feasibility")
    market_potential: OneToFive | None = _described("market_potential")
    user_value: Relative | None = _described("user_value")
    effort: Effort | None = _described("effort")
    reach: Reach | None = _described("reach")
    impact: Impact | None = _described("impact")
    confidence: Percent | None = _described("confidence")
    time_criticality: Relative | None = _described("time_criticality")
    risk_reduction: Relative | None = _described("risk_reduction")
    job_size: Relative | None = _described("job_size")
    moscow: MoSCoW | None = None
    kano: Kano | None = None


class RequirementPatch(In):
    """Set a field to null to clear it where it may be empty: the module and the analysis."""

    version: Version
    title: Text(300, 1) | None = None  # type: ignore[valid-type]
    description: Description | None = None  # type: ignore[valid-type]
    type: RequirementType | None = None
    source: Source | None = None
    proposer_id: Id | None = None
    owner_id: Id | None = None
    module_id: Id | None = None
    tags: Tags | None = None
    feasibility: OneToFive | None = _described("feasibility")
    market_potential: OneToFive | None = _described("market_potential")
    user_value: Relative | None = _described("user_value")
    effort: Effort | None = _described("effort")
    reach: Reach | None = _described("reach")
    impact: Impact | None = _described("impact")
    confidence: Percent | None = _described("confidence")
    time_criticality: Relative | None = _described("time_criticality")
    risk_reduction: Relative | None = _described("risk_reduction")
    job_size: Relative | None = _described("job_size")
    moscow: MoSCoW | None = None
    kano: Kano | None = None


class RequirementTransitionIn(In):
    status: RequirementStatus
    version: Version
    reason: Text(2000) = ""  # type: ignore[valid-type]


class StatusChangeOut(Schema):
    id: int
    actor: UserBrief | None
    source: str
    target: str
    reason: str
    created_at: datetime.datetime


class RevisionOut(Schema):
    number: int
    title: str
    author: UserBrief | None
    created_at: datetime.datetime


class SegmentOut(Schema):
    op: str
    text: str


class DiffLineOut(Schema):
    """`op` is equal, delete (only in version a) or insert (only in version b); `old` and `new`
    are the line's numbers in a and b. A changed line is a delete then an insert whose `segments`
    mark the changed words."""

    op: str
    old: int | None
    new: int | None
    text: str
    segments: list[SegmentOut]


class CompareOut(Schema):
    """`a` is always the older version; `swapped` is true when it was asked for as `b`."""

    a: RevisionOut
    b: RevisionOut
    swapped: bool
    title: list[SegmentOut]
    lines: list[DiffLineOut]
    added: int
    removed: int


class RankIn(In):
    """Place the requirement directly after `after` and/or directly before `before` (numbers)."""

    before: Number | None = None
    after: Number | None = None


class RankOut(Schema):
    number: int
    rank: int
    # Whether every rank of the workspace was respaced because no gap was left.
    renumbered: bool


class RankedOut(Schema):
    ranked: int


class WorkItemLinkIn(In):
    item_key: ItemKeyText
