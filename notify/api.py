"""Notifications over HTTP: thin handlers that parse, call a service or a query, render."""

from typing import Annotated, Any

from ninja import Query, Router, Status

from accounts.queries import membership_for
from cadence.api_auth import ApiRequest
from core.api import ERRORS, Cursor, Limit, WorkspaceSlug, changes
from core.pagination import paginate
from core.schemas import PathId, page_of
from notify import queries, services
from notify.models import DeliveryStatus, Notification
from notify.schemas import (
    DeliveryOut,
    EventName,
    NotificationOut,
    NotificationPage,
    PreferencesIn,
    PreferencesOut,
    ReadAllIn,
    ReminderSettingsIn,
    ReminderSettingsOut,
    UnreadOut,
    UpdatedOut,
    WebhookIn,
    WebhookOut,
    WebhookPatch,
)

router = Router(tags=["notifications"])
W = "/workspaces/{workspace}"
NOTIFICATION = W + "/notifications/{notification_id}"
WEBHOOK = W + "/webhooks/{webhook_id}"
EventFilter = Annotated[EventName | None, Query(None)]
IdFilter = Annotated[int | None, Query(None, ge=1, le=2**53)]


def _entry(notification: Notification) -> Notification:
    """The notification with its label and title in the request's language, for NotificationOut."""
    notification.event_label = queries.event_label(notification.event)  # type: ignore[attr-defined]
    notification.title = queries.title_of(notification)  # type: ignore[attr-defined]
    return notification


# --- Inbox -----------------------------------------------------------------------------------


@router.get(W + "/notifications", response={200: NotificationPage, **ERRORS}, operation_id="listNotifications")
def list_notifications(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    cursor: Cursor = None,
    limit: Limit = None,
    unread: bool = False,
    event: EventFilter = None,
) -> Any:
    """The caller's own inbox, newest first; `unread` counts every unread entry."""
    actor = membership_for(request.auth, workspace)
    qs = queries.inbox(actor, unread=unread, event=event)
    page = paginate(qs, cursor=cursor, limit=limit)
    return {
        "items": [_entry(n) for n in page.items],
        "next_cursor": page.next_cursor,
        "unread": queries.unread_count(actor),
    }


@router.get(
    W + "/notifications/unread-count", response={200: UnreadOut, **ERRORS}, operation_id="getUnreadNotificationCount"
)
def unread_count(request: ApiRequest, workspace: WorkspaceSlug) -> Any:
    actor = membership_for(request.auth, workspace)
    return {"unread": queries.unread_count(actor)}


@router.post(NOTIFICATION + "/read", response={200: NotificationOut, **ERRORS}, operation_id="markNotificationRead")
def mark_read(request: ApiRequest, workspace: WorkspaceSlug, notification_id: PathId) -> Any:
    actor = membership_for(request.auth, workspace)
    return _entry(services.mark_read(actor, notification_id))


@router.post(NOTIFICATION + "/unread", response={200: NotificationOut, **ERRORS}, operation_id="markNotificationUnread")
def mark_unread(request: ApiRequest, workspace: WorkspaceSlug, notification_id: PathId) -> Any:
    actor = membership_for(request.auth, workspace)
    return _entry(services.mark_read(actor, notification_id, read=False))


@router.post(
    W + "/notifications/read-all", response={200: UpdatedOut, **ERRORS}, operation_id="markAllNotificationsRead"
)
def mark_all_read(request: ApiRequest, workspace: WorkspaceSlug, payload: ReadAllIn | None = None) -> Any:
    """Every unread entry of the caller's inbox, or only those of one `event`."""
    actor = membership_for(request.auth, workspace)
    event = payload.event if payload is not None else None
    return {"updated": services.mark_all_read(actor, event=event)}


# --- Preferences -----------------------------------------------------------------------------


def _preferences(actor: Any) -> dict[str, Any]:
    preferences = services.preferences_of(actor)
    return {
        "version": preferences.version,
        "quiet_start": preferences.quiet_start,
        "quiet_end": preferences.quiet_end,
        "digest_hour": preferences.digest_hour,
        "events": queries.preference_table(actor, preferences),
    }


@router.get(
    W + "/notification-preferences", response={200: PreferencesOut, **ERRORS}, operation_id="getNotificationPreferences"
)
def get_preferences(request: ApiRequest, workspace: WorkspaceSlug) -> Any:
    """For each event: whether it goes to the inbox and how it is emailed (instant, digest, off)."""
    return _preferences(membership_for(request.auth, workspace))


@router.put(
    W + "/notification-preferences",
    response={200: PreferencesOut, **ERRORS},
    operation_id="updateNotificationPreferences",
)
def update_preferences(request: ApiRequest, workspace: WorkspaceSlug, payload: PreferencesIn) -> Any:
    actor = membership_for(request.auth, workspace)
    values = payload.model_dump(mode="json", include={"events"})
    services.update_preferences(
        actor,
        version=payload.version,
        events=values["events"],
        quiet_start=payload.quiet_start,
        quiet_end=payload.quiet_end,
        digest_hour=payload.digest_hour,
    )
    return _preferences(actor)


# --- Webhooks --------------------------------------------------------------------------------


@router.get(W + "/webhooks", response={200: page_of(WebhookOut), **ERRORS}, operation_id="listWebhooks")
def list_webhooks(request: ApiRequest, workspace: WorkspaceSlug, cursor: Cursor = None, limit: Limit = None) -> Any:
    """The workspace's group chats and outside systems (owners and admins), by name."""
    actor = membership_for(request.auth, workspace)
    return paginate(queries.webhooks(actor), cursor=cursor, limit=limit, order="name")


@router.post(W + "/webhooks", response={201: WebhookOut, **ERRORS}, operation_id="createWebhook")
def create_webhook(request: ApiRequest, workspace: WorkspaceSlug, payload: WebhookIn) -> Any:
    """The URL is checked before it is saved: https only (unless allowed), no local, private or
    metadata address; a refused URL is a field error naming `url`."""
    actor = membership_for(request.auth, workspace)
    return Status(201, services.create_webhook(actor, **payload.model_dump()))


@router.get(WEBHOOK, response={200: WebhookOut, **ERRORS}, operation_id="getWebhook")
def get_webhook(request: ApiRequest, workspace: WorkspaceSlug, webhook_id: PathId) -> Any:
    actor = membership_for(request.auth, workspace)
    return queries.get_webhook(actor, webhook_id)


@router.patch(WEBHOOK, response={200: WebhookOut, **ERRORS}, operation_id="updateWebhook")
def update_webhook(request: ApiRequest, workspace: WorkspaceSlug, webhook_id: PathId, payload: WebhookPatch) -> Any:
    actor = membership_for(request.auth, workspace)
    endpoint = queries.get_webhook(actor, webhook_id)
    values = changes(payload, nullable=frozenset({"team_id"}))
    services.update_webhook(actor, endpoint, version=payload.version, **values)
    return queries.get_webhook(actor, webhook_id)


@router.delete(WEBHOOK, response={204: None, **ERRORS}, operation_id="deleteWebhook")
def delete_webhook(request: ApiRequest, workspace: WorkspaceSlug, webhook_id: PathId) -> Any:
    """To the trash; nothing is sent to it any more."""
    actor = membership_for(request.auth, workspace)
    services.delete_webhook(actor, queries.get_webhook(actor, webhook_id))
    return Status(204, None)


@router.post(WEBHOOK + "/test", response={202: DeliveryOut, **ERRORS}, operation_id="testWebhook")
def test_webhook(request: ApiRequest, workspace: WorkspaceSlug, webhook_id: PathId) -> Any:
    """Queue a test message; the worker sends it like any other (see the deliveries)."""
    actor = membership_for(request.auth, workspace)
    return Status(202, services.send_test(actor, queries.get_webhook(actor, webhook_id)))


# --- Deliveries ------------------------------------------------------------------------------


@router.get(W + "/deliveries", response={200: page_of(DeliveryOut), **ERRORS}, operation_id="listDeliveries")
def list_deliveries(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    cursor: Cursor = None,
    limit: Limit = None,
    status: DeliveryStatus | None = None,
    endpoint_id: IdFilter = None,
) -> Any:
    """The outbox of the workspace (owners and admins), newest first; `status=dead` lists the
    messages that could not be sent."""
    actor = membership_for(request.auth, workspace)
    qs = queries.deliveries(actor, status=status, endpoint_id=endpoint_id)
    return paginate(qs, cursor=cursor, limit=limit)


@router.post(W + "/deliveries/{delivery_id}/retry", response={200: DeliveryOut, **ERRORS}, operation_id="retryDelivery")
def retry_delivery(request: ApiRequest, workspace: WorkspaceSlug, delivery_id: PathId) -> Any:
    """Send a failed (dead) delivery again, from the first attempt."""
    actor = membership_for(request.auth, workspace)
    return services.retry_delivery(actor, queries.get_delivery(actor, delivery_id))


# --- Reminder settings -----------------------------------------------------------------------


@router.get(W + "/reminder-settings", response={200: ReminderSettingsOut, **ERRORS}, operation_id="getReminderSettings")
def get_reminder_settings(request: ApiRequest, workspace: WorkspaceSlug) -> Any:
    """When owners are reminded of due and overdue items, when overdue items go to their
    department's head, and when the weekly check-in asks everyone to update their work."""
    return queries.reminders_of(membership_for(request.auth, workspace))


@router.put(
    W + "/reminder-settings", response={200: ReminderSettingsOut, **ERRORS}, operation_id="updateReminderSettings"
)
def update_reminder_settings(request: ApiRequest, workspace: WorkspaceSlug, payload: ReminderSettingsIn) -> Any:
    actor = membership_for(request.auth, workspace)
    values = payload.model_dump(exclude={"version"})
    return services.update_reminder_settings(actor, version=payload.version, **values)
