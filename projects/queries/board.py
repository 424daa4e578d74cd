"""Board and schedule reads: columns of cards (by status or owner) and the items, milestones and
dependencies of a date window. Each read takes a constant number of queries, whatever the size of
the project; the results are dataclasses, so the web and the API show the same thing."""

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from projects.access import Level, require_level
from projects.models import (
    Category,
    Dependency,
    Milestone,
    Priority,
    ProjectMember,
    ProjectRole,
    State,
    Workflow,
    WorkItem,
)

if TYPE_CHECKING:
    from accounts.models import Membership
    from projects.models import Project

BOARD_KINDS = ("status", "owner")
MAX_PER_COLUMN = 200


@dataclass
class Card:
    id: int
    key: str
    title: str
    type: str
    owner_id: int
    owner: str
    priority: str
    priority_label: str
    points: Any
    state_id: int
    state: str
    category: str
    version: int


@dataclass
class Column:
    id: int
    name: str
    count: int
    wip_limit: int | None = None
    category: str | None = None
    cards: list[Card] = field(default_factory=list)

    @property
    def over_limit(self) -> bool:
        return self.wip_limit is not None and self.count > self.wip_limit

    @property
    def more(self) -> int:
        return max(self.count - len(self.cards), 0)


@dataclass
class Board:
    by: str
    workflow_id: int | None
    workflows: list[tuple[int, str]]
    sprint_id: int | None
    columns: list[Column]


CARD_COLUMNS = (
    "id",
    "number",
    "project__key",
    "title",
    "type",
    "owner_id",
    "owner__display_name",
    "owner__username",
    "priority",
    "points",
    "state_id",
    "state__name",
    "category",
    "version",
)
PRIORITY_LABELS = dict(Priority.choices)


def _card(row: dict[str, Any]) -> Card:
    return Card(
        id=row["id"],
        key=f"{row['project__key']}-{row['number']}",
        title=row["title"],
        type=row["type"],
        owner_id=row["owner_id"],
        owner=row["owner__display_name"] or row["owner__username"],
        priority=row["priority"],
        priority_label=str(PRIORITY_LABELS.get(row["priority"], row["priority"])),
        points=row["points"],
        state_id=row["state_id"],
        state=row["state__name"],
        category=row["category"],
        version=row["version"],
    )


def _top_cards(qs: Any, partition: str, per_column: int) -> list[Card]:
    """The first `per_column` items of each `partition` value in the board's order (the rank a
    drop gave them, then priority, then id), in one query, as plain rows (a board shows hundreds
    of cards: no model objects)."""
    order = [F("board_rank").asc(), F("priority_rank").asc(), F("id").asc()]
    ranked = qs.annotate(row=Window(RowNumber(), partition_by=[F(partition)], order_by=order))
    return [_card(r) for r in ranked.filter(row__lte=per_column).order_by("row").values(*CARD_COLUMNS)]


def board_for(
    actor: "Membership",
    project: "Project",
    *,
    by: str = "status",
    workflow_id: int | None = None,
    sprint_id: int | None = None,
    per_column: int = 50,
) -> Board:
    """Columns by status (the states of one workflow) or by owner (open items), each with its count
    and its first `per_column` cards in the board's order (rank, priority, id)."""
    require_level(actor, project, Level.VIEW)
    if by not in BOARD_KINDS:
        raise ValidationFailed({"by": _("Choose one of: %(choices)s.") % {"choices": ", ".join(BOARD_KINDS)}})
    if not 1 <= per_column <= MAX_PER_COLUMN:
        raise ValidationFailed({"per_column": _("Must be between 1 and %(max)s.") % {"max": MAX_PER_COLUMN}})
    items = WorkItem.objects.filter(project=project)
    if sprint_id is not None:
        items = items.filter(sprint_id=sprint_id)
    workflows = [(w.pk, w.name) for w in Workflow.objects.filter(project=project).order_by("id")]
    if by == "status":
        if workflow_id is None and workflows:
            workflow_id = workflows[0][0]
        if workflow_id not in {w[0] for w in workflows}:
            raise ValidationFailed({"workflow": _("Choose a workflow of this project.")})
        states = list(State.objects.filter(workflow_id=workflow_id).order_by("position", "id"))
        items = items.filter(state__workflow_id=workflow_id)
        counts = dict(items.order_by().values_list("state_id").annotate(n=Count("id")))
        columns = {
            s.pk: Column(id=s.pk, name=s.name, count=counts.get(s.pk, 0), wip_limit=s.wip_limit, category=s.category)
            for s in states
        }
        for card in _top_cards(items, "state_id", per_column):
            columns[card.state_id].cards.append(card)
        return Board(by, workflow_id, workflows, sprint_id, list(columns.values()))
    items = items.exclude(category=Category.DONE)
    counts = dict(items.order_by().values_list("owner_id").annotate(n=Count("id")))
    people = {
        m.user_id: str(m.user)
        for m in ProjectMember.objects.filter(project=project)
        .exclude(role=ProjectRole.VIEWER)
        .select_related("user")
        .order_by("user__display_name")
    }
    cards = _top_cards(items, "owner_id", per_column)
    for card in cards:
        people.setdefault(card.owner_id, card.owner)
    owners = sorted(people.items(), key=lambda p: p[1].casefold())
    columns = {uid: Column(id=uid, name=name, count=counts.get(uid, 0)) for uid, name in owners}
    # An owner with items beyond the cards shown, who is not a project member: name read with the rest.
    missing = set(counts) - set(columns)
    if missing:
        from accounts.models import User

        for user in User.objects.filter(pk__in=missing):
            columns[user.pk] = Column(id=user.pk, name=str(user), count=counts[user.pk])
    for card in cards:
        columns[card.owner_id].cards.append(card)
    return Board(by, None, workflows, sprint_id, list(columns.values()))


# --- Schedule: timeline and calendar --------------------------------------------------------------


@dataclass
class ScheduledItem:
    id: int
    key: str
    title: str
    start: datetime.date
    end: datetime.date
    start_date: datetime.date | None
    due_date: datetime.date | None
    milestone_id: int | None
    milestone: str
    state: str
    category: str
    owner: str


@dataclass
class ScheduledMilestone:
    id: int
    name: str
    due_date: datetime.date
    done: bool


@dataclass
class Schedule:
    start: datetime.date
    end: datetime.date
    items: list[ScheduledItem]
    milestones: list[ScheduledMilestone]
    dependencies: list[tuple[int, int]]  # (blocker id, blocked id), both among `items`


MAX_SCHEDULE_ITEMS = 500
MAX_WINDOW_DAYS = 731


def schedule_for(project: "Project", *, start: datetime.date, end: datetime.date) -> Schedule:
    """Items with dates overlapping [start, end] (an item with one date spans that day), the
    milestones due in it and the dependencies among those items: three queries."""
    if end < start:
        raise ValidationFailed({"end": _("Must not be before the start date.")})
    if (end - start).days > MAX_WINDOW_DAYS:
        raise ValidationFailed({"end": _("Choose a window of at most two years.")})
    overlap = (
        Q(start_date__lte=end, due_date__gte=start)
        | Q(start_date__isnull=True, due_date__gte=start, due_date__lte=end)
        | Q(due_date__isnull=True, start_date__gte=start, start_date__lte=end)
    )
    rows = (
        WorkItem.objects.filter(project=project)
        .filter(overlap)
        .select_related("project", "state", "owner", "milestone")
        .order_by("start_date", "due_date", "id")[:MAX_SCHEDULE_ITEMS]
    )
    items = []
    for item in rows:
        first = item.start_date or item.due_date
        last = item.due_date or item.start_date
        assert first is not None and last is not None
        items.append(
            ScheduledItem(
                id=item.pk,
                key=item.key,
                title=item.title,
                start=first,
                end=max(first, last),
                start_date=item.start_date,
                due_date=item.due_date,
                milestone_id=item.milestone_id,
                milestone=item.milestone.name if item.milestone else "",
                state=item.state.name,
                category=item.category,
                owner=str(item.owner),
            )
        )
    items.sort(key=lambda i: (i.start, i.end, i.id))
    milestones = [
        ScheduledMilestone(id=m.pk, name=m.name, due_date=m.due_date, done=m.done)
        for m in Milestone.objects.filter(project=project, due_date__gte=start, due_date__lte=end).order_by(
            "due_date", "id"
        )
    ]
    ids = [i.id for i in items]
    dependencies = (
        list(
            Dependency.objects.filter(blocker_id__in=ids, blocked_id__in=ids)
            .order_by("id")
            .values_list("blocker_id", "blocked_id")
        )
        if ids
        else []
    )
    return Schedule(start, end, items, milestones, dependencies)


# --- The timeline's drawing: positions for an SVG, computed here so that the template stays flat --

ROW_HEIGHT = 28
LABEL_WIDTH = 220
CHART_WIDTH = 880
HEAD_HEIGHT = 28


@dataclass
class GanttRow:
    y: int
    kind: str  # "group" or "item"
    label: str
    item: ScheduledItem | None = None
    x: float = 0
    width: float = 0
    diamond_x: float | None = None
    milestone: ScheduledMilestone | None = None

    @property
    def diamond_points(self) -> str:
        if self.diamond_x is None:
            return ""
        x, y = self.diamond_x, self.y + ROW_HEIGHT / 2
        return f"{x:.1f},{y - 7:.1f} {x + 7:.1f},{y:.1f} {x:.1f},{y + 7:.1f} {x - 7:.1f},{y:.1f}"


@dataclass
class Gantt:
    width: int
    height: int
    label_width: int
    rows: list[GanttRow]
    months: list[tuple[float, str]]
    arrows: list[str]  # SVG path data
    today_x: float | None


def gantt_layout(schedule: Schedule, *, today: datetime.date, no_milestone: str) -> Gantt:
    """Rows grouped by milestone (milestones of the window first, by date; items without one last)."""
    days = (schedule.end - schedule.start).days + 1
    scale = CHART_WIDTH / days

    def x_of(day: datetime.date) -> float:
        return round(LABEL_WIDTH + (day - schedule.start).days * scale, 1)

    groups: dict[int | None, list[ScheduledItem]] = {m.id: [] for m in schedule.milestones}
    names: dict[int | None, str] = {m.id: m.name for m in schedule.milestones}
    for item in schedule.items:
        groups.setdefault(item.milestone_id, []).append(item)
        names.setdefault(item.milestone_id, item.milestone or no_milestone)
    if None in groups:
        groups[None] = groups.pop(None)  # last
    in_window = {m.id: m for m in schedule.milestones}
    rows: list[GanttRow] = []
    y = HEAD_HEIGHT
    bars: dict[int, GanttRow] = {}
    for milestone_id, members in groups.items():
        milestone = in_window.get(milestone_id) if milestone_id is not None else None
        rows.append(
            GanttRow(
                y=y,
                kind="group",
                label=names[milestone_id],
                diamond_x=x_of(milestone.due_date) + scale / 2 if milestone else None,
                milestone=milestone,
            )
        )
        y += ROW_HEIGHT
        for item in members:
            first, last = max(item.start, schedule.start), min(item.end, schedule.end)
            row = GanttRow(
                y=y,
                kind="item",
                label=f"{item.key} {item.title}",
                item=item,
                x=x_of(first),
                width=round(((last - first).days + 1) * scale, 1),
            )
            rows.append(row)
            bars[item.id] = row
            y += ROW_HEIGHT
    arrows = []
    for blocker_id, blocked_id in schedule.dependencies:
        a, b = bars.get(blocker_id), bars.get(blocked_id)
        if a is None or b is None:
            continue
        x1, y1 = a.x + a.width, a.y + ROW_HEIGHT / 2
        x2, y2 = b.x, b.y + ROW_HEIGHT / 2
        bend = x1 + 8
        arrows.append(f"M{x1:.1f},{y1:.1f} H{bend:.1f} V{y2:.1f} H{x2 - 2:.1f}")
    months = []
    day = schedule.start.replace(day=1)
    while day <= schedule.end:
        if day >= schedule.start and x_of(day) < LABEL_WIDTH + CHART_WIDTH - 50:
            months.append((x_of(day), day.strftime("%Y-%m")))
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    today_x = x_of(today) + scale / 2 if schedule.start <= today <= schedule.end else None
    return Gantt(LABEL_WIDTH + CHART_WIDTH, y + 8, LABEL_WIDTH, rows, months, arrows, today_x)
