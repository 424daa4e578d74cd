"""Writes to sprints: create, edit, start, close with carry-over, delete; capacity; the
retrospective board. Each checks the project level first (Scrum teams plan together: Level.WORK),
validates nested ids against the sprint's project, writes in a transaction and records the activity."""

import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.activity import diff, record, snapshot
from core.errors import ValidationFailed
from core.services import soft_delete
from core.versioning import save_versioned
from projects.access import Level, require_level
from projects.models import Category, Project, WorkItem
from projects.queries import workers_of
from sprints import charts
from sprints.models import RetroColumn, RetroNote, Sprint, SprintCapacity, SprintStatus

if TYPE_CHECKING:
    from accounts.models import Membership

SPRINT_FIELDS = ("name", "goal", "start_date", "end_date")
NEXT_SPRINT_DAYS = 14
MAX_SPRINT_DAYS = 366
EARLIEST, LATEST = datetime.date(2000, 1, 1), datetime.date(2999, 12, 31)


def _error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed({field: message})


def _name(value: str | None) -> str:
    value = (value or "").strip()
    if not value:
        raise _error("name", _("This field is required."))
    if len(value) > 100:
        raise _error("name", _("Ensure this value has at most %(n)s characters.") % {"n": 100})
    return value


def _check_dates(start: datetime.date | None, end: datetime.date | None) -> None:
    if start is None:
        raise _error("start_date", _("This field is required."))
    if end is None:
        raise _error("end_date", _("This field is required."))
    for field, value in (("start_date", start), ("end_date", end)):
        if not EARLIEST <= value <= LATEST:
            raise _error(field, _("Choose a date between %(low)s and %(high)s.") % {"low": EARLIEST, "high": LATEST})
    if end < start:
        raise _error("end_date", _("Must not be before the start date."))
    if (end - start).days >= MAX_SPRINT_DAYS:
        raise _error("end_date", _("A sprint lasts at most a year."))


def _decimal(field: str, value: Any, low: Decimal, high: Decimal, places: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise _error(field, _("Enter a number.")) from None
    if not number.is_finite() or not low <= number <= high:
        raise _error(field, _("Must be between %(low)s and %(high)s.") % {"low": low, "high": high})
    return number.quantize(Decimal(places))


# --- Sprints -------------------------------------------------------------------------------------


def create_sprint(
    actor: "Membership",
    project: Project,
    *,
    name: str,
    start_date: datetime.date,
    end_date: datetime.date,
    goal: str = "",
) -> Sprint:
    require_level(actor, project, Level.WORK)
    name = _name(name)
    _check_dates(start_date, end_date)
    with transaction.atomic():
        sprint = Sprint.objects.create(
            workspace_id=project.workspace_id,
            project=project,
            name=name,
            goal=(goal or "").strip(),
            start_date=start_date,
            end_date=end_date,
        )
        record(actor, "created", sprint, snapshot(sprint, ["name", "start_date", "end_date"]))
    sprint.project = project
    return sprint


def update_sprint(actor: "Membership", sprint: Sprint, *, version: int, **changes: Any) -> Sprint:
    require_level(actor, sprint.project, Level.WORK)
    unknown = set(changes) - set(SPRINT_FIELDS)
    if unknown:
        raise ValidationFailed({f: _("This field is not allowed here.") for f in unknown})
    if "name" in changes:
        changes["name"] = _name(changes["name"])
    if "goal" in changes:
        changes["goal"] = (changes["goal"] or "").strip()
    if sprint.status == SprintStatus.CLOSED and {"start_date", "end_date"} & set(changes):
        raise _error("status", _("The dates of a closed sprint are history: they cannot change."))
    _check_dates(changes.get("start_date", sprint.start_date), changes.get("end_date", sprint.end_date))
    fields = list(changes)
    before = snapshot(sprint, fields)
    with transaction.atomic():
        for name, value in changes.items():
            setattr(sprint, name, value)
        save_versioned(sprint, expected_version=version, fields=fields)
        record(actor, "updated", sprint, diff(before, snapshot(sprint, fields)))
    return sprint


def delete_sprint(actor: "Membership", sprint: Sprint) -> None:
    """To the trash; an active sprint must be closed first. Its items stay linked, for a restore."""
    require_level(actor, sprint.project, Level.WORK)
    if sprint.status == SprintStatus.ACTIVE:
        raise _error("status", _("Close the active sprint before deleting it."))
    soft_delete(actor, sprint)


def start_sprint(actor: "Membership", sprint: Sprint) -> Sprint:
    """Only one sprint of a project is active at a time."""
    require_level(actor, sprint.project, Level.WORK)
    if sprint.status != SprintStatus.PLANNED:
        raise _error("status", _("Only a planned sprint can start."))
    active = Sprint.objects.filter(project_id=sprint.project_id, status=SprintStatus.ACTIVE).first()
    if active is not None:
        raise _error(
            "status", _("“%(name)s” is already active: close it before starting another sprint.") % {"name": active}
        )
    try:
        with transaction.atomic():
            sprint.status = SprintStatus.ACTIVE
            save_versioned(sprint, expected_version=sprint.version, fields=["status"])
            record(actor, "started", sprint, {"status": [SprintStatus.PLANNED, SprintStatus.ACTIVE]})
    except IntegrityError:  # someone started another sprint at the same moment
        sprint.status = SprintStatus.PLANNED
        raise _error("status", _("Another sprint of this project is already active.")) from None
    return sprint


def _carry_over_target(sprint: Sprint, target_id: int | None) -> Sprint | None:
    if target_id is None:
        return None
    target = Sprint.objects.filter(project_id=sprint.project_id, pk=target_id).first()
    if target is None or target.pk == sprint.pk:
        raise _error("carry_over_to", _("Choose another sprint of this project."))
    if target.status != SprintStatus.PLANNED:
        raise _error("carry_over_to", _("Choose a planned sprint."))
    return target


def _done_on(item: WorkItem) -> datetime.date | None:
    if item.category != Category.DONE or item.done_at is None:
        return None
    return timezone.localdate(item.done_at)


def build_report(sprint: Sprint, items: list[WorkItem], *, today: datetime.date) -> dict[str, Any]:
    """What a closed sprint keeps: the chart series and the keys of what was done and not done."""
    done = [i for i in items if i.category == Category.DONE]
    not_done = [i for i in items if i.category != Category.DONE]
    points = [charts.Done(i.points, _done_on(i)) for i in items]
    return {
        **charts.series(sprint.start_date, sprint.end_date, points, today=today),
        "done": [i.key for i in done],
        "not_done": [i.key for i in not_done],
    }


def close_sprint(
    actor: "Membership", sprint: Sprint, *, carry_over_to: int | None = None, today: datetime.date | None = None
) -> tuple[Sprint, Sprint | None, list[str]]:
    """Close the active sprint in one transaction: unfinished items move to the chosen planned
    sprint (or to a new one over the next two weeks), the report is frozen, committed and
    completed points are set, and the carry-over is recorded. Returns (sprint, target, moved keys)."""
    require_level(actor, sprint.project, Level.WORK)
    if sprint.status != SprintStatus.ACTIVE:
        raise _error("status", _("Only the active sprint can be closed."))
    target = _carry_over_target(sprint, carry_over_to)
    today = today or timezone.localdate()
    with transaction.atomic():
        items = list(WorkItem.objects.filter(sprint=sprint).select_related("project").order_by("number"))
        unfinished = [i for i in items if i.category != Category.DONE]
        report = build_report(sprint, items, today=min(today, sprint.end_date))
        sprint.status = SprintStatus.CLOSED
        sprint.closed_at = timezone.now()
        sprint.committed_points = sum((i.points or Decimal(0) for i in items), Decimal(0))
        sprint.completed_points = sum(
            (i.points or Decimal(0) for i in items if i.category == Category.DONE), Decimal(0)
        )
        sprint.report = report
        fields = ["status", "closed_at", "committed_points", "completed_points", "report"]
        save_versioned(sprint, expected_version=sprint.version, fields=fields)
        if unfinished and target is None:
            start = max(today, sprint.end_date) + datetime.timedelta(days=1)
            target = Sprint.objects.create(
                workspace_id=sprint.workspace_id,
                project_id=sprint.project_id,
                name=_("%(name)s (carry-over)") % {"name": sprint.name[:80]},
                goal="",
                start_date=start,
                end_date=start + datetime.timedelta(days=NEXT_SPRINT_DAYS - 1),
            )
            record(actor, "created", target, snapshot(target, ["name", "start_date", "end_date"]))
        keys = [i.key for i in unfinished]
        if unfinished and target is not None:
            WorkItem.objects.filter(pk__in=[i.pk for i in unfinished]).update(
                sprint=target, version=F("version") + 1, updated_at=timezone.now()
            )
        changes: dict[str, Any] = {
            "status": [SprintStatus.ACTIVE, SprintStatus.CLOSED],
            "committed_points": [None, str(sprint.committed_points)],
            "completed_points": [None, str(sprint.completed_points)],
        }
        if keys and target is not None:
            changes["carried_over"] = [None, keys]
            changes["carry_over_to"] = [None, target.name]
        record(actor, "closed", sprint, changes)
    if target is not None:
        target.project = sprint.project
    return sprint, target, keys


# --- Capacity ------------------------------------------------------------------------------------


def set_capacity(actor: "Membership", sprint: Sprint, *, user_id: int, days: Any, focus: Any) -> SprintCapacity:
    """Days available × focus factor (0–1) of one person who works in the project, in this sprint."""
    require_level(actor, sprint.project, Level.WORK)
    if sprint.status == SprintStatus.CLOSED:
        raise _error("status", _("The sprint is closed."))
    if not any(m.user_id == user_id for m in workers_of(sprint.project)):
        raise _error("user_id", _("Choose a member of this project."))
    length = (sprint.end_date - sprint.start_date).days + 1
    clean_days = _decimal("days", days, Decimal(0), Decimal(length), "0.1")
    clean_focus = _decimal("focus", focus, Decimal(0), Decimal(1), "0.01")
    with transaction.atomic():
        capacity, _created = SprintCapacity.objects.update_or_create(
            sprint=sprint, user_id=user_id, defaults={"days": clean_days, "focus": clean_focus}
        )
        record(
            actor,
            "capacity_set",
            sprint,
            {"member": [None, user_id], "days": [None, str(clean_days)], "focus": [None, str(clean_focus)]},
        )
    return capacity


# --- Retrospective -------------------------------------------------------------------------------


def _text(value: str | None) -> str:
    value = (value or "").strip()
    if not value:
        raise _error("text", _("This field is required."))
    if len(value) > 1000:
        raise _error("text", _("Ensure this value has at most %(n)s characters.") % {"n": 1000})
    return value


def _column(value: str) -> str:
    if value not in RetroColumn.values:
        raise _error("column", _("Choose one of: %(choices)s.") % {"choices": ", ".join(RetroColumn.values)})
    return value


def add_note(actor: "Membership", sprint: Sprint, *, column: str, text: str) -> RetroNote:
    require_level(actor, sprint.project, Level.WORK)
    column, text = _column(column), _text(text)
    with transaction.atomic():
        note = RetroNote.objects.create(
            workspace_id=sprint.workspace_id, sprint=sprint, column=column, text=text, author_id=actor.user_id
        )
        record(actor, "created", note, {"column": [None, column], "text": [None, text]})
    note.sprint = sprint
    return note


def update_note(actor: "Membership", note: RetroNote, *, version: int, **changes: Any) -> RetroNote:
    require_level(actor, note.sprint.project, Level.WORK)
    clean: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "text":
            clean["text"] = _text(value)
        elif name == "column":
            clean["column"] = _column(value)
        else:
            raise _error(name, _("This field is not allowed here."))
    if note.work_item_id and clean.get("column", RetroColumn.ACTION) != RetroColumn.ACTION:
        raise _error("column", _("This action already became a work item; it stays an action."))
    fields = list(clean)
    before = snapshot(note, fields)
    with transaction.atomic():
        for name, value in clean.items():
            setattr(note, name, value)
        save_versioned(note, expected_version=version, fields=fields)
        record(actor, "updated", note, diff(before, snapshot(note, fields)))
    return note


def delete_note(actor: "Membership", note: RetroNote) -> None:
    require_level(actor, note.sprint.project, Level.WORK)
    soft_delete(actor, note)


def note_to_item(actor: "Membership", note: RetroNote) -> RetroNote:
    """An action note becomes a work item of the project (in its backlog) and links to it."""
    from projects.services.items import create_item

    project = note.sprint.project
    require_level(actor, project, Level.WORK)
    if note.column != RetroColumn.ACTION:
        raise _error("column", _("Only an action becomes a work item."))
    if note.work_item_id is not None:
        raise _error("work_item", _("This action already became a work item."))
    with transaction.atomic():
        item = create_item(actor, project, title=note.text[:300], description=note.text)
        note.work_item = item
        save_versioned(note, expected_version=note.version, fields=["work_item"])
        record(actor, "updated", note, {"work_item": [None, item.key]})
    return note
