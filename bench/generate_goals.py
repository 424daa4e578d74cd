"""Goals and OKRs for bench/generate.py (`--objectives N`): written with executemany (SQLite) or COPY
(PostgreSQL), with the rows the services would write.

Four quarter cycles: the current quarter active with N objectives, the three before it closed (and
scored) with N / 4 each. Each cycle's objectives form a company → department → team → personal tree
(a few company objectives, ~10 % department, ~30 % team, the rest personal; ~3 % of the team and
personal ones are aligned to nothing). Each objective has 3–4 key results with weights (mostly 1):
numbers, percentages (a fifth of them decreasing, churn-like), some currency, yes / no and
milestones; with `--items` about 5 % of the active cycle's key results are fed by linked work items
(or a project), else none. Each key result has 12 check-ins spread over the cycle so far (weekly in a
closed cycle), and its current value, progress, confidence and last check-in are the last
check-in's. The stored progress and roll-up of every objective are then computed once per cycle by
goals.tree.refresh_cycle, and the work-fed key results by the services' own work share.
"""

import datetime
import json
import random
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone
from generate_requirements import write

from accounts.models import Department, Team, Workspace
from goals.models import (
    CheckIn,
    Confidence,
    Cycle,
    CycleStatus,
    KeyResult,
    KeyResultLink,
    LinkKind,
    Metric,
    Objective,
    ObjectiveLevel,
    ProgressSource,
)
from goals.progress import key_result_progress, suggested_score
from goals.services import key_results as kr_services
from goals.services.tree import refresh_cycle
from projects.models import Project, WorkItem

CHECK_INS = 12
THEMES = ["支付成功率", "activation", "留存", "NPS", "onboarding", "交付周期", "uptime", "客户满意度", "ARR", "转化率"]
OBJECTIVE_TITLES = [
    "Make {t} the best in our market: reach {n} by the end of the quarter",
    "{t}达到 {n}，让客户更满意",
    "Ship the new {t} experience to {n} teams",
    "本季度把{t}提升到 {n}",
    "Improve {t}",  # vague on purpose: the SMART check has something to say
    "Double {t} for enterprise customers",
]
KR_TITLES = [
    "{t} from {s} to {g}",
    "{t}从 {s} 提高到 {g}",
    "Cut {t} from {s} to {g}",
    "{t} reaches {g}",
]
NOTES = ["", "", "On track after the launch.", "本周进展顺利。", "Blocked by the data migration, see the thread.", ""]
MILESTONES = ["Design approved", "Beta with 10 customers", "GA", "Docs and training", "Migration done"]


def _next_id(model: type[models.Model]) -> int:
    return (model._base_manager.aggregate(m=models.Max("pk"))["m"] or 0) + 1


def quarters(today: datetime.date, count: int) -> list[tuple[str, datetime.date, datetime.date]]:
    """The quarter holding `today` and the `count - 1` before it, oldest first: (name, start, end)."""
    year, quarter = today.year, (today.month - 1) // 3
    found = []
    for _ in range(count):
        start = datetime.date(year, quarter * 3 + 1, 1)
        end = datetime.date(year + (quarter == 3), (quarter * 3 + 3) % 12 + 1, 1) - datetime.timedelta(days=1)
        found.append((f"{year} Q{quarter + 1}", start, end))
        year, quarter = (year, quarter - 1) if quarter else (year - 1, 3)
    return list(reversed(found))


class Goals:
    """Builds the rows of every cycle in memory (ids given here), then writes them table by table."""

    def __init__(self, ws: Workspace, user_ids: list[int], rng: random.Random, work: list[tuple[int, int]]) -> None:
        self.ws, self.rng, self.work = ws, rng, work
        # Guests see no goals: owners are members (generate.role_for makes every 20th user a guest).
        self.owners = [uid for i, uid in enumerate(user_ids) if i % 20 != 19]
        self.departments = list(Department.objects.filter(workspace=ws).order_by("pk").values_list("pk", flat=True))
        self.teams = list(Team.objects.filter(workspace=ws).order_by("pk").values_list("pk", flat=True))
        self.postgres = connection.vendor == "postgresql"
        self.objective_id, self.kr_id, self.check_in_id, self.link_id = (
            _next_id(m) for m in (Objective, KeyResult, CheckIn, KeyResultLink)
        )
        self.objectives: list[dict[str, Any]] = []
        self.key_results: list[dict[str, Any]] = []
        self.check_ins: list[dict[str, Any]] = []
        self.links: list[dict[str, Any]] = []
        self.check_ins_of: dict[int, int] = {}  # key result id → check-ins
        self.krs_of: dict[int, list[int]] = {}  # objective id → key result ids

    def when(self, value: datetime.datetime) -> datetime.datetime:
        """Aware UTC for PostgreSQL; naive UTC, as Django stores it, for SQLite."""
        value = value.astimezone(datetime.UTC)
        return value if self.postgres else value.replace(tzinfo=None)

    def cycle(self, name: str, start: datetime.date, end: datetime.date, active: bool, now: datetime.datetime) -> Cycle:
        created = datetime.datetime.combine(start, datetime.time(9), tzinfo=datetime.UTC) - datetime.timedelta(days=7)
        closed_at = None if active else datetime.datetime.combine(end, datetime.time(18), tzinfo=datetime.UTC)
        return Cycle.objects.create(
            workspace=self.ws,
            name=name,
            kind="quarter",
            start_date=start,
            end_date=end,
            status=CycleStatus.ACTIVE if active else CycleStatus.CLOSED,
            closed_at=closed_at,
            created_at=created,
            updated_at=closed_at or now,
        )

    def tree(self, cycle: Cycle, count: int, now: datetime.datetime, *, active: bool) -> None:
        """`count` objectives of `cycle`, top level first (a parent always comes before its child)."""
        rng = self.rng
        created = self.when(datetime.datetime.combine(cycle.start_date, datetime.time(10), tzinfo=datetime.UTC))
        company = max(2, min(5, count // 400))
        departments = max(1, count // 10)
        teams = max(1, count * 3 // 10)
        levels = [ObjectiveLevel.COMPANY] * company + [ObjectiveLevel.DEPARTMENT] * departments
        levels += [ObjectiveLevel.TEAM] * teams + [ObjectiveLevel.PERSONAL] * (count - company - departments - teams)
        by_level: dict[str, list[int]] = {}
        # Department objectives belong to the upper departments (a few each), teams' to teams.
        upper = self.departments[: max(1, len(self.departments) // 4)]
        end = cycle.end_date
        elapsed = 1.0 if not active else max(0.05, (now.date() - cycle.start_date).days / (end - cycle.start_date).days)
        for level in levels[:count]:
            pk = self.objective_id
            self.objective_id += 1
            parent_level = {
                ObjectiveLevel.DEPARTMENT: ObjectiveLevel.COMPANY,
                ObjectiveLevel.TEAM: ObjectiveLevel.DEPARTMENT,
                ObjectiveLevel.PERSONAL: ObjectiveLevel.TEAM,
            }.get(level)
            candidates = by_level.get(parent_level, []) if parent_level else []
            loose = level in (ObjectiveLevel.TEAM, ObjectiveLevel.PERSONAL) and rng.random() < 0.03
            parent = rng.choice(candidates) if candidates and not loose else None
            theme = rng.choice(THEMES)
            title = rng.choice(OBJECTIVE_TITLES).format(t=theme, n=f"{rng.randint(2, 95)}%")
            row = {
                "id": pk,
                "workspace_id": self.ws.pk,
                "cycle_id": cycle.pk,
                "title": f"{title} #{pk}",
                "description": "Why it matters, and how we will know." if rng.random() < 0.3 else "",
                "level": level,
                "department_id": rng.choice(upper) if level == ObjectiveLevel.DEPARTMENT else None,
                "team_id": rng.choice(self.teams) if level == ObjectiveLevel.TEAM else None,
                "product_id": None,
                "owner_id": rng.choice(self.owners[:50] if level == ObjectiveLevel.COMPANY else self.owners),
                "parent_id": parent,
                "progress": None,
                "rolled_up": None,
                "self_assessment": "" if active else "We got most of the way.",
                "review_note": "",
                "reviewer_id": None,
                "score": None,
                "position": 0,
                "version": 1,
                "created_at": created,
                "updated_at": created,
                "deleted_at": None,
                "deleted_by_id": None,
            }
            by_level.setdefault(level, []).append(pk)
            scores = self.key_results_of(row, cycle, elapsed, now, active=active)
            if not active and scores:
                total = sum(w for w, _s in scores)
                row["score"] = (sum(w * s for w, s in scores) / total).quantize(Decimal("0.01"))
                row["reviewer_id"] = self.owners[0]
            self.objectives.append(row)

    def key_results_of(
        self, objective: dict[str, Any], cycle: Cycle, elapsed: float, now: datetime.datetime, *, active: bool
    ) -> list[tuple[Decimal, Decimal]]:
        """3–4 key results of the objective with their check-ins; returns (weight, score) of each."""
        rng = self.rng
        start, end = cycle.start_date, cycle.end_date
        first = datetime.datetime.combine(start, datetime.time(9), tzinfo=datetime.UTC) + datetime.timedelta(days=4)
        last = now if active else datetime.datetime.combine(end, datetime.time(17), tzinfo=datetime.UTC)
        scores = []
        for position in range(1, rng.choice([3, 3, 4, 4, 4]) + 1):
            pk = self.kr_id
            self.kr_id += 1
            self.krs_of.setdefault(objective["id"], []).append(pk)
            r = rng.random()
            metric = (
                Metric.NUMBER
                if r < 0.55
                else Metric.PERCENTAGE
                if r < 0.78
                else Metric.CURRENCY
                if r < 0.85
                else Metric.YES_NO
                if r < 0.93
                else Metric.MILESTONE
            )
            theme = rng.choice(THEMES)
            milestones: list[str] = []
            unit = ""
            if metric == Metric.YES_NO:
                s, t = Decimal(0), Decimal(1)
            elif metric == Metric.MILESTONE:
                milestones = MILESTONES[: rng.randint(3, 5)]
                s, t = Decimal(0), Decimal(len(milestones))
            elif metric == Metric.PERCENTAGE:
                unit = "%"
                s = Decimal(rng.randint(10, 60))
                # A fifth decrease (churn from 8 % to 5 %).
                t = s * Decimal("0.6") if rng.random() < 0.2 else min(Decimal(99), s + rng.randint(5, 35))
            else:
                unit = "¥" if metric == Metric.CURRENCY else rng.choice(["", "teams", "ms", "个"])
                s = Decimal(rng.randint(0, 1000) * 10)
                t = s + Decimal(rng.randint(1, 500) * 10) if rng.random() > 0.1 else s / 2 - 10
            work_fed = active and self.work and rng.random() < 0.05
            source = rng.choice([ProgressSource.WORK_COUNT, ProgressSource.WORK_ESTIMATE]) if work_fed else None
            # Where it ends, as a share of the way: the active cycle is part of the way through.
            goal = min(1.15, max(0.0, rng.gauss(0.75, 0.3))) * (elapsed if active else 1.0)
            value = s
            entry: dict[str, Any] = {}
            for k in range(CHECK_INS):
                share = goal * (k + 1) / CHECK_INS + rng.uniform(-0.04, 0.04)
                if metric == Metric.YES_NO:
                    value = Decimal(1 if share >= 0.8 else 0)
                elif metric == Metric.MILESTONE:
                    value = Decimal(min(len(milestones), max(0, int(len(milestones) * share))))
                else:
                    value = (s + (t - s) * Decimal(str(max(0.0, share)))).quantize(Decimal("0.0001"))
                at = first + (last - first) * (k + 1) / CHECK_INS - datetime.timedelta(minutes=rng.randint(0, 600))
                progress = key_result_progress(metric, s, t, value)
                expected = 100 * (k + 1) / CHECK_INS * (elapsed if active else 1.0)
                confidence = (
                    Confidence.ON_TRACK
                    if progress >= 0.8 * expected
                    else Confidence.AT_RISK
                    if progress >= 0.5 * expected
                    else Confidence.OFF_TRACK
                )
                entry = {
                    "id": self.check_in_id,
                    "workspace_id": self.ws.pk,
                    "key_result_id": pk,
                    "value": value,
                    "progress": progress,
                    "confidence": confidence,
                    "note": rng.choice(NOTES),
                    "author_id": objective["owner_id"],
                    "created_at": self.when(at),
                }
                self.check_in_id += 1
                self.check_ins.append(entry)
            self.check_ins_of[pk] = CHECK_INS
            weight = rng.choice([Decimal(1)] * 6 + [Decimal(2), Decimal("0.5"), Decimal("1.5")])
            r = rng.random()
            due = end if r < 0.85 else None if r < 0.95 else end + datetime.timedelta(days=14)
            score = suggested_score(entry["progress"])
            self.key_results.append(
                {
                    "id": pk,
                    "workspace_id": self.ws.pk,
                    "objective_id": objective["id"],
                    "title": rng.choice(KR_TITLES).format(t=theme, s=f"{s:.0f}", g=f"{t:.0f}"),
                    "metric": metric,
                    "start_value": s,
                    "target_value": t,
                    "current_value": value,
                    "unit": unit,
                    "milestones": json.dumps(milestones, ensure_ascii=False),
                    "owner_id": rng.choice(self.owners) if rng.random() < 0.4 else objective["owner_id"],
                    "due_date": due,
                    "weight": weight,
                    "source": source or ProgressSource.CHECK_INS,
                    "progress": entry["progress"],
                    "confidence": entry["confidence"],
                    "last_check_in_at": entry["created_at"],
                    "self_score": None if active else score,
                    "review_score": None,
                    "position": position,
                    "version": 1,
                    "created_at": objective["created_at"],
                    "updated_at": entry["created_at"],
                    "deleted_at": None,
                    "deleted_by_id": None,
                }
            )
            scores.append((weight, score))
            if work_fed:
                self.link(pk, objective["created_at"], objective["owner_id"])
        return scores

    def link(self, key_result_id: int, created: datetime.datetime, by: int) -> None:
        """Work for a work-fed key result: one project in ten, else 1–8 items of one project."""
        rng = self.rng
        _item, project_id = rng.choice(self.work)
        base = {"workspace_id": self.ws.pk, "key_result_id": key_result_id, "created_by_id": by, "created_at": created}
        if rng.random() < 0.1:
            targets = [(LinkKind.PROJECT, project_id, None)]
        else:
            same = [i for i, p in self.work if p == project_id]
            targets = [(LinkKind.WORK_ITEM, None, i) for i in rng.sample(same, min(len(same), rng.randint(1, 8)))]
        for kind, project, item in targets:
            row = {"id": self.link_id, "kind": kind, "project_id": project, "work_item_id": item}
            self.links.append(base | row | {"requirement_id": None})
            self.link_id += 1


def make_goals(
    ws: Workspace,
    count: int,
    user_ids: list[int],
    rng: random.Random,
    step: Callable[[str, float, int], None],
) -> dict[str, Any]:
    """Cycles, objectives, key results, check-ins and links; returns what the load client needs."""
    started = time.perf_counter()
    now = timezone.now()
    # Work items to link (generate.py --items made them): a sample of the workspace's, with their project.
    work = list(
        WorkItem.objects.filter(workspace=ws, project__in=Project.objects.filter(workspace=ws)[:20])
        .order_by("pk")
        .values_list("pk", "project_id")[:20_000]
    )
    goals = Goals(ws, user_ids, rng, work)
    cycles = []
    for name, start, end in quarters(timezone.localdate(), 4):
        active = end >= timezone.localdate()
        cycle = goals.cycle(name, start, end, active, now)
        goals.tree(cycle, count if active else max(1, count // 4), now, active=active)
        cycles.append(cycle)
    step("goals (built)", started, 0)
    write(Objective, goals.objectives, step, with_ids=True)
    write(KeyResult, goals.key_results, step, with_ids=True)
    write(CheckIn, goals.check_ins, step, with_ids=True)
    if goals.links:
        write(KeyResultLink, goals.links, step, with_ids=True)
    refreshed = time.perf_counter()
    with transaction.atomic():
        fed = KeyResult.objects.exclude(source=ProgressSource.CHECK_INS).select_related("objective")
        kr_services._refresh_work(list(fed.filter(workspace=ws)))
        for cycle in cycles:
            refresh_cycle(cycle.pk)
    step("progress", refreshed, len(goals.objectives))

    active_cycle = cycles[-1]
    active_objectives = [o for o in goals.objectives if o["cycle_id"] == active_cycle.pk]
    # The busiest objective: the most key results, then the most check-ins, then work links.
    linked = {link["key_result_id"] for link in goals.links}

    def weight(o: dict[str, Any]) -> tuple[int, int, int]:
        krs = goals.krs_of.get(o["id"], [])
        return len(krs), sum(goals.check_ins_of[k] for k in krs), sum(k in linked for k in krs)

    busiest = max(active_objectives, key=weight)
    key_result = max(goals.krs_of[busiest["id"]], key=lambda k: goals.check_ins_of[k])
    per_department: dict[int, int] = {}
    for o in active_objectives:
        if o["department_id"]:
            per_department[o["department_id"]] = per_department.get(o["department_id"], 0) + 1
    department = max(per_department, key=lambda d: per_department[d])
    return {
        "goals_cycle": active_cycle.pk,
        "goals_objectives": len(active_objectives),
        "goals_objective": busiest["id"],
        "goals_key_result": key_result,
        "goals_department": department,
        "goals_department_objectives": per_department[department],
    }
