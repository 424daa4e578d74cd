"""Schema building blocks shared by every resource: strict input, bounded types, pages."""

import datetime as dt
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field, GetJsonSchemaHandler, WithJsonSchema, create_model
from pydantic_core import CoreSchema


def _whole_number(value: Any) -> Any:
    """JSON Schema counts 1.0 as an integer, so the API reads it as 1 (1.5, true and "1" stay refused)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# With Field(strict=True) on every integer of a JSON body, as OpenAPI's `integer` means.
WholeNumber = BeforeValidator(_whole_number)
# Ids and versions are bounded so that no database sees a number it cannot store. In a JSON body
# they must be numbers (no `true` or "5" read as one); in a path or a query they are parsed text.
Id = Annotated[int, Field(strict=True, ge=1, le=2**53), WholeNumber]
Version = Annotated[int, Field(strict=True, ge=1, le=2**31), WholeNumber]
PathId = Annotated[int, Field(ge=1, le=2**53)]
# A yes/no in a JSON body must be true or false (not 0, 1 or "yes").
Flag = Annotated[bool, Field(strict=True)]


@dataclass(frozen=True)
class DecimalText:
    """A decimal may be sent as a JSON number or as its text ("12.5"): the description says which
    text, at most `digits` digits before the point and `places` after it, so that "" or "40 h" are
    not promised (pydantic alone describes it as any string)."""

    digits: int
    places: int
    signed: bool = False

    def __get_pydantic_json_schema__(self, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> Any:
        schema = handler(core_schema)
        sign = "-?" if self.signed else ""
        for branch in schema.get("anyOf", []):
            if branch.get("type") == "string":
                branch["pattern"] = rf"^{sign}[0-9]{{1,{self.digits}}}(\.[0-9]{{1,{self.places}}})?$"
        return schema


SLUG_PATTERN = r"^[a-z0-9][a-z0-9\-]{0,49}$"
NO_NUL = r"^[^\x00]*$"


# The form of a time zone name ("Asia/Shanghai", "UTC"); which names exist is the server's time
# zone database, checked by the services (a list of its ~600 names would depend on the machine).
TIME_ZONE_PATTERN = r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$"
TimeZoneName = Annotated[str, Field(min_length=1, max_length=64, pattern=TIME_ZONE_PATTERN, examples=["Asia/Shanghai"])]


def Text(max_length: int, min_length: int = 0) -> Any:
    return Annotated[str, Field(min_length=min_length, max_length=max_length, pattern=NO_NUL)]


class In(Schema):
    """Input: unknown fields are refused, so nothing unlisted can be mass-assigned."""

    model_config = ConfigDict(extra="forbid")


class Problem(Schema):
    """An error, as RFC 9457 problem details; `errors` names each field that is not valid."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[dict[str, str]] | None = None
    current: dict[str, Any] | None = None


def page_of(item: type[Schema]) -> Any:
    return create_model(
        f"{item.__name__.removesuffix('Out')}Page",
        __base__=Schema,
        items=(list[item], ...),  # type: ignore[valid-type]
        next_cursor=(str | None, None),
    )


class UserBrief(Schema):
    id: int
    username: str
    display_name: str


class ActivityOut(Schema):
    id: int
    verb: str
    target_type: str
    target_id: int
    target_label: str
    changes: dict[str, Any]
    actor: UserBrief | None
    created_at: datetime


class CommentOut(Schema):
    id: int
    target_type: str
    target_id: int
    author: UserBrief
    body: str
    body_html: str
    version: int
    created_at: datetime
    updated_at: datetime


class CommentIn(In):
    body: Text(20000, 1)  # type: ignore[valid-type]


class CommentPatch(In):
    version: Version
    body: Text(20000, 1)  # type: ignore[valid-type]


class WatcherOut(Schema):
    user: UserBrief
    created_at: datetime


class WatchOut(Schema):
    watching: bool


class TrashItemOut(Schema):
    id: int
    target_type: str
    target_id: int
    target_label: str
    deleted_by: UserBrief | None
    deleted_at: datetime


class RestoredOut(Schema):
    target_type: str
    target_id: int


class AttachmentOut(Schema):
    """A file on an object; `file_name` is for display, the bytes come from the download operation."""

    id: int
    target_type: str
    target_id: int
    file_name: str
    content_type: str
    size: int
    uploaded_by: UserBrief
    created_at: datetime


class LinkIn(In):
    """A link from this object: `kind` is one of the declared kinds; the target is named by
    `target_id`, or by `target_key` ("WEB-12", "REQ-4") where its type has keys."""

    kind: Text(40, 1)  # type: ignore[valid-type]
    target_type: Text(40, 1)  # type: ignore[valid-type]
    target_id: Id | None = None
    target_key: Text(100, 1) | None = None  # type: ignore[valid-type]


class LinkEndOut(Schema):
    type: str
    id: int
    label: str
    url: str | None


class LinkOut(Schema):
    """A link as this object sees it: `label` reads the kind from this end ("Is blocked by")."""

    id: int
    kind: str
    direction: Literal["outgoing", "incoming"]
    label: str
    other: LinkEndOut
    created_by: UserBrief | None
    created_at: datetime


# A day as YYYY-MM-DD, from 1970 to 2999 (pydantic alone would read 0 or "0" as 1970-01-01).
ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _iso_day(value: Any) -> Any:
    """Only YYYY-MM-DD: pydantic alone would read 0 or "0" as 1970-01-01."""
    if isinstance(value, dt.date) or (isinstance(value, str) and ISO_DAY.match(value)):
        return value
    raise ValueError("not a date as YYYY-MM-DD")


# JSON Schema has no bounds for a date: the description says the years by a pattern.
DAY_PATTERN = r"^(19[7-9][0-9]|2[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"

Day = Annotated[
    dt.date,
    Field(ge=dt.date(1970, 1, 1), le=dt.date(2999, 12, 31)),
    BeforeValidator(_iso_day),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DAY_PATTERN}),
]


class SearchResultOut(Schema):
    """One object the palette or a picker found (the same fields as the web endpoint's)."""

    type: str = Field(description="The registered type's name: work_item, requirement, member…")
    typeLabel: str = Field(description="The type's name in the reader's language.")
    id: int
    value: int = Field(description="What a form field naming the object takes: the user's id for people, else the id.")
    key: str | None = Field(description="The object's key (APP-12, REQ-4) where its type has one.")
    title: str
    subtitle: str
    url: str = Field(description="The object's web page.")


class SearchOut(Schema):
    results: list[SearchResultOut]
