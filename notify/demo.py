"""Demo notifications: the services of the other demo modules have already told people about
assignments, mentions, comments and status changes; here the reminder scan adds due-soon, overdue
and escalation notices, and each person has read all but their few newest."""

from typing import Any

from django.utils import timezone

from notify.models import Notification
from notify.reminders import scan_due_dates

UNREAD = 5


def build(context: dict[str, Any]) -> None:
    workspace = context["workspace"]
    scan_due_dates()
    for user in context["users"].values():
        mine = Notification.objects.filter(workspace=workspace, recipient=user).order_by("-created_at", "-id")
        older = list(mine.values_list("pk", flat=True)[UNREAD:])
        Notification.objects.filter(pk__in=older).update(read_at=timezone.now())
