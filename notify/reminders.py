"""Supervision (督促): nobody chases an owner by hand. A scan finds open work items due soon,
overdue, and overdue long enough to go to the owner's department head, and tells each once per due
date. Candidates come from the item_due index (workspace, category, due_date), window by window,
so the cost follows what is due, not how many items exist."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import Department, Membership, Workspace
from notify.events import emit
from notify.models import Notification, ReminderSettings
from projects.models import Category, ProjectStatus, WorkItem

OPEN = [Category.TODO, Category.IN_PROGRESS]
LIVE_PROJECTS = [ProjectStatus.PLANNING, ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD]
# An overdue notice or escalation missed while no worker ran is still sent this many days late.
CATCH_UP_DAYS = 7
CHUNK = 500


def reminder_settings(workspace_id: int) -> ReminderSettings:
    found = ReminderSettings.objects.filter(workspace_id=workspace_id).first()
    return found or ReminderSettings(workspace_id=workspace_id)


@dataclass
class ScanResult:
    found: dict[str, int] = field(default_factory=lambda: {"due_soon": 0, "overdue": 0, "escalated": 0})
    told: int = 0


def due_between(workspace_id: int, first: datetime.date, last: datetime.date) -> QuerySet[WorkItem, int]:
    """The ids of open items of live projects due between `first` and `last`: one range of the
    item_due index. Unordered on purpose: with ORDER BY id (and a LIMIT) the planner walks the
    workspace's items in id order instead, every item the workspace has."""
    return (
        WorkItem.objects.filter(workspace_id=workspace_id, category__in=OPEN, due_date__range=(first, last))
        .filter(project__status__in=LIVE_PROJECTS, project__deleted_at__isnull=True)
        .order_by()
        .values_list("pk", flat=True)
    )


def candidates(workspace_id: int, first: datetime.date, last: datetime.date) -> Iterator[list[WorkItem]]:
    """The items of `due_between`, in chunks in id order, each read by primary key."""
    ids = sorted(due_between(workspace_id, first, last))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        yield list(
            WorkItem.objects.filter(pk__in=chunk, category__in=OPEN)  # still open when its chunk is read
            .select_related("project", "owner", "workspace")
            .order_by("pk")
        )


def _told(pairs: set[tuple[int, str]]) -> set[tuple[int, str]]:
    """The (recipient, key) pairs already told, each looked up in the index on (recipient, dedupe_key):
    the key alone has no index, and a lookup by key would read every notification ever sent."""
    if not pairs:
        return set()
    match = Q(*(Q(recipient_id=r, dedupe_key=k) for r, k in pairs), _connector=Q.OR)
    return {(r, str(k)) for r, k in Notification.objects.filter(match).values_list("recipient_id", "dedupe_key")}


class _Heads:
    """Who hears an escalation: the head of the owner's department, or of the next department up
    if the owner heads it (or it has no head). A workspace's departments are read once per scan,
    when the first escalation is found; its owners' departments once per chunk."""

    def __init__(self, workspace_id: int) -> None:
        self.workspace_id = workspace_id
        self.departments: dict[int, tuple[int | None, int | None]] | None = None  # id: (parent, head)
        self.department_of: dict[int, int | None] = {}

    def load(self, owner_ids: set[int]) -> None:
        if self.departments is None:
            rows = Department.all_objects.filter(workspace_id=self.workspace_id).values_list(
                "pk", "parent_id", "head_id", "deleted_at"
            )
            self.departments = {pk: (parent, None if deleted else head) for pk, parent, head, deleted in rows}
        wanted = owner_ids - self.department_of.keys()
        if wanted:
            self.department_of |= dict.fromkeys(wanted)
            self.department_of |= dict(
                Membership.objects.filter(workspace_id=self.workspace_id, user_id__in=wanted, removed_at__isnull=True)
                .order_by()
                .values_list("user_id", "department_id")
            )

    def of(self, owner_id: int) -> list[int]:
        """The owner's heads, of owners passed to `load`."""
        departments = self.departments or {}
        department, seen = self.department_of.get(owner_id), set()
        while department is not None and department in departments and department not in seen:
            seen.add(department)
            parent, head = departments[department]
            if head and head != owner_id:
                return [head]
            department = parent
        return []


def scan_due_dates(now: datetime.datetime | None = None) -> ScanResult:
    now = now or timezone.now()
    result = ScanResult()
    for workspace_id in Workspace.objects.values_list("pk", flat=True):
        settings = reminder_settings(workspace_id)
        today = now.astimezone(ZoneInfo(settings.time_zone)).date()
        days = datetime.timedelta
        escalate = settings.escalate_after_days
        windows = [
            ("due_soon", today, today + days(settings.due_soon_days)),
            ("overdue", today - days(CATCH_UP_DAYS), today - days(1)),
            ("escalated", today - days(escalate + CATCH_UP_DAYS), today - days(escalate)),
        ]
        heads = _Heads(workspace_id)
        for kind, first, last in windows:
            for chunk in candidates(workspace_id, first, last):
                result.found[kind] += len(chunk)
                if kind == "escalated":
                    heads.load({item.owner_id for item in chunk})
                wanted = {
                    item.pk: (
                        f"{kind}:{item.pk}:{item.due_date}",
                        heads.of(item.owner_id) if kind == "escalated" else [item.owner_id],
                    )
                    for item in chunk
                }
                told = _told({(r, key) for key, recipients in wanted.values() for r in recipients})
                for item in chunk:
                    key, recipients = wanted[item.pk]
                    if all((r, key) in told for r in recipients):  # told already, or nobody to tell
                        continue
                    context: dict[str, Any] = {"due": str(item.due_date)}  # ISO, as in the key
                    if kind == "escalated":
                        context |= {"heads": recipients, "owner": str(item.owner)}
                    result.told += len(emit(f"work_item.{kind}", actor=None, target=item, context=context, dedupe=key))
    return result


def weekly_checkins(now: datetime.datetime | None = None) -> int:
    """On each workspace's check-in day, from its check-in hour, ask everyone who owns open work
    to bring it up to date; once per week."""
    now = now or timezone.now()
    told = 0
    for workspace in Workspace.objects.all():
        settings = reminder_settings(workspace.pk)
        local = now.astimezone(ZoneInfo(settings.time_zone))
        if local.weekday() != settings.checkin_weekday or local.hour < settings.checkin_hour:
            continue
        year, week, _ = local.isocalendar()
        owners = (
            WorkItem.objects.filter(workspace=workspace, category__in=OPEN, owner__isnull=False)
            .filter(project__status__in=LIVE_PROJECTS, project__deleted_at__isnull=True)
            .values("owner_id")
            .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=local.date())))
            .order_by("owner_id")
        )
        url = reverse("projects:my_work", args=[workspace.slug])
        for row in owners:
            context = {"people": [row["owner_id"]], "open": row["open"], "overdue": row["overdue"]}
            told += len(
                emit(
                    "checkin.weekly",
                    actor=None,
                    target=None,
                    workspace_id=workspace.pk,
                    context=context,
                    dedupe=f"checkin:{workspace.pk}:{year}-W{week:02d}",
                    url=url,
                )
            )
    return told
