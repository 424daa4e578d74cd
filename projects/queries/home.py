"""The home page's "my work" panel: my overdue work and my work due this week."""

import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q
from django.utils import timezone

from core.permissions import can
from projects.queries import my_work

if TYPE_CHECKING:
    from accounts.models import Membership

# Items listed in each part of the panel; the counts say how many more there are.
SHOWN = 8


def my_day(actor: "Membership", today: datetime.date | None = None) -> dict[str, Any] | None:
    """Two queries: the counts, and the first items of both parts, oldest due date first."""
    if not can(actor, "project.view"):
        return None
    today = today or timezone.localdate()
    week_end = today + datetime.timedelta(days=6 - today.weekday())  # through Sunday
    qs = my_work(actor).filter(due_date__lte=week_end)
    overdue_q = Q(due_date__lt=today)
    counts = qs.aggregate(overdue=Count("id", filter=overdue_q), week=Count("id", filter=~overdue_q))
    items = list(qs.order_by("due_date", "priority_rank", "id")[: SHOWN * 2])
    overdue = [i for i in items if i.due_date is not None and i.due_date < today][:SHOWN]
    week = [i for i in items if i.due_date is not None and i.due_date >= today][:SHOWN]
    for item in overdue:
        item.days_late = (today - item.due_date).days  # type: ignore[attr-defined, operator]
    return {
        "overdue": overdue,
        "overdue_count": counts["overdue"],
        "week": week,
        "week_count": counts["week"],
        "today": today,
        "empty": not items,
    }
