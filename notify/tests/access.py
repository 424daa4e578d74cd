"""Every notification operation: each person of the workspace (guests too) reads and marks their
own inbox and sets their own preferences; webhooks, deliveries and reminder settings are for owners
and admins. Another person's notification is not found (notify/tests/test_api.py)."""

from typing import Any

from notify.models import Preferences, ReminderSettings
from tests.matrix import Case, in_workspace, staff_only

W = "/workspaces/{workspace}"
NOTIFICATION = W + "/notifications/{notification_id}"
WEBHOOK = W + "/webhooks/{webhook_id}"
# A public address written as a literal is checked without DNS (there is no network in tests);
# nothing is ever sent to it here.
PUBLIC_URL = "https://93.184.215.14/hook"


def own_notification(w: Any, r: str) -> dict[str, Any]:
    """The caller's own notification; callers outside acme have none there and try alice's."""
    notifications = w.extra["notifications"]
    return {"notification_id": notifications.get(r, notifications["owner"]).pk}


def foreign_notification(w: Any) -> dict[str, Any]:
    return {"notification_id": w.extra["other_notification"].pk}


def webhook(w: Any, r: str) -> dict[str, Any]:
    return {"webhook_id": w.extra["webhook"].pk}


def foreign_webhook(w: Any) -> dict[str, Any]:
    return {"webhook_id": w.extra["other_webhook"].pk}


def foreign_team(w: Any) -> dict[str, Any]:
    return {"team_id": w.other_team.pk}


def preferences_version(w: Any, r: str) -> int:
    user = w.users.get(r, w.users["owner"])
    found = Preferences.objects.filter(workspace=w.acme, user=user).first()
    return found.version if found else 1


def reminders_version(w: Any) -> int:
    found = ReminderSettings.objects.filter(workspace=w.acme).first()
    return found.version if found else 1


CASES = [
    Case("GET", W + "/notifications", in_workspace(200)),
    Case("GET", W + "/notifications/unread-count", in_workspace(200)),
    Case("POST", NOTIFICATION + "/read", in_workspace(200), params=own_notification, foreign=foreign_notification),
    Case("POST", NOTIFICATION + "/unread", in_workspace(200), params=own_notification, foreign=foreign_notification),
    Case("POST", W + "/notifications/read-all", in_workspace(200), body=lambda w, r: {"event": "checkin.weekly"}),
    Case("GET", W + "/notification-preferences", in_workspace(200)),
    Case(
        "PUT",
        W + "/notification-preferences",
        in_workspace(200),
        body=lambda w, r: {
            "version": preferences_version(w, r),
            "events": {"comment.added": {"inbox": True, "email": "off"}},
            "quiet_start": "22:00",
            "quiet_end": "08:00",
            "digest_hour": 8,
        },
    ),
    Case("GET", W + "/webhooks", staff_only(200)),
    Case(
        "POST",
        W + "/webhooks",
        staff_only(201),
        body=lambda w, r: {
            "name": "Release chat",
            "kind": "feishu",
            "url": PUBLIC_URL,
            "secret": "signing-secret",
            "events": ["work_item.assigned"],
            "team_id": w.team.pk,
            "language": "en",
        },
        foreign_body=foreign_team,
    ),
    Case("GET", WEBHOOK, staff_only(200), params=webhook, foreign=foreign_webhook),
    Case(
        "PATCH",
        WEBHOOK,
        staff_only(200),
        params=webhook,
        body=lambda w, r: {"version": w.extra["webhook"].version, "name": "Product group", "active": False},
        foreign=foreign_webhook,
        foreign_body=foreign_team,
    ),
    Case("DELETE", WEBHOOK, staff_only(204), params=webhook, foreign=foreign_webhook),
    Case("POST", WEBHOOK + "/test", staff_only(202), params=webhook, foreign=foreign_webhook),
    Case("GET", W + "/deliveries", staff_only(200)),
    Case(
        "POST",
        W + "/deliveries/{delivery_id}/retry",
        staff_only(200),
        params=lambda w, r: {"delivery_id": w.extra["dead_delivery"].pk},
        foreign=lambda w: {"delivery_id": w.extra["other_dead_delivery"].pk},
    ),
    Case("GET", W + "/reminder-settings", staff_only(200)),
    Case(
        "PUT",
        W + "/reminder-settings",
        staff_only(200),
        body=lambda w, r: {
            "version": reminders_version(w),
            "due_soon_days": 2,
            "escalate_after_days": 5,
            "checkin_weekday": 4,
            "checkin_hour": 16,
            "time_zone": "Asia/Shanghai",
        },
    ),
]
