"""Resource allocation: for each project member and each of the coming weeks, the hours of open
work they own against the hours they give the project. Pure reads, two queries whatever the size.

An open item (category not done) with an estimate spreads its remaining hours (estimate − logged,
never below 0) evenly over the working days (Monday to Friday) from its start date (or today) to
its due date (or one week after that start), both included. An item whose span holds no working
day (it ends before it starts, or on a weekend) puts all its hours on the first working day on or
after its start.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from projects.models import Category, Project, ProjectMember, WorkItem

DEFAULT_WEEKS = 6
MAX_WEEKS = 26
ZERO = Decimal(0)
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class WeekAllocation:
    start: datetime.date  # the Monday of the week
    allocated: Decimal
    capacity: Decimal

    @property
    def over(self) -> bool:
        return self.allocated > self.capacity

    @property
    def end(self) -> datetime.date:
        return self.start + datetime.timedelta(days=6)


@dataclass(frozen=True)
class MemberAllocation:
    user_id: int
    name: str
    role: str
    capacity: Decimal
    weeks: list[WeekAllocation]

    @property
    def over_weeks(self) -> int:
        return sum(1 for w in self.weeks if w.over)


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def working_days(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """Monday to Friday from `first` to `last`, both included."""
    days = []
    day = first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def _next_working_day(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def spread(
    remaining: Decimal, start: datetime.date | None, due: datetime.date | None, today: datetime.date
) -> dict[datetime.date, Decimal]:
    """The hours of one item on each working day of its span."""
    first = start or today
    last = due or first + datetime.timedelta(days=7)
    days = working_days(first, last) or [_next_working_day(first)]
    share = remaining / len(days)
    return dict.fromkeys(days, share)


def allocation_for(
    project: Project, *, start: datetime.date, weeks: int = DEFAULT_WEEKS, today: datetime.date | None = None
) -> list[MemberAllocation]:
    """Each member's allocated hours and capacity in each of `weeks` weeks, the first being the week
    of `start` (weeks run Monday to Sunday). Members in name order."""
    today = today or timezone.localdate()
    weeks = max(1, min(weeks, MAX_WEEKS))
    first_monday = monday_of(start)
    mondays = [first_monday + datetime.timedelta(weeks=i) for i in range(weeks)]
    horizon_end = mondays[-1] + datetime.timedelta(days=6)
    members = list(
        ProjectMember.objects.filter(project=project)
        .select_related("user")
        .order_by("user__display_name", "user__username", "id")
    )
    items = (
        WorkItem.objects.filter(
            project=project, owner_id__in=[m.user_id for m in members], estimate_hours__isnull=False
        )
        .exclude(category=Category.DONE)
        .values_list("owner_id", "estimate_hours", "logged_hours", "start_date", "due_date")
    )
    hours: dict[tuple[int, datetime.date], Decimal] = defaultdict(lambda: ZERO)
    for owner_id, estimate, logged, item_start, item_due in items:
        remaining = max(estimate - (logged or ZERO), ZERO)
        if not remaining:
            continue
        for day, share in spread(remaining, item_start, item_due, today).items():
            if first_monday <= day <= horizon_end:
                hours[owner_id, monday_of(day)] += share
    return [
        MemberAllocation(
            user_id=m.user_id,
            name=str(m.user),
            role=m.role,
            capacity=m.weekly_hours,
            weeks=[
                WeekAllocation(
                    start=monday, allocated=hours[m.user_id, monday].quantize(TENTH), capacity=m.weekly_hours
                )
                for monday in mondays
            ],
        )
        for m in members
    ]


def over_allocated_next_week(project: Project, today: datetime.date | None = None) -> int:
    """How many members have more work than hours in the week after this one."""
    today = today or timezone.localdate()
    next_monday = monday_of(today) + datetime.timedelta(weeks=1)
    return sum(1 for m in allocation_for(project, start=next_monday, weeks=1, today=today) if m.weeks[0].over)
