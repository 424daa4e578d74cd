"""Supervision (督促): nobody chases an owner by hand. A scan finds open work items due soon,
overdue, and overdue long enough to go to the owner's department head, and tells each once per due
date. Candidates come from the item_due index (workspace, category, due_date), window by window,
so the cost follows what is due, not how many items exist."""

import datetime
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import BooleanField, Count, Q, QuerySet
from django.db.models.expressions import RawSQL
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
CHUNK = 500  # items checked at a time; also the most pairs told_lookup ORs (SQLite: expression depth 1000)


def reminder_settings(workspace_id: int) -> ReminderSettings:
    found = ReminderSettings.objects.filter(workspace_id=workspace_id).first()
    return found or ReminderSettings(workspace_id=workspace_id)


@dataclass
class ScanResult:
    found: dict[str, int] = field(default_factory=lambda: {"due_soon": 0, "overdue": 0, "escalated": 0})
    told: int = 0


def due_between(
    workspace_id: int, first: datetime.date, last: datetime.date
) -> QuerySet[WorkItem, tuple[int, int, datetime.date]]:
    """(id, owner, due date) of the open items of live projects due between `first` and `last`:
    one range of the item_due index. Unordered on purpose: with ORDER BY id (and a LIMIT) the
    planner walks the workspace's items in id order instead, every item the workspace has."""
    return (
        WorkItem.objects.filter(workspace_id=workspace_id, category__in=OPEN, due_date__range=(first, last))
        .filter(project__status__in=LIVE_PROJECTS, project__deleted_at__isnull=True)
        .order_by()
        .values_list("pk", "owner_id", "due_date")
    )


def _items(ids: list[int]) -> list[WorkItem]:
    """The items to tell, whole, by primary key (still open when read)."""
    if not ids:
        return []
    return list(
        WorkItem.objects.filter(pk__in=ids, category__in=OPEN)
        .select_related("project", "owner", "workspace")
        .order_by("pk")
    )


def told_lookup(pairs: set[tuple[int, str]]) -> QuerySet[Notification, tuple[int, str | None]]:
    """Which of these (recipient, key) pairs were told, each found in the index on (recipient,
    dedupe_key): the key alone has no index, and a lookup by key would read every notification ever
    sent. The OR of pairs is written out: the same SQL as Q objects, without the 30 ms Django takes
    to compile 500 of them, for every chunk of every scan."""
    if not pairs:
        return Notification.objects.none().values_list("recipient_id", "dedupe_key")
    quote = connection.ops.quote_name
    recipient, key = quote(Notification._meta.get_field("recipient").column), quote("dedupe_key")
    match = " OR ".join([f"({recipient} = %s AND {key} = %s)"] * len(pairs))
    params = [value for pair in sorted(pairs) for value in pair]
    written_out = RawSQL(match, params, output_field=BooleanField())  # noqa: S611 (values are parameters)
    return Notification.objects.filter(written_out).values_list("recipient_id", "dedupe_key")


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


def windows(settings: ReminderSettings, today: datetime.date) -> list[tuple[str, datetime.date, datetime.date]]:
    """Each kind of reminder with the first and last due dates it looks at, `today` being the
    workspace's date in its reminder time zone."""
    days = datetime.timedelta
    escalate = settings.escalate_after_days
    return [
        ("due_soon", today, today + days(settings.due_soon_days)),
        ("overdue", today - days(CATCH_UP_DAYS), today - days(1)),
        ("escalated", today - days(escalate + CATCH_UP_DAYS), today - days(escalate)),
    ]


def scan_due_dates(now: datetime.datetime | None = None) -> ScanResult:
    now = now or timezone.now()
    result = ScanResult()
    for workspace_id in Workspace.objects.values_list("pk", flat=True):
        settings = reminder_settings(workspace_id)
        today = now.astimezone(ZoneInfo(settings.time_zone)).date()
        heads = _Heads(workspace_id)
        for kind, first, last in windows(settings, today):
            rows = sorted(due_between(workspace_id, first, last))
            result.found[kind] += len(rows)
            for start in range(0, len(rows), CHUNK):
                result.told += _tell(kind, rows[start : start + CHUNK], heads)
    return result


def _tell(kind: str, chunk: list[tuple[int, int, datetime.date]], heads: _Heads) -> int:
    """Tell who has not been told about these (item, owner, due date) rows. Who has is known from
    the rows and the notifications' index: a scan that tells nobody (every 15 minutes) builds no item."""
    if kind == "escalated":
        heads.load({owner for _, owner, _ in chunk})
    wanted = {
        pk: (f"{kind}:{pk}:{due}", heads.of(owner) if kind == "escalated" else [owner], due) for pk, owner, due in chunk
    }
    told = set(told_lookup({(r, key) for key, recipients, _ in wanted.values() for r in recipients}))
    # Told already, or nobody to tell (no head: all() of nothing is true): the item is not read.
    untold = [pk for pk, (key, people, _) in wanted.items() if not all((r, key) in told for r in people)]
    count = 0
    for item in _items(untold):
        key, recipients, due = wanted[item.pk]
        context: dict[str, Any] = {"due": str(due)}  # ISO, as in the key
        if kind == "escalated":
            context |= {"heads": recipients, "owner": str(item.owner)}
        count += len(emit(f"work_item.{kind}", actor=None, target=item, context=context, dedupe=key))
    return count


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
        week_key = f"{year}-W{week:02d}"
        if settings.checkin_week == week_key:
            continue  # this week's went out: no need to count every open item again
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
                    dedupe=f"checkin:{workspace.pk}:{week_key}",
                    url=url,
                )
            )
        ReminderSettings.objects.update_or_create(workspace=workspace, defaults={"checkin_week": week_key})
    return told
