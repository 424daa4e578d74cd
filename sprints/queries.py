"""Reads of sprints, scoped workspace → project → sprint: a sprint of a project the actor cannot
see is not found. Planning (capacity vs commitment), charts and velocity are reads too."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Count, Exists, OuterRef, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import NotFound
from core.permissions import can
from projects.access import Level, require_level
from projects.models import Category, Project, ProjectMember, WorkItem
from projects.queries import get_project_by_id, visible_project_filter, workers_of
from sprints import charts
from sprints.models import RetroNote, Sprint, SprintCapacity, SprintStatus

if TYPE_CHECKING:
    from accounts.models import Membership, User

HOURS_PER_DAY = Decimal(8)
VELOCITY_SPRINTS = 3  # the team warning compares with the average of this many closed sprints
ZERO = Decimal(0)
TENTH = Decimal("0.1")


def capacity_hours(days: Decimal, focus: Decimal) -> Decimal:
    """Days available × focus factor × 8 hours."""
    return (days * focus * HOURS_PER_DAY).quantize(TENTH)


# --- Sprints -------------------------------------------------------------------------------------


def sprints_of(actor: "Membership", project: Project, *, status: str | None = None) -> models.QuerySet[Sprint]:
    require_level(actor, project, Level.VIEW)
    qs = Sprint.objects.filter(project=project)
    if status:
        qs = qs.filter(status=status)
    return qs


def get_sprint(actor: "Membership", sprint_id: int) -> Sprint:
    """The sprint with `project.access` set; NotFound outside the workspace or a hidden project."""
    sprint = Sprint.objects.filter(workspace_id=actor.workspace_id, pk=sprint_id).first()
    if sprint is None:
        raise NotFound()
    sprint.project = get_project_by_id(actor, sprint.project_id)
    return sprint


def carry_over_choices(sprint: Sprint) -> models.QuerySet[Sprint]:
    """The planned sprints of the same project that unfinished items may move to."""
    return Sprint.objects.filter(project_id=sprint.project_id, status=SprintStatus.PLANNED).exclude(pk=sprint.pk)


def items_of(sprint: Sprint) -> models.QuerySet[WorkItem]:
    return WorkItem.objects.filter(sprint=sprint).select_related("project", "owner", "state").order_by("number")


BACKLOG_SHOWN = 50


def backlog_of(sprint: Sprint) -> list[WorkItem]:
    """The project's open items in no sprint, most urgent first: what planning pulls from."""
    return list(
        WorkItem.objects.filter(project_id=sprint.project_id, sprint__isnull=True)
        .exclude(category=Category.DONE)
        .select_related("project", "owner")
        .order_by("priority_rank", "number")[:BACKLOG_SHOWN]
    )


# --- Planning ------------------------------------------------------------------------------------


@dataclass
class MemberPlan:
    user: "User"
    days: Decimal | None = None
    focus: Decimal | None = None
    capacity_hours: Decimal | None = None
    committed_points: Decimal = ZERO
    committed_hours: Decimal = ZERO
    item_count: int = 0

    @property
    def over(self) -> bool:
        return self.capacity_hours is not None and self.committed_hours > self.capacity_hours


@dataclass
class Plan:
    sprint: Sprint
    members: list[MemberPlan]
    committed_points: Decimal
    committed_hours: Decimal
    capacity_hours: Decimal
    average_velocity: float | None
    warnings: list[str] = field(default_factory=list)


def _recent_velocity(sprint: Sprint) -> float | None:
    completed = (
        Sprint.objects.filter(project_id=sprint.project_id, status=SprintStatus.CLOSED)
        .exclude(pk=sprint.pk)
        .order_by("-closed_at", "-id")
        .values_list("completed_points", flat=True)[:VELOCITY_SPRINTS]
    )
    return charts.average(list(completed))


def planning(actor: "Membership", sprint: Sprint) -> Plan:
    """Per member: committed points and hours (the sprint's items they own) against capacity.
    Over-commitment is a warning, never a refusal; so is a sprint heavier than recent velocity."""
    require_level(actor, sprint.project, Level.VIEW)
    rows: dict[int, MemberPlan] = {m.user_id: MemberPlan(user=m.user) for m in workers_of(sprint.project)}
    for capacity in SprintCapacity.objects.filter(sprint=sprint):
        row = rows.get(capacity.user_id)
        if row is not None:
            row.days, row.focus = capacity.days, capacity.focus
            row.capacity_hours = capacity_hours(capacity.days, capacity.focus)
    load = (
        WorkItem.objects.filter(sprint=sprint)
        .order_by()
        .values("owner_id")
        .annotate(points=Sum("points"), hours=Sum("estimate_hours"), n=Count("id"))
    )
    loads = {row["owner_id"]: row for row in load}
    outside = set(loads) - set(rows)
    if outside:  # items owned by people who are not (or no longer) in the project
        from accounts.models import User

        for user in User.objects.filter(pk__in=outside).order_by("display_name", "id"):
            rows[user.pk] = MemberPlan(user=user)
    for user_id, row_load in loads.items():
        row = rows[user_id]
        row.committed_points = Decimal(row_load["points"] or 0).quantize(TENTH)
        row.committed_hours = Decimal(row_load["hours"] or 0).quantize(TENTH)
        row.item_count = row_load["n"]
    members = list(rows.values())
    plan = Plan(
        sprint=sprint,
        members=members,
        committed_points=sum((m.committed_points for m in members), ZERO).quantize(TENTH),
        committed_hours=sum((m.committed_hours for m in members), ZERO).quantize(TENTH),
        capacity_hours=sum((m.capacity_hours or ZERO for m in members), ZERO).quantize(TENTH),
        average_velocity=_recent_velocity(sprint),
    )
    for m in members:
        if m.over:
            plan.warnings.append(
                _("%(name)s is committed to %(hours)s hours, over a capacity of %(capacity)s hours.")
                % {"name": m.user, "hours": m.committed_hours, "capacity": m.capacity_hours}
            )
    if plan.average_velocity is not None and plan.committed_points > Decimal(str(plan.average_velocity)):
        plan.warnings.append(
            _(
                "The sprint holds %(points)s points, more than the average velocity of the last closed "
                "sprints (%(velocity)s points)."
            )
            % {"points": plan.committed_points, "velocity": plan.average_velocity}
        )
    return plan


# --- Charts and velocity -------------------------------------------------------------------------


def charts_for(actor: "Membership", sprint: Sprint, *, today: datetime.date | None = None) -> dict[str, Any]:
    """Burndown and burnup, points and count, up to `today`. A closed sprint shows its frozen report."""
    require_level(actor, sprint.project, Level.VIEW)
    if sprint.status == SprintStatus.CLOSED and sprint.report.get("days"):
        report = sprint.report
        return {"days": report["days"], "burndown": report["burndown"], "burnup": report["burnup"], "frozen": True}
    rows = WorkItem.objects.filter(sprint=sprint).values_list("points", "category", "done_at")
    items = [
        charts.Done(points, timezone.localdate(done_at) if category == Category.DONE and done_at else None)
        for points, category, done_at in rows
    ]
    return {
        **charts.series(sprint.start_date, sprint.end_date, items, today=today or timezone.localdate()),
        "frozen": False,
    }


def velocity(actor: "Membership", project: Project, *, last: int = 6) -> dict[str, Any]:
    """Committed and completed points of the last `last` closed sprints, oldest first."""
    closed = list(sprints_of(actor, project, status=SprintStatus.CLOSED).order_by("-closed_at", "-id")[:last])
    closed.reverse()
    return {"sprints": closed, "average": charts.average([s.completed_points for s in closed])}


# --- Retrospective -------------------------------------------------------------------------------


def notes_of(actor: "Membership", sprint: Sprint, *, column: str | None = None) -> models.QuerySet[RetroNote]:
    require_level(actor, sprint.project, Level.VIEW)
    qs = RetroNote.objects.filter(sprint=sprint).select_related("author", "work_item__project")
    if column:
        qs = qs.filter(column=column)
    return qs


def get_note(actor: "Membership", note_id: int) -> RetroNote:
    note = (
        RetroNote.objects.filter(workspace_id=actor.workspace_id, pk=note_id, sprint__deleted_at__isnull=True)
        .select_related("sprint")
        .first()
    )
    if note is None:
        raise NotFound()
    note.sprint.project = get_project_by_id(actor, note.sprint.project_id)
    return note


# --- The home page -------------------------------------------------------------------------------

HOME_SPRINTS = 3
HOME_CHART = charts.Box(width=420, height=200, left=52, right=12, top=12, bottom=44)


def my_active_sprints(actor: "Membership", today: datetime.date | None = None) -> dict[str, Any] | None:
    """The active sprints of the projects I belong to or that hold an item of mine, each with its
    burndown. Two queries: the sprints, and the points of all their items at once."""
    if not can(actor, "project.view"):
        return None
    today = today or timezone.localdate()
    mine = Exists(ProjectMember.objects.filter(project_id=OuterRef("project_id"), user_id=actor.user_id)) | Exists(
        WorkItem.objects.filter(sprint_id=OuterRef("pk"), owner_id=actor.user_id)
    )
    sprints = list(
        Sprint.objects.filter(workspace_id=actor.workspace_id, status=SprintStatus.ACTIVE)
        .filter(visible_project_filter(actor, "project__"))
        .filter(mine)
        .select_related("project")
        .order_by("end_date", "id")[:HOME_SPRINTS]
    )
    done: dict[int, list[charts.Done]] = {s.pk: [] for s in sprints}
    rows = WorkItem.objects.filter(sprint_id__in=list(done)).values_list("sprint_id", "points", "category", "done_at")
    for sprint_id, points, category, done_at in rows:
        done[sprint_id].append(
            charts.Done(points, timezone.localdate(done_at) if category == Category.DONE and done_at else None)
        )
    for sprint in sprints:
        series = charts.series(sprint.start_date, sprint.end_date, done[sprint.pk], today=today)
        sprint.burndown = charts.burndown_chart(series, HOME_CHART)  # type: ignore[attr-defined]
        sprint.days_left = max((sprint.end_date - today).days, 0)  # type: ignore[attr-defined]
    return {"sprints": sprints, "empty": not sprints}
