"""Reads of the notification module, each scoped to what the caller may see: a person sees only
their own inbox; webhooks, deliveries and reminder settings are for workspace owners and admins."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Max, QuerySet

from core.errors import NotFound
from core.permissions import can, require
from notify.events import EventType, choice_for, declared, event_types, get_event
from notify.models import Delivery, EmailMode, Notification, Preferences, ReminderSettings, WebhookEndpoint
from notify.reminders import reminder_settings

if TYPE_CHECKING:
    from accounts.models import Membership


def inbox(actor: "Membership", *, unread: bool = False, event: str | None = None) -> QuerySet[Notification]:
    require(actor, "notification.use")
    qs = Notification.objects.filter(recipient_id=actor.user_id, workspace_id=actor.workspace_id, in_inbox=True)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    if event:
        qs = qs.filter(event=declared(event, "event"))
    return qs.select_related("actor")


def unread_count(actor: "Membership") -> int:
    return (
        Notification.objects.filter(
            recipient_id=actor.user_id, workspace_id=actor.workspace_id, in_inbox=True, read_at__isnull=True
        )
        .order_by()
        .count()
    )


def title_of(notification: Notification) -> str:
    """The notification's sentence in the active language."""
    try:
        return get_event(notification.event).render(notification.context)
    except KeyError:  # an event a removed module declared
        return notification.context.get("object", "")


def event_label(name: str) -> str:
    try:
        return str(get_event(name).label)
    except KeyError:
        return name


def listed_events() -> list[EventType]:
    """The events a person can choose channels for (test messages go to group chats only)."""
    return [e for e in event_types() if e.name != "webhook.test"]


@dataclass(frozen=True)
class EventChoice:
    event: EventType
    inbox: bool
    email: EmailMode


def preference_table(actor: "Membership", preferences: Preferences) -> list[EventChoice]:
    require(actor, "notification.use")
    return [EventChoice(e, (c := choice_for(preferences, e)).inbox, c.email) for e in listed_events()]


def webhooks(actor: "Membership") -> QuerySet[WebhookEndpoint]:
    require(actor, "webhook.manage")
    return WebhookEndpoint.objects.filter(workspace_id=actor.workspace_id).select_related("team").order_by("name", "pk")


def get_webhook(actor: "Membership", endpoint_id: int) -> WebhookEndpoint:
    found = webhooks(actor).filter(pk=endpoint_id).first()
    if found is None:
        raise NotFound()
    return found


def last_deliveries(actor: "Membership", endpoint_ids: list[int]) -> dict[int, Delivery]:
    """The newest delivery of each of these endpoints, in one query."""
    require(actor, "delivery.manage")
    newest = (
        Delivery.objects.filter(workspace_id=actor.workspace_id, endpoint_id__in=endpoint_ids)
        .order_by()
        .values("endpoint_id")
        .annotate(newest=Max("id"))
        .values("newest")
    )
    return {d.endpoint_id: d for d in Delivery.objects.filter(pk__in=newest) if d.endpoint_id is not None}


def deliveries(actor: "Membership", *, status: str | None = None, endpoint_id: int | None = None) -> QuerySet[Delivery]:
    require(actor, "delivery.manage")
    qs = Delivery.objects.filter(workspace_id=actor.workspace_id)
    if status:
        qs = qs.filter(status=status)
    if endpoint_id:
        qs = qs.filter(endpoint_id=endpoint_id)
    return qs.select_related("recipient", "endpoint", "notification")


def get_delivery(actor: "Membership", delivery_id: int) -> Delivery:
    found = deliveries(actor).filter(pk=delivery_id).first()
    if found is None:
        raise NotFound()
    return found


def reminders_of(actor: "Membership") -> ReminderSettings:
    require(actor, "reminder.manage")
    return reminder_settings(actor.workspace_id)


# --- The home page ---------------------------------------------------------------------------------

HOME_SHOWN = 8
MENTIONED = "comment.mentioned"


def home_unread(actor: "Membership") -> dict[str, Any] | None:
    """The home's panel: my latest unread notifications, mentions first, and how many are unread.
    Two queries (the notification_unread index)."""
    if not can(actor, "notification.use"):
        return None
    unread = list(inbox(actor, unread=True).order_by("-id")[:HOME_SHOWN])
    for notification in unread:
        notification.title = title_of(notification)  # type: ignore[attr-defined]
        notification.is_mention = notification.event == MENTIONED  # type: ignore[attr-defined]
    unread.sort(key=lambda n: not n.is_mention)  # type: ignore[attr-defined]
    return {"notifications": unread, "count": unread_count(actor), "empty": not unread}
