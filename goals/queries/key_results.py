"""Reads of key results, their check-ins and links, always scoped to the actor's workspace: another
workspace's key result is a 404, as if it did not exist.

`panel(actor, objective)` is everything the objective page shows of its key results, in a constant
number of queries whatever the number of key results and check-ins."""

import datetime
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from core.charts import Box, Chart, Series, line_chart
from core.errors import NotFound
from core.numbers import plain_number
from core.permissions import can, require
from goals import smart
from goals.models import CheckIn, CycleStatus, KeyResult, KeyResultLink, LinkKind, Objective

if TYPE_CHECKING:
    from accounts.models import Membership

# The check-ins listed under a key result on the objective page; the chart shows them all.
RECENT_CHECK_INS = 5
# The history chart's drawing area (SVG user units).
CHART_BOX = Box(width=360, height=170, left=48, right=12, top=10, bottom=40)


def key_results_for(actor: "Membership") -> models.QuerySet[KeyResult]:
    """The key results the actor can see: of the workspace, on an objective that is not deleted."""
    require(actor, "goals.view")
    return KeyResult.objects.filter(workspace_id=actor.workspace_id, objective__deleted_at__isnull=True)


def get_key_result(actor: "Membership", key_result_id: int) -> KeyResult:
    """The key result with its objective and cycle loaded; NotFound outside the workspace."""
    key_result = (
        key_results_for(actor)
        .filter(pk=key_result_id)
        .select_related("objective__cycle", "objective__workspace", "owner", "workspace")
        .first()
    )
    if key_result is None:
        raise NotFound()
    return key_result


def key_results_of(objective: Objective) -> models.QuerySet[KeyResult]:
    return KeyResult.objects.filter(objective=objective).select_related("owner").order_by("position", "id")


def check_ins_of(key_result: KeyResult) -> models.QuerySet[CheckIn]:
    """Newest first (the API pages them by id)."""
    return CheckIn.objects.filter(key_result=key_result).select_related("author")


def links_of(key_result: KeyResult) -> models.QuerySet[KeyResultLink]:
    """The links whose target is still there (a deleted project, requirement or item is hidden)."""
    return (
        KeyResultLink.objects.filter(key_result=key_result)
        .filter(alive_target())
        .select_related("project", "requirement", "work_item__project")
    )


def alive_target() -> models.Q:
    return (
        models.Q(kind=LinkKind.PROJECT, project__deleted_at__isnull=True)
        | models.Q(kind=LinkKind.REQUIREMENT, requirement__deleted_at__isnull=True)
        | models.Q(
            kind=LinkKind.WORK_ITEM, work_item__deleted_at__isnull=True, work_item__project__deleted_at__isnull=True
        )
    )


def get_link(actor: "Membership", key_result: KeyResult, link_id: int) -> KeyResultLink:
    link = KeyResultLink.objects.filter(workspace_id=actor.workspace_id, key_result=key_result, pk=link_id).first()
    if link is None:
        raise NotFound()
    return link


def link_label(link: KeyResultLink) -> str:
    if link.kind == LinkKind.PROJECT and link.project is not None:
        return str(link.project)
    if link.kind == LinkKind.REQUIREMENT and link.requirement is not None:
        return str(link.requirement)
    if link.work_item is not None:
        return str(link.work_item)
    return ""


# --- The history chart ---------------------------------------------------------------------------


def _share(day: datetime.date, start: datetime.date, end: datetime.date) -> float:
    return (day - start).days / max((end - start).days, 1)


def chart_of(key_result: KeyResult, check_ins: list[CheckIn], start: datetime.date, end: datetime.date) -> Chart:
    """Progress per check-in over the cycle's dates; `check_ins` oldest first, dates in the active
    time zone. The table adds each check-in's value and confidence."""
    days = [timezone.localtime(entry.created_at).date() for entry in check_ins]
    today = timezone.localdate()
    unit = f" {key_result.unit}" if key_result.unit else ""
    return line_chart(
        title=_("Progress of “%(title)s” per check-in") % {"title": key_result.title},
        labels=[f"{day:%Y-%m-%d}" for day in days],
        series=[Series("progress", _("Progress"), [entry.progress for entry in check_ins])],
        x_label=_("Check-in date"),
        y_label=_("Progress"),
        unit="%",
        box=CHART_BOX,
        y_max=100,
        positions=[_share(day, start, end) for day in days],
        x_ticks=[(0.0, f"{start:%m-%d}"), (1.0, f"{end:%m-%d}")],
        marker=_share(today, start, end) if start <= today <= end else None,
        columns=[
            (_("Value"), [f"{plain_number(entry.value)}{unit}" for entry in check_ins]),
            (_("Confidence"), [entry.get_confidence_display() for entry in check_ins]),
        ],
    )


# --- The objective page's panel ------------------------------------------------------------------


def panel(actor: "Membership", objective: Objective) -> dict[str, Any]:
    """The key results of `objective` for the objective page (`goals/_key_results.html`): each with
    its values, progress, confidence, recent check-ins, links, SMART findings and history chart.

    Three queries whatever the number of key results and check-ins. `objective.cycle` must be
    loaded (the objective page loads it)."""
    require(actor, "goals.view")
    cycle = objective.cycle
    key_results = list(key_results_of(objective))
    ids = [kr.pk for kr in key_results]
    history: dict[int, list[CheckIn]] = defaultdict(list)
    links: dict[int, list[KeyResultLink]] = defaultdict(list)
    if ids:
        for entry in (
            CheckIn.objects.filter(key_result_id__in=ids).select_related("author").order_by("created_at", "id")
        ):
            history[entry.key_result_id].append(entry)
        rows = (
            KeyResultLink.objects.filter(key_result_id__in=ids)
            .filter(alive_target())
            .select_related("project", "requirement", "work_item__project")
            .order_by("kind", "id")
        )
        for link in rows:
            link.label = link_label(link)  # type: ignore[attr-defined]
            links[link.key_result_id].append(link)
    for kr in key_results:
        entries = history.get(kr.pk, [])
        kr.recent_check_ins = list(reversed(entries[-RECENT_CHECK_INS:]))  # type: ignore[attr-defined]
        kr.check_in_count = len(entries)  # type: ignore[attr-defined]
        kr.link_rows = links.get(kr.pk, [])  # type: ignore[attr-defined]
        kr.findings = smart.check_key_result(  # type: ignore[attr-defined]
            title=kr.title,
            metric=kr.metric,
            start_value=kr.start_value,
            target_value=kr.target_value,
            owner_id=kr.owner_id,
            due_date=kr.due_date,
            cycle=cycle,
        )
        kr.chart = chart_of(kr, entries, cycle.start_date, cycle.end_date)  # type: ignore[attr-defined]
        kr.from_work = kr.source != "check_ins"  # type: ignore[attr-defined]
    writable = cycle.status != CycleStatus.CLOSED
    return {
        "objective": objective,
        "key_results": key_results,
        "can_edit": writable and can(actor, "goals.edit"),
        "writable": writable,
    }


# --- What the forms offer ------------------------------------------------------------------------


def get_objective(actor: "Membership", objective_id: int) -> Objective:
    """The objective (with its cycle) a key result is added to; NotFound outside the workspace."""
    require(actor, "goals.view")
    objective = (
        Objective.objects.filter(workspace_id=actor.workspace_id, pk=objective_id)
        .select_related("cycle", "workspace")
        .first()
    )
    if objective is None:
        raise NotFound()
    return objective


def owner_choices(actor: "Membership") -> list[tuple[int, str]]:
    """The people who may own a key result: the workspace's members who see goals (no guests)."""
    from accounts.models import Membership
    from core.permissions import Role

    members = (
        Membership.objects.filter(workspace_id=actor.workspace_id, removed_at__isnull=True)
        .exclude(role=Role.GUEST)
        .select_related("user")
        .order_by("user__display_name", "id")
    )
    return [(m.user_id, str(m.user)) for m in members]


def with_findings(key_result: KeyResult) -> KeyResult:
    """Give the key result `smart`: its SMART findings in the active language (its objective and
    cycle must be loaded)."""
    key_result.smart = smart.check_key_result(  # type: ignore[attr-defined]
        title=key_result.title,
        metric=key_result.metric,
        start_value=key_result.start_value,
        target_value=key_result.target_value,
        owner_id=key_result.owner_id,
        due_date=key_result.due_date,
        cycle=key_result.objective.cycle,
    )
    return key_result
