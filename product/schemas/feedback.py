"""What the feedback API reads and writes. Input schemas forbid unknown fields; the workspace, the
submitter (except "as myself"), the answered time and the demand counts are never writable."""

import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field, StrictBool, WithJsonSchema

from core.schemas import NO_NUL, Id, In, Text, UserBrief, Version, WholeNumber
from product.models import FeedbackChannel, FeedbackKind, FeedbackStatus, Segment, Sentiment
from product.services.feedback import BULK_MAX, MAX_CONTENT, MAX_PUBLIC_CONTENT

Tag = Text(40, 1)
Tags = Annotated[list[Tag], Field(max_length=20)]  # type: ignore[valid-type]
Content = Text(MAX_CONTENT, 1)
Name = Text(200)
# An address as Django's validate_email (product.services.feedback) takes it, or "" for none.
# Described by a pattern narrower than Django's (a TLD of letters, no quoted or IP-literal
# forms), so that every address it promises is one the server accepts.
EMAIL_PATTERN = (
    r"^$|^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
Email = Annotated[
    str,
    Field(max_length=254, pattern=NO_NUL),
    WithJsonSchema({"type": "string", "maxLength": 254, "pattern": EMAIL_PATTERN, "examples": ["li.na@example.com"]}),
]
SentimentValue = Sentiment | Literal[""]
SegmentValue = Segment | Literal[""]


class ProductBrief(Schema):
    id: int
    name: str


class CustomerOut(Schema):
    id: int
    name: str
    company: str
    segment: str
    email: str


class LinkedRequirementOut(Schema):
    number: int
    key: str
    title: str
    status: str


class FeedbackOut(Schema):
    id: int
    product: ProductBrief
    channel: str
    customer: CustomerOut | None
    content: str
    kind: str
    sentiment: str
    tags: list[str]
    status: str
    submitted_by: UserBrief | None
    answered_at: datetime.datetime | None
    requirements: list[LinkedRequirementOut]
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_requirements(obj: Any) -> list[Any]:
        return [link.requirement for link in getattr(obj, "live_links", [])]


class FeedbackIn(In):
    """Customer fields name who gave it: found again by email, else by name and company. With no
    customer the caller records it as their own (`as_myself` defaults to that)."""

    product_id: Id
    content: Content  # type: ignore[valid-type]
    channel: FeedbackChannel
    kind: FeedbackKind = FeedbackKind.SUGGESTION
    sentiment: SentimentValue = ""
    tags: Tags = []  # type: ignore[valid-type]
    customer_name: Name = ""  # type: ignore[valid-type]
    customer_email: Email = ""
    customer_company: Name = ""  # type: ignore[valid-type]
    customer_segment: SegmentValue = ""
    as_myself: StrictBool | None = None


class FeedbackPatch(In):
    """`status` follows the flow new → triaged → linked → answered; closed from any, and closed
    reopens to triaged. Empty customer fields (all of them) clear the customer."""

    version: Version
    product_id: Id | None = None
    content: Content | None = None  # type: ignore[valid-type]
    channel: FeedbackChannel | None = None
    kind: FeedbackKind | None = None
    sentiment: SentimentValue | None = None
    tags: Tags | None = None  # type: ignore[valid-type]
    status: FeedbackStatus | None = None
    customer_name: Name | None = None  # type: ignore[valid-type]
    customer_email: Email | None = None
    customer_company: Name | None = None  # type: ignore[valid-type]
    customer_segment: SegmentValue | None = None
    as_myself: StrictBool | None = None


BulkValue = Annotated[int, Field(strict=True, ge=1, le=2**31), WholeNumber] | Text(100)  # type: ignore[misc]


class FeedbackBulkIn(In):
    """`value`: the status (set_status), the tag (add_tag) or the requirement number or key, such as
    12 or "REQ-12" (link); delete takes none."""

    ids: Annotated[list[Id], Field(min_length=1, max_length=BULK_MAX)]
    action: Literal["set_status", "add_tag", "link", "delete"]
    value: BulkValue | None = None  # type: ignore[valid-type]


class FeedbackBulkOut(Schema):
    updated: int


class ImportRowOut(Schema):
    row: int
    values: dict[str, Any]
    errors: dict[str, str]
    imported: bool = False


class FeedbackImportOut(Schema):
    """Counts, the first 100 rows (`rows`) and the first 100 rows with errors (`error_rows`)."""

    id: int
    product: ProductBrief
    filename: str
    created_by: UserBrief
    created_at: datetime.datetime
    imported_at: datetime.datetime | None
    total: int
    valid: int
    invalid: int
    imported: int
    rows: list[ImportRowOut]
    error_rows: list[ImportRowOut]


class PublicFeedbackIn(In):
    """Feedback without an account. `website` must stay empty (it is a trap for robots)."""

    content: Text(MAX_PUBLIC_CONTENT, 1)  # type: ignore[valid-type]
    kind: FeedbackKind = FeedbackKind.SUGGESTION
    name: Name = ""  # type: ignore[valid-type]
    email: Email = ""
    company: Name = ""  # type: ignore[valid-type]
    website: Text(200) = ""  # type: ignore[valid-type]


class PublicFeedbackOut(Schema):
    received: bool
    message: str
