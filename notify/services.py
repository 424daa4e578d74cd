"""Every write of the notification module: the inbox, preferences, webhooks, the dead-letter list
and reminder settings. Events are raised through notify.events.emit, not here."""

import datetime
import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import dates, outbound
from core.activity import record
from core.errors import Conflict, NotFound, ValidationFailed
from core.permissions import EVERYONE, STAFF, declare, require
from core.services import soft_delete
from core.versioning import save_versioned
from notify.delivery import ALL_DIGEST_EVENTS, UNSUBSCRIBE_SALT
from notify.events import declared, event_types, get_event
from notify.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    EmailMode,
    Notification,
    Preferences,
    ReminderSettings,
    WebhookEndpoint,
    WebhookKind,
)

if TYPE_CHECKING:
    from accounts.models import Membership

declare("notification.use", EVERYONE)
declare("webhook.manage", STAFF)
declare("delivery.manage", STAFF)
declare("reminder.manage", STAFF)

NAME_MAX = 100
SECRET_MAX = 200
URL_MAX = 500
LANGUAGES = [code for code, _name in settings.LANGUAGES]


# --- Inbox -----------------------------------------------------------------------------------


def _own(actor: "Membership", notification_id: int) -> Notification:
    require(actor, "notification.use")
    found = Notification.objects.filter(
        pk=notification_id, recipient_id=actor.user_id, workspace_id=actor.workspace_id, in_inbox=True
    ).first()
    if found is None:
        raise NotFound()
    return found


def mark_read(actor: "Membership", notification_id: int, *, read: bool = True) -> Notification:
    notification = _own(actor, notification_id)
    notification.read_at = (notification.read_at or timezone.now()) if read else None
    Notification.objects.filter(pk=notification.pk).update(read_at=notification.read_at)
    return notification


def mark_all_read(actor: "Membership", *, event: str | None = None) -> int:
    require(actor, "notification.use")
    unread = Notification.objects.filter(
        recipient_id=actor.user_id, workspace_id=actor.workspace_id, in_inbox=True, read_at__isnull=True
    )
    if event:
        unread = unread.filter(event=declared(event, "event"))
    return unread.update(read_at=timezone.now())


# --- Preferences -----------------------------------------------------------------------------


def preferences_of(actor: "Membership") -> Preferences:
    """The actor's preferences; an unsaved default if they never chose."""
    found = Preferences.objects.filter(workspace_id=actor.workspace_id, user_id=actor.user_id).first()
    return found or Preferences(workspace_id=actor.workspace_id, user_id=actor.user_id)


def _clean_events(events: dict[str, Any]) -> dict[str, dict[str, Any]]:
    clean = {}
    for name, choice in events.items():
        field = f"events.{name}"
        declared(name, field)
        if not isinstance(choice, dict) or set(choice) - {"inbox", "email"}:
            raise ValidationFailed({field: _("Give inbox (true or false) and email (instant, digest or off).")})
        inbox = choice.get("inbox", True)
        email = choice.get("email", get_event(name).email)
        if not isinstance(inbox, bool):
            raise ValidationFailed({f"{field}.inbox": _("Choose true or false.")})
        if email not in EmailMode.values:
            raise ValidationFailed({f"{field}.email": _("Choose instant, digest or off.")})
        clean[name] = {"inbox": inbox, "email": email}
    return clean


def update_preferences(
    actor: "Membership",
    *,
    version: int,
    events: dict[str, Any] | None = None,
    quiet_start: datetime.time | None = None,
    quiet_end: datetime.time | None = None,
    digest_hour: int | None = None,
) -> Preferences:
    """Replace the actor's choices. Events not named keep what they had."""
    require(actor, "notification.use")
    clean_events = _clean_events(events or {})
    if (quiet_start is None) != (quiet_end is None):
        field = "quiet_end" if quiet_end is None else "quiet_start"
        raise ValidationFailed({field: _("Give both ends of the quiet hours, or neither.")})
    if quiet_start is not None and quiet_start == quiet_end:
        raise ValidationFailed({"quiet_end": _("Quiet hours must end at another time than they start.")})
    if digest_hour is not None and not 0 <= digest_hour <= 23:
        raise ValidationFailed({"digest_hour": _("Choose an hour from 0 to 23.")})
    with transaction.atomic():
        preferences, _created = Preferences.objects.get_or_create(
            workspace_id=actor.workspace_id, user_id=actor.user_id
        )
        preferences.events = {**preferences.events, **clean_events}
        preferences.quiet_start, preferences.quiet_end = quiet_start, quiet_end
        if digest_hour is not None:
            preferences.digest_hour = digest_hour
        save_versioned(
            preferences, expected_version=version, fields=["events", "quiet_start", "quiet_end", "digest_hour"]
        )
    return preferences


def unsubscribe(token: str) -> tuple[Preferences, str]:
    """Turn off the email of the event a signed link names (all digest emails for a digest's link).
    The link is the credential, so it works without signing in; it only ever turns email off."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise NotFound() from None
    from accounts.models import Membership

    member = Membership.objects.filter(user_id=data["u"], workspace_id=data["w"], removed_at__isnull=True).first()
    if member is None:
        raise NotFound()
    current = preferences_of(member)
    if data["e"] == ALL_DIGEST_EVENTS:
        names = [e.name for e in event_types() if _email_mode(current, e.name) == EmailMode.DIGEST]
    else:
        names = [declared(data["e"], "event")]
    with transaction.atomic():
        preferences, _created = Preferences.objects.select_for_update().get_or_create(
            workspace_id=member.workspace_id, user_id=member.user_id
        )
        for name in names:
            preferences.events[name] = {**preferences.events.get(name, {}), "email": EmailMode.OFF.value}
        save_versioned(preferences, expected_version=preferences.version, fields=["events"])
    return preferences, data["e"]


def _email_mode(preferences: Preferences, name: str) -> str:
    return str(preferences.events.get(name, {}).get("email", get_event(name).email))


# --- Webhooks --------------------------------------------------------------------------------


def _text(value: Any, field: str, limit: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed({field: _("This field is required.")})
    if len(value) > limit:
        raise ValidationFailed({field: _("Ensure this value has at most %(max)s characters.") % {"max": limit}})
    return str(value)


def _clean_webhook(actor: "Membership", changes: dict[str, Any]) -> dict[str, Any]:
    from accounts.models import Team

    clean: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "name":
            clean["name"] = _text(value, "name", NAME_MAX, required=True)
        elif name == "kind":
            if value not in WebhookKind.values:
                raise ValidationFailed({"kind": _("Choose DingTalk, WeCom, Feishu, Slack or a signed webhook.")})
            clean["kind"] = value
        elif name == "url":
            url = _text(value, "url", URL_MAX, required=True)
            try:
                outbound.check_url(url)
            except outbound.Refused as refused:
                raise ValidationFailed({"url": refused.message}) from None
            clean["url"] = url
        elif name == "secret":
            clean["secret"] = _text(value, "secret", SECRET_MAX)
        elif name == "events":
            clean["events"] = sorted({declared(e, "events") for e in value or []})
        elif name == "team_id":
            team = None
            if value is not None:
                team = Team.objects.filter(pk=value, workspace_id=actor.workspace_id).first()
                if team is None:
                    raise ValidationFailed({"team_id": _("Choose a team of this workspace.")})
            clean["team"] = team
        elif name == "language":
            if value not in LANGUAGES:
                raise ValidationFailed({"language": _("Choose a language Cadence speaks.")})
            clean["language"] = value
        elif name == "active":
            clean["active"] = bool(value)
    return clean


def create_webhook(actor: "Membership", *, name: str, kind: str, url: str, **fields: Any) -> WebhookEndpoint:
    require(actor, "webhook.manage")
    clean = _clean_webhook(actor, {"name": name, "kind": kind, "url": url, **fields})
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(workspace_id=actor.workspace_id, created_by=actor.user, **clean)
        record(actor, "created", endpoint, {"name": [None, endpoint.name], "kind": [None, endpoint.kind]})
    return endpoint


def update_webhook(actor: "Membership", endpoint: WebhookEndpoint, *, version: int, **changes: Any) -> WebhookEndpoint:
    require(actor, "webhook.manage")
    clean = _clean_webhook(actor, changes)
    # Chat robots' URLs carry their access token: the activity log, which members read, says that
    # the URL or secret changed, never what it is.
    masked = [name for name in ("url", "secret") if name in clean]
    before = {name: getattr(endpoint, name) for name in clean if name not in ("url", "secret", "team")}
    with transaction.atomic():
        for name, value in clean.items():
            setattr(endpoint, name, value)
        try:
            save_versioned(endpoint, expected_version=version, fields=list(clean))
        except Conflict as conflict:
            if conflict.current:  # the current state goes back to the caller: never the secret
                conflict.current.pop("secret", None)
            raise
        changed = {k: [v, getattr(endpoint, k)] for k, v in before.items() if v != getattr(endpoint, k)}
        changed |= {name: ["•••", "•••"] for name in masked}
        record(actor, "updated", endpoint, changed)
    return endpoint


def delete_webhook(actor: "Membership", endpoint: WebhookEndpoint) -> None:
    require(actor, "webhook.manage")
    soft_delete(actor, endpoint)


def send_test(actor: "Membership", endpoint: WebhookEndpoint) -> Delivery:
    """Queue a test message to the endpoint; the worker sends it like any other."""
    require(actor, "webhook.manage")
    now = timezone.now()
    with transaction.atomic():
        delivery = Delivery.objects.create(
            workspace_id=actor.workspace_id,
            channel=Channel.WEBHOOK,
            key=f"test:{endpoint.pk}:{uuid.uuid4().hex}",
            endpoint=endpoint,
            payload={
                "event": "webhook.test",
                "context": {"actor": str(actor.user)},
                "url": "",
                "actor_id": actor.user_id,
                "target_type": "",
                "target_id": None,
                "occurred_at": now.isoformat(),
            },
        )
        record(actor, "tested", endpoint)
    return delivery


# --- Dead letters ----------------------------------------------------------------------------


def retry_delivery(actor: "Membership", delivery: Delivery) -> Delivery:
    """Send a failed delivery again, from the first attempt."""
    require(actor, "delivery.manage")
    if delivery.status != DeliveryStatus.DEAD:
        raise ValidationFailed({"status": _("Only a failed delivery can be retried.")})
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.DEAD).update(
            status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
        )
        record(actor, "delivery_retried", actor.workspace, {"delivery": [None, delivery.key]})
    delivery.refresh_from_db()
    return delivery


# --- Reminder settings -----------------------------------------------------------------------

REMINDER_LIMITS = {
    "due_soon_days": (0, 30, gettext_lazy("Choose from 0 to 30 days.")),
    "escalate_after_days": (1, 60, gettext_lazy("Choose from 1 to 60 days.")),
    "checkin_weekday": (0, 6, gettext_lazy("Choose a day from Monday (0) to Sunday (6).")),
    "checkin_hour": (0, 23, gettext_lazy("Choose an hour from 0 to 23.")),
}


def update_reminder_settings(actor: "Membership", *, version: int, **changes: Any) -> ReminderSettings:
    require(actor, "reminder.manage")
    clean: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "time_zone":
            clean[name] = value  # checked below, against the stored zone
        elif name in REMINDER_LIMITS:
            low, high, message = REMINDER_LIMITS[name]
            if not isinstance(value, int) or not low <= value <= high:
                raise ValidationFailed({name: str(message)})
            clean[name] = value
    with transaction.atomic():
        current, _created = ReminderSettings.objects.get_or_create(workspace_id=actor.workspace_id)
        # The settings' list: a listed zone, or the one already stored.
        if "time_zone" in clean and not dates.is_offered_zone(clean["time_zone"], current.time_zone):
            raise ValidationFailed({"time_zone": _("Choose a time zone such as Asia/Shanghai.")})
        before = {name: getattr(current, name) for name in clean}
        for name, value in clean.items():
            setattr(current, name, value)
        save_versioned(current, expected_version=version, fields=list(clean))
        record(
            actor, "reminders_changed", actor.workspace, {k: [v, clean[k]] for k, v in before.items() if v != clean[k]}
        )
    return current
