"""Project health from schedule slip, overdue work and blockers, unless a manager overrode it."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from projects.models import Health


@dataclass(frozen=True)
class Metrics:
    open_count: int
    overdue_count: int
    blocked_count: int
    late_milestone_count: int
    target_date: datetime.date | None
    finished: bool  # done or cancelled: no schedule to slip


def compute(m: Metrics, today: datetime.date) -> tuple[str, list[str]]:
    """(health, reasons). Each signal scores 1 (a warning) or 2 (serious); 2 or more is off track."""
    score, reasons = 0, []
    if not m.finished and m.target_date and m.target_date < today and m.open_count:
        score += 2
        reasons.append(_("The target date has passed with work still open."))
    if m.late_milestone_count:
        score += 2 if m.late_milestone_count > 1 else 1
        n = m.late_milestone_count
        reasons.append(ngettext("%(n)s milestone is late.", "%(n)s milestones are late.", n) % {"n": n})
    if m.open_count and m.overdue_count:
        share = m.overdue_count / m.open_count
        if share >= 0.25:
            score += 2
        elif share >= 0.10:
            score += 1
        if share >= 0.10:
            counts = {"n": m.overdue_count, "total": m.open_count}
            reasons.append(
                ngettext(
                    "%(n)s of %(total)s open items is overdue.",
                    "%(n)s of %(total)s open items are overdue.",
                    m.overdue_count,
                )
                % counts
            )
    if m.blocked_count:
        score += 1
        n = m.blocked_count
        reasons.append(ngettext("%(n)s open item is blocked.", "%(n)s open items are blocked.", n) % {"n": n})
    if score >= 2:
        return Health.OFF_TRACK, reasons
    if score == 1:
        return Health.AT_RISK, reasons
    return Health.ON_TRACK, reasons


def of(project: object, today: datetime.date) -> tuple[str, list[str], bool]:
    """(health, reasons, overridden) for a project loaded with queries.with_health_metrics."""
    override = getattr(project, "health_override", "")
    if override:
        return override, [getattr(project, "health_reason", "")], True
    metrics = Metrics(
        open_count=getattr(project, "open_count", 0),
        overdue_count=getattr(project, "overdue_count", 0),
        blocked_count=getattr(project, "blocked_count", 0),
        late_milestone_count=getattr(project, "late_milestone_count", 0),
        target_date=getattr(project, "target_date", None),
        finished=getattr(project, "status", "") in ("done", "cancelled"),
    )
    health, reasons = compute(metrics, today)
    return health, reasons, False
