"""Notification resources over HTTP: the inbox, preferences, webhooks, deliveries and reminder
settings. Strict inputs, bounded types; a webhook's secret is written, never read back."""

import datetime
import re
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, Field, GetJsonSchemaHandler, WithJsonSchema
from pydantic_core import CoreSchema

from accounts.models import Language
from core.schemas import Id, In, Text, TimeZoneName, UserBrief, Version, WholeNumber
from notify.events import event_types
from notify.models import Channel, DeliveryStatus, EmailMode, WebhookKind

EVENT_PATTERN = r"^[a-z0-9_.]{1,60}$"


class DeclaredEvents:
    """Describes an event name as one of the events the apps declared. They are declared once the
    apps are loaded, after this module is imported: the list is read when the description is."""

    def __get_pydantic_json_schema__(self, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> Any:
        schema = handler(core_schema)
        schema["enum"] = sorted(event.name for event in event_types())
        return schema


EventName = Annotated[
    str,
    Field(min_length=1, max_length=60, pattern=EVENT_PATTERN, examples=["work_item.assigned"]),
    DeclaredEvents(),
]
Hour = Annotated[int, Field(strict=True, ge=0, le=23), WholeNumber]
Flag = Annotated[bool, Field(strict=True)]


# Quiet hours are read on the person's own clock: a time with an offset means nothing here. The
# description says so by a pattern (JSON Schema's format "time" requires an offset).
WALL_CLOCK = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$")


def _wall_clock(value: Any) -> Any:
    if isinstance(value, datetime.time) or (isinstance(value, str) and WALL_CLOCK.match(value)):
        return value
    raise ValueError("a time of day as HH:MM or HH:MM:SS, without a time zone offset")


WallClock = Annotated[
    datetime.time,
    BeforeValidator(_wall_clock),
    WithJsonSchema({"type": "string", "pattern": WALL_CLOCK.pattern, "examples": ["22:00"]}),
]


# --- Inbox -----------------------------------------------------------------------------------


class NotificationOut(Schema):
    """One entry of the caller's inbox; `title` is written in the caller's language."""

    id: int
    event: str
    event_label: str  # set by the API from notify.queries.event_label
    title: str  # set by the API from notify.queries.title_of
    actor: UserBrief | None
    target_type: str
    target_id: int | None
    url: str
    created_at: datetime.datetime
    read: bool

    @staticmethod
    def resolve_read(obj: Any) -> bool:
        return obj.read_at is not None


class NotificationPage(Schema):
    items: list[NotificationOut]
    next_cursor: str | None = None
    unread: int = Field(description="Unread entries in the whole inbox, whatever the filters.")


class UnreadOut(Schema):
    unread: int


class ReadAllIn(In):
    event: EventName | None = None


class UpdatedOut(Schema):
    updated: int


# --- Preferences -----------------------------------------------------------------------------


class EventChoiceOut(Schema):
    event: str
    label: str
    inbox: bool
    email: EmailMode

    @staticmethod
    def resolve_event(obj: Any) -> str:
        return str(obj.event.name)

    @staticmethod
    def resolve_label(obj: Any) -> str:
        return str(obj.event.label)


class PreferencesOut(Schema):
    version: int
    quiet_start: WallClock | None
    quiet_end: WallClock | None
    digest_hour: int
    events: list[EventChoiceOut]


class EventChoiceIn(In):
    inbox: Flag
    email: EmailMode


class PreferencesIn(In):
    """Events not named keep their choice; quiet hours are both given or both left out (none);
    `digest_hour` left out keeps the current hour."""

    version: Version
    events: Annotated[dict[EventName, EventChoiceIn], Field(max_length=100)] = {}
    quiet_start: WallClock | None = None
    quiet_end: WallClock | None = None
    digest_hour: Hour | None = None


# --- Webhooks --------------------------------------------------------------------------------


class TeamBrief(Schema):
    id: int
    name: str


class WebhookBrief(Schema):
    id: int
    name: str


class WebhookOut(Schema):
    """The secret is never returned: `has_secret` says whether one is set."""

    id: int
    name: str
    kind: WebhookKind
    url: str
    has_secret: bool
    events: list[str]
    team: TeamBrief | None
    language: Language
    active: bool
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_has_secret(obj: Any) -> bool:
        return bool(obj.secret)


WebhookEvents = Annotated[list[EventName], Field(max_length=50)]


class WebhookIn(In):
    name: Text(100, 1)  # type: ignore[valid-type]
    kind: WebhookKind
    url: Text(500, 1)  # type: ignore[valid-type]
    secret: Text(200) = ""  # type: ignore[valid-type]
    events: WebhookEvents = Field(default=[], description="The events it hears; empty: every event.")
    team_id: Id | None = None
    language: Language = Language.ZH_HANS
    active: Flag = True


class WebhookPatch(In):
    """Only the fields given change; `team_id: null` makes it the whole workspace's again and
    `secret: ""` removes the secret."""

    version: Version
    name: Text(100, 1) | None = None  # type: ignore[valid-type]
    kind: WebhookKind | None = None
    url: Text(500, 1) | None = None  # type: ignore[valid-type]
    secret: Text(200) | None = None  # type: ignore[valid-type]
    events: WebhookEvents | None = None
    team_id: Id | None = None
    language: Language | None = None
    active: Flag | None = None


# --- Deliveries ------------------------------------------------------------------------------


class DeliveryOut(Schema):
    """One message of the outbox. `last_error` is a short code, never what the remote answered."""

    id: int
    channel: Channel
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime.datetime
    last_error: str
    created_at: datetime.datetime
    sent_at: datetime.datetime | None
    endpoint: WebhookBrief | None
    recipient: UserBrief | None
    event: str | None

    @staticmethod
    def resolve_event(obj: Any) -> str | None:
        event = obj.payload.get("event") if isinstance(obj.payload, dict) else None
        if event:
            return str(event)
        return obj.notification.event if obj.notification_id else None


# --- Reminder settings -----------------------------------------------------------------------


class ReminderSettingsOut(Schema):
    version: int
    due_soon_days: int
    escalate_after_days: int
    checkin_weekday: int
    checkin_hour: int
    time_zone: str


class ReminderSettingsIn(In):
    version: Version
    due_soon_days: Annotated[int, Field(strict=True, ge=0, le=30), WholeNumber]
    escalate_after_days: Annotated[int, Field(strict=True, ge=1, le=60), WholeNumber]
    checkin_weekday: Annotated[int, Field(strict=True, ge=0, le=6, description="Monday is 0, Sunday 6."), WholeNumber]
    checkin_hour: Hour
    time_zone: TimeZoneName
