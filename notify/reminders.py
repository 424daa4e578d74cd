"""Supervision (督促): nobody chases an owner by hand. A scan finds the open objects of every type
that declares a deadline (core.registry.Deadline: owner, due date, what counts as open) due soon,
overdue, and overdue long enough to go to the owner's department head, and tells each once per due
date. Candidates come from each type's declared index (workspace, ..., due date), one range of it
for the scan's windows, so the cost follows what is due, not how many objects exist."""

import datetime
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import BooleanField, Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.models import Department, Membership, Workspace
from core.registry import Deadline, ObjectType, deadline_types, get_type
from notify.events import emit
from notify.models import Notification, ReminderSettings

# An overdue notice or escalation missed while no worker ran is still sent this many days late.
CATCH_UP_DAYS = 7
CHUNK = 500  # objects checked at a time; also the most pairs told_lookup ORs (SQLite: expression depth 1000)
KINDS = ("due_soon", "overdue", "escalated")

Row = tuple[int, int, datetime.date]  # an object's id, its owner's and its due date


def reminder_settings(workspace_id: int) -> ReminderSettings:
    found = ReminderSettings.objects.filter(workspace_id=workspace_id).first()
    return found or ReminderSettings(workspace_id=workspace_id)


@dataclass
class ScanResult:
    """What one scan found in each window, over every type, and how many people it told."""

    found: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    told: int = 0


def _deadline(object_type: ObjectType) -> Deadline:
    assert object_type.deadline is not None, f"{object_type.name} declares no deadline"
    return object_type.deadline


def due_between(
    workspace_id: int, first: datetime.date, last: datetime.date, type_name: str = "work_item"
) -> QuerySet[Any, Row]:
    """(id, owner, due date) of the type's open objects due between `first` and `last`: one range
    of its declared index. Unordered on purpose: with ORDER BY id (and a LIMIT) the planner walks
    the workspace's objects in id order instead, every object the workspace has. Of work items
    unless `type_name` names another type that declares a deadline."""
    object_type = get_type(type_name)
    deadline = _deadline(object_type)
    due = deadline.due
    return (
        object_type.model._default_manager.filter(workspace_id=workspace_id, **{f"{due}__range": (first, last)})
        .filter(deadline.open)
        .order_by()
        .values_list("pk", deadline.owner, due)
    )


def _objects(object_type: ObjectType, ids: list[int]) -> list[Any]:
    """The objects to tell, whole, by primary key (still open when read)."""
    if not ids:
        return []
    deadline = _deadline(object_type)
    return list(
        object_type.model._default_manager.filter(deadline.open, pk__in=ids)
        .select_related(deadline.owner, "workspace", *deadline.read_with)
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


def _ranges(spans: list[tuple[str, datetime.date, datetime.date]]) -> list[tuple[datetime.date, datetime.date]]:
    """The windows' dates as few ranges as they allow: one, unless escalation waits so long that a
    gap opens between the overdue and escalation windows (more than CATCH_UP_DAYS + 1 days)."""
    merged: list[tuple[datetime.date, datetime.date]] = []
    for _, first, last in sorted(spans, key=lambda span: span[1]):
        if merged and first <= merged[-1][1] + datetime.timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def scan_due_dates(now: datetime.datetime | None = None) -> ScanResult:
    now = now or timezone.now()
    result = ScanResult()
    types = deadline_types()
    for workspace_id in Workspace.objects.values_list("pk", flat=True):
        settings = reminder_settings(workspace_id)
        spans = windows(settings, today=now.astimezone(ZoneInfo(settings.time_zone)).date())
        heads = _Heads(workspace_id)
        for object_type in types:
            # One read of the index per range, not per window: an object overdue for days is in
            # the overdue and escalation windows both.
            rows = sorted(
                row
                for first, last in _ranges(spans)
                for row in due_between(workspace_id, first, last, object_type.name)
            )
            for kind, first, last in spans:
                due = [row for row in rows if first <= row[2] <= last]
                result.found[kind] += len(due)
                for start in range(0, len(due), CHUNK):
                    result.told += _tell(object_type, kind, due[start : start + CHUNK], heads)
    return result


def _scope(object_type: ObjectType) -> str:
    scope = _deadline(object_type).key_scope
    return f"{object_type.name}:" if scope is None else scope


def _key(object_type: ObjectType, kind: str, pk: int, due: datetime.date) -> str:
    return f"{kind}:{_scope(object_type)}{pk}:{due}"


def _tell(object_type: ObjectType, kind: str, chunk: list[Row], heads: _Heads) -> int:
    """Tell who has not been told about these (object, owner, due date) rows. Who has is known from
    the rows and the notifications' index: a scan that tells nobody (every 15 minutes) builds no object."""
    if kind == "escalated":
        heads.load({owner for _, owner, _ in chunk})
    wanted = {
        pk: (_key(object_type, kind, pk, due), heads.of(owner) if kind == "escalated" else [owner], due)
        for pk, owner, due in chunk
    }
    told = set(told_lookup({(r, key) for key, recipients, _ in wanted.values() for r in recipients}))
    # Told already, or nobody to tell (no head: all() of nothing is true): the object is not read.
    untold = [pk for pk, (key, people, _) in wanted.items() if not all((r, key) in told for r in people)]
    count = 0
    for obj in _objects(object_type, untold):
        key, recipients, due = wanted[obj.pk]
        context: dict[str, Any] = {"due": str(due)}  # ISO, as in the key
        if kind == "escalated":
            context |= {"heads": recipients, "owner": str(getattr(obj, _deadline(object_type).owner))}
        count += len(emit(f"{object_type.name}.{kind}", actor=None, target=obj, context=context, dedupe=key))
    return count


def weekly_checkins(now: datetime.datetime | None = None) -> int:
    """On each workspace's check-in day, from its check-in hour, ask everyone who owns open objects
    of the types that have a weekly check-in (work items) to bring them up to date; once per week."""
    now = now or timezone.now()
    told = 0
    types = [t for t in deadline_types() if _deadline(t).checkin_url]
    for workspace in Workspace.objects.all():
        settings = reminder_settings(workspace.pk)
        local = now.astimezone(ZoneInfo(settings.time_zone))
        if local.weekday() != settings.checkin_weekday or local.hour < settings.checkin_hour:
            continue
        year, week, _ = local.isocalendar()
        week_key = f"{year}-W{week:02d}"
        if settings.checkin_week == week_key:
            continue  # this week's went out: no need to count every open object again
        for object_type in types:
            told += _check_in(object_type, workspace, local.date(), week_key)
        ReminderSettings.objects.update_or_create(workspace=workspace, defaults={"checkin_week": week_key})
    return told


def _check_in(object_type: ObjectType, workspace: Workspace, today: datetime.date, week_key: str) -> int:
    deadline = _deadline(object_type)
    assert deadline.checkin_url is not None
    owner = deadline.owner
    owners = (
        object_type.model._default_manager.filter(deadline.open, workspace=workspace, **{f"{owner}__isnull": False})
        .values(owner)
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(**{f"{deadline.due}__lt": today})))
        .order_by(owner)
    )
    scope = _scope(object_type)
    url = deadline.checkin_url(workspace)
    told = 0
    for row in owners:
        context = {"people": [row[owner]], "open": row["open"], "overdue": row["overdue"]}
        told += len(
            emit(
                "checkin.weekly",
                actor=None,
                target=None,
                workspace_id=workspace.pk,
                context=context,
                dedupe=f"checkin:{scope}{workspace.pk}:{week_key}",
                url=url,
            )
        )
    return told
