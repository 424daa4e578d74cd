"""What the worker runs for goals: the weekly check-in reminder (每周进展更新提醒)."""

import datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Workspace
from core.jobs import periodic
from core.permissions import Role
from goals.models import CycleStatus, KeyResult
from notify.events import emit
from notify.models import Notification
from notify.reminders import reminder_settings

EVENT = "key_result.check_in_due"
# A key result checked in this recently needs no reminder.
FRESH = datetime.timedelta(days=7)


def check_in_reminders(now: datetime.datetime | None = None) -> int:
    """On each workspace's check-in day (notify's reminder settings: day, hour and time zone), from
    its check-in hour, tell each owner of key results of the active cycle that have had no check-in
    in the last 7 days how many there are: once per ISO week (the dedupe key names the week).
    Returns how many were told."""
    now = now or timezone.now()
    told = 0
    for workspace in Workspace.objects.all().only("pk", "slug"):
        settings = reminder_settings(workspace.pk)
        local = now.astimezone(ZoneInfo(settings.time_zone))
        if local.weekday() != settings.checkin_weekday or local.hour < settings.checkin_hour:
            continue
        year, week, _day = local.isocalendar()
        dedupe = f"okr-checkin:{workspace.pk}:{year}-W{week:02d}"
        members = Membership.objects.filter(workspace_id=workspace.pk, removed_at__isnull=True).exclude(role=Role.GUEST)
        stale = Q(last_check_in_at__isnull=True) | Q(last_check_in_at__lt=now - FRESH)
        owners = (
            KeyResult.objects.filter(
                stale,
                workspace_id=workspace.pk,
                objective__deleted_at__isnull=True,
                objective__cycle__status=CycleStatus.ACTIVE,
                objective__cycle__deleted_at__isnull=True,
                owner_id__in=members.values("user_id"),
            )
            .values("owner_id")
            .annotate(count=Count("pk"))
            .order_by("owner_id")
        )
        rows = {row["owner_id"]: row["count"] for row in owners}
        if not rows:
            continue
        already = set(
            Notification.objects.filter(recipient_id__in=list(rows), dedupe_key=dedupe).values_list(
                "recipient_id", flat=True
            )
        )
        url = reverse("goals:tree", args=[workspace.slug])
        for owner_id, count in rows.items():
            if owner_id in already:
                continue
            context = {"people": [owner_id], "count": count}
            told += len(
                emit(EVENT, actor=None, target=None, workspace_id=workspace.pk, context=context, dedupe=dedupe, url=url)
            )
    return told


@periodic("goals.check_in_reminders", datetime.timedelta(minutes=15))
def _check_in_reminders() -> None:
    check_in_reminders()
