"""Projects and work items for bench/generate.py (`--items N`): written with bulk inserts, not the
services, but with the rows the services would write.

Per project: the Scrum template's workflows (states and transitions as projects/services/templates_setup.py
builds them), 12–40 ProjectMembers (the first a manager, guests as viewers), four milestones, six
closed two-week sprints (with committed/completed points and the frozen report sprints/services.py
builds), an active and a planned sprint (with capacities). Items are created over the last year in
id order, interleaved across projects, with project-local numbers; older items are more often done.
Each has a state of its type's workflow (and its category), an owner among the project's working
members, a priority, points and hours on most, a due date on ~30 %, a parent (epic → story →
sub-task) on many, tags on some; ~3 % are blocked by an earlier item of the project. Done items have
done_at, and sit in the closed sprint whose dates hold it. The history (Activity) of every item is
written in time order, merged with the workspace's other activity: "created", then "transitioned"
as the item moved; one item (the bench's history target) has about fifty entries.

`user0` (the bench token's user) is a member of up to ten projects and owns several hundred open items
across them, for the My work scenario. The ids the load client needs go to a JSON targets file.
"""

import datetime
import heapq
import json
import random
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone, translation

from accounts.models import Workspace
from core import markdown
from core.models import Activity
from projects.models import (
    PRIORITY_ORDER,
    Category,
    Dependency,
    ItemType,
    Milestone,
    Priority,
    Project,
    ProjectMember,
    ProjectRole,
    ProjectStatus,
    State,
    Template,
    Transition,
    Workflow,
    WorkItem,
)
from projects.services import templates_setup
from sprints import charts
from sprints.models import Sprint, SprintCapacity, SprintStatus

YEAR = datetime.timedelta(days=365)
DAY = datetime.timedelta(days=1)
SPRINT_DAYS = 14
CLOSED_SPRINTS = 6
FLUSH = 20_000
KEYS = ["APP", "WEB", "API", "DATA", "PAY", "CRM", "OPS", "SHOP", "AUTH", "SRCH", "MOB", "INFRA"]
VERBS = ["实现", "修复", "优化", "设计", "重构", "支持", "Add", "Fix", "Improve", "Refactor", "Document", "Test"]
NOUNS = [
    "登录页面",
    "支付回调",
    "订单列表",
    "消息推送",
    "搜索排序",
    "数据导出",
    "权限校验",
    "首页加载速度",
    "sign-up flow",
    "billing webhooks",
    "dark mode",
    "CSV import",
    "rate limiting",
    "audit log",
    "onboarding emails",
    "mobile layout",
    "API pagination",
    "cache invalidation",
]
DESCRIPTIONS = [
    "",
    "",
    "用户反馈该功能在弱网环境下体验较差，需要优化。\n\n- 复现步骤见附件\n- 影响 iOS 与 Android",
    "As a **user** I want this so that I can finish my work faster.\n\nAcceptance:\n\n1. works offline\n2. has tests",
    "See the design in Figma; `v2` tokens only. cc @user1",
    "验收标准：\n\n- 响应时间 < 200ms\n- 覆盖单元测试",
]
TAGS = ["前端", "后端", "iOS", "Android", "tech-debt", "customer", "性能", "安全", "ux", "regression"]
TYPES = [ItemType.EPIC, ItemType.STORY, ItemType.TASK, ItemType.BUG, ItemType.SUBTASK]
TYPE_WEIGHTS = [2, 35, 33, 20, 10]
PRIORITIES = [Priority.URGENT, Priority.HIGH, Priority.MEDIUM, Priority.LOW]
PRIORITY_WEIGHTS = [5, 20, 50, 25]
POINTS = [1, 2, 3, 5, 8, 13]
ITEM_COLUMNS = [
    "id",
    "version",
    "created_at",
    "updated_at",
    "deleted_at",
    "deleted_by_id",
    "workspace_id",
    "project_id",
    "number",
    "type",
    "title",
    "description",
    "description_html",
    "state_id",
    "category",
    "owner_id",
    "priority",
    "priority_rank",
    "points",
    "estimate_hours",
    "logged_hours",
    "start_date",
    "due_date",
    "parent_id",
    "sprint_id",
    "milestone_id",
    "tags",
    "custom",
    "resolution",
    "done_at",
]
ACTIVITY_COLUMNS = [
    "workspace_id",
    "actor_id",
    "verb",
    "target_type",
    "target_id",
    "target_label",
    "changes",
    "created_at",
]
Event = tuple[datetime.datetime, str, tuple]  # (when, table, row)


class Plan:
    """One project while its items are generated."""

    def __init__(self, project: Project, size: int) -> None:
        self.project = project
        self.size = size
        self.count = 0
        self.members: list[int] = []  # who may own items (managers and members)
        self.states: dict[str, list[State]] = {}  # "scrum" / "bug" → states in order
        self.milestones: list[Milestone] = []
        self.closed: list[Sprint] = []
        self.active: Sprint | None = None
        self.planned: Sprint | None = None
        self.active_quota = 40
        self.planned_quota = 15
        self.epics: list[int] = []
        self.stories: list[int] = []
        self.recent: list[int] = []
        self.sprint_items: dict[int, list[tuple[Decimal | None, datetime.date | None, str]]] = {}


def _sizes(items: int, projects: int, rng: random.Random) -> list[int]:
    """Project sizes within ±50 % of the mean; the first (the bench's target) gets the mean exactly."""
    mean = items / projects
    weights = [1.0] + [rng.uniform(0.5, 1.5) for _ in range(projects - 1)]
    rest = items - round(mean)
    scale = rest / max(sum(weights[1:]), 1e-9)
    sizes = [round(mean)] + [max(1, int(w * scale)) for w in weights[1:]]
    sizes[-1 if projects > 1 else 0] += items - sum(sizes)
    return sizes


def _bulk(model: Any, objs: list) -> list:
    with transaction.atomic():
        return model._default_manager.bulk_create(objs, batch_size=2000)


def make_projects(
    ws: Workspace,
    user_ids: list[int],
    guests: set[int],
    items: int,
    projects: int,
    rng: random.Random,
    now: datetime.datetime,
) -> list[Plan]:
    """Projects with the Scrum workflows, members, milestones and sprints (no items yet)."""
    today = now.date()
    sizes = _sizes(items, projects, rng)
    objs = [
        Project(
            workspace=ws,
            key=f"{KEYS[k % len(KEYS)]}{k // len(KEYS) + 1}",
            name=f"{NOUNS[k % len(NOUNS)]} {k + 1}",
            description="Bench project.",
            template=Template.SCRUM,
            status=ProjectStatus.ACTIVE,
            start_date=today - YEAR,
            target_date=today + 90 * DAY,
            background="背景：用户增长放缓，需要提升转化率。",
            goals="Q3 上线新版本，转化率提升 10%。",
            next_number=sizes[k] + 1,
            created_at=(now - YEAR).replace(tzinfo=datetime.UTC),
        )
        for k in range(projects)
    ]
    plans = [Plan(p, size) for p, size in zip(_bulk(Project, objs), sizes, strict=True)]

    with translation.override("en"):
        flows = templates_setup.workflows_for(Template.SCRUM)
    workflows = _bulk(
        Workflow,
        [
            Workflow(workspace=ws, project=plan.project, name=flow["name"], item_types=flow["item_types"])
            for plan in plans
            for flow in flows
        ],
    )
    states = _bulk(
        State,
        [
            State(
                workspace=ws, workflow=wf, name=name, category=category, position=i, wip_limit=wip, required_fields=req
            )
            for wf, flow in zip(workflows, flows * projects, strict=True)
            for i, (name, category, wip, req) in enumerate(flow["states"])
        ],
    )
    by_flow: dict[int, list[State]] = {}
    for state in states:
        by_flow.setdefault(state.workflow_id, []).append(state)
    _bulk(
        Transition,
        [
            Transition(workflow=wf, source=by_flow[wf.pk][a], target=by_flow[wf.pk][b])
            for wf, flow in zip(workflows, flows * projects, strict=True)
            for a, b in flow["transitions"]
        ],
    )
    for k, plan in enumerate(plans):
        plan.states = {"scrum": by_flow[workflows[2 * k].pk], "bug": by_flow[workflows[2 * k + 1].pk]}

    members = []
    for k, plan in enumerate(plans):
        chosen = rng.sample(user_ids[1:], min(len(user_ids) - 1, rng.randint(12, 40)))
        if k < 10:
            chosen = [user_ids[0], *[u for u in chosen if u != user_ids[0]]]
        for j, uid in enumerate(chosen):
            role = ProjectRole.MANAGER if j == 0 else ProjectRole.VIEWER if uid in guests else ProjectRole.MEMBER
            if role != ProjectRole.VIEWER:
                plan.members.append(uid)
            hours = Decimal(rng.choice([40, 40, 40, 20, 30, 10]))
            members.append(
                ProjectMember(workspace=ws, project=plan.project, user_id=uid, role=role, weekly_hours=hours)
            )
    _bulk(ProjectMember, members)

    milestones = []
    for plan in plans:
        for m in range(4):
            due = today - 200 * DAY + (m * 90 + rng.randint(-10, 10)) * DAY
            milestones.append(
                Milestone(
                    workspace=ws,
                    project=plan.project,
                    name=f"M{m + 1} {['Alpha', 'Beta', 'GA', '2.0'][m]}",
                    due_date=due,
                    done=due < today,
                )
            )
    by_project = {plan.project.pk: plan for plan in plans}
    for m in _bulk(Milestone, milestones):
        by_project[m.project_id].milestones.append(m)

    sprints = []
    active_start = today - 6 * DAY
    for plan in plans:
        for j in range(CLOSED_SPRINTS, 0, -1):
            start = active_start - SPRINT_DAYS * j * DAY
            sprints.append(
                Sprint(
                    workspace=ws,
                    project=plan.project,
                    name=f"Sprint {CLOSED_SPRINTS - j + 1}",
                    goal="交付本迭代承诺的故事。",
                    start_date=start,
                    end_date=start + (SPRINT_DAYS - 1) * DAY,
                    status=SprintStatus.CLOSED,
                )
            )
        for status, offset in ((SprintStatus.ACTIVE, 0), (SprintStatus.PLANNED, SPRINT_DAYS)):
            start = active_start + offset * DAY
            sprints.append(
                Sprint(
                    workspace=ws,
                    project=plan.project,
                    name=f"Sprint {CLOSED_SPRINTS + 1 + offset // SPRINT_DAYS}",
                    goal="",
                    start_date=start,
                    end_date=start + (SPRINT_DAYS - 1) * DAY,
                    status=status,
                )
            )
    made = _bulk(Sprint, sprints)
    per = CLOSED_SPRINTS + 2
    capacities = []
    for k, plan in enumerate(plans):
        own = made[k * per : (k + 1) * per]
        plan.closed, plan.active, plan.planned = own[:CLOSED_SPRINTS], own[-2], own[-1]
        for sprint in (plan.active, plan.planned):
            capacities += [
                SprintCapacity(sprint=sprint, user_id=u, days=Decimal(rng.choice([8, 9, 10])), focus=Decimal("0.7"))
                for u in plan.members
            ]
    _bulk(SprintCapacity, capacities)
    return plans


def _fmt(value: datetime.datetime, suffix: str) -> str:
    return str(value) + suffix


class Items:
    """Generates the items in id (time) order, as a stream of (when, table, row) events."""

    def __init__(
        self, ws: Workspace, plans: list[Plan], user0: int, rng: random.Random, now: datetime.datetime, suffix: str
    ) -> None:
        self.ws, self.plans, self.user0, self.rng, self.now, self.suffix = ws, plans, user0, rng, now, suffix
        self.total = sum(p.size for p in plans)
        self.start = now - YEAR
        self.descriptions = [(d, markdown.render(d) if d else "") for d in DESCRIPTIONS]
        with_user0 = sum(p.size for p in plans if user0 in p.members)
        self.user0_share = min(0.5, 300 / max(0.45 * with_user0, 1))
        self.dependencies: list[tuple[int, int, str]] = []
        self.history_item: tuple[str, int] | None = None
        self.todo_items: list[str] = []
        self.user0_open = 0

    def _owner(self, plan: Plan) -> int:
        if self.user0 in plan.members and self.rng.random() < self.user0_share:
            return self.user0
        return self.rng.choice(plan.members)

    def _category(self, i: int) -> str:
        age = 1 - i / self.total  # 1: the oldest
        r = self.rng.random()
        if r < 0.1 + 0.8 * age:
            return Category.DONE
        if r < 0.1 + 0.8 * age + 0.05 + 0.15 * (1 - age):
            return Category.IN_PROGRESS
        return Category.TODO

    def events(self) -> Iterator[Event]:
        rng, now, suffix, ws_id = self.rng, self.now, self.suffix, self.ws.pk
        order = [k for k, plan in enumerate(self.plans) for _ in range(plan.size)]
        rng.shuffle(order)
        pending: list[tuple[datetime.datetime, int, tuple]] = []  # later history, by time
        serial = 0
        tick = YEAR / max(self.total, 1)
        active_from = self.plans[0].active.start_date if self.plans[0].active else now.date()  # type: ignore[union-attr]
        for i, k in enumerate(order):
            plan = self.plans[k]
            created = self.start + tick * (i + rng.random() * 0.9)
            while pending and pending[0][0] <= created:
                when, _, row = heapq.heappop(pending)
                yield when, "activity", row
            plan.count += 1
            number = plan.count
            item_id = i + 1
            key = f"{plan.project.key}-{number}"
            kind = rng.choices(TYPES, TYPE_WEIGHTS)[0]
            if kind == ItemType.SUBTASK and not plan.stories:
                kind = ItemType.TASK
            parent = None
            if kind == ItemType.SUBTASK:
                parent = rng.choice(plan.stories[-20:])
            elif kind == ItemType.STORY and plan.epics and rng.random() < 0.5:
                parent = rng.choice(plan.epics[-5:])
            elif kind == ItemType.TASK and plan.stories and rng.random() < 0.2:
                parent = rng.choice(plan.stories[-20:])
            flow = plan.states["bug" if kind == ItemType.BUG else "scrum"]
            category = self._category(i)
            done_at = None
            if category == Category.DONE:
                done_at = created + datetime.timedelta(hours=rng.expovariate(1 / 300) + 1)
                if done_at > now:  # not finished yet
                    category, done_at = Category.IN_PROGRESS, None
            if category == Category.TODO:
                state = flow[0] if kind != ItemType.BUG or rng.random() < 0.6 else flow[1]
            elif category == Category.IN_PROGRESS:
                state = flow[1] if kind != ItemType.BUG else flow[2]
                if rng.random() < 0.3:
                    state = flow[2] if kind != ItemType.BUG else flow[3]
            else:
                state = flow[-1]
            owner = self._owner(plan)
            actor = rng.choice(plan.members)
            title = f"{rng.choice(VERBS)} {rng.choice(NOUNS)} ({number})"
            description, html = rng.choice(self.descriptions)
            priority = rng.choices(PRIORITIES, PRIORITY_WEIGHTS)[0]
            points = None
            if kind != ItemType.EPIC and rng.random() < 0.8:
                points = Decimal(rng.choice(POINTS if kind != ItemType.SUBTASK else POINTS[:3]))
            estimate = Decimal(int(points) * 4) if points is not None and rng.random() < 0.7 else None
            logged = Decimal(0)
            if estimate is not None and category != Category.TODO:
                logged = (estimate * Decimal(rng.uniform(0.3, 1.3))).quantize(Decimal("0.1"))
            due = start_date = None
            if rng.random() < 0.3:
                due = (created + rng.randint(5, 60) * DAY).date()
                start_date = created.date() if rng.random() < 0.5 else None
            milestone = None
            if due is not None and rng.random() < 0.5:
                later = [m for m in plan.milestones if m.due_date >= due]
                milestone = later[0].pk if later else None
            sprint = self._sprint(plan, category, created, done_at, points, key, active_from)
            tags = rng.sample(TAGS, rng.randint(1, 2)) if rng.random() < 0.3 else []
            resolution = "fixed" if kind == ItemType.BUG and category == Category.DONE else ""

            history: list[tuple[datetime.datetime, str, dict[str, Any]]] = [
                (
                    created,
                    "created",
                    {
                        "title": title,
                        "type": kind.value,
                        "owner": owner,
                        "priority": priority.value,
                        "state": flow[0].pk,
                    },
                )
            ]
            end = done_at or now
            if category != Category.TODO:
                started = created + (end - created) * rng.uniform(0.1, 0.6)
                history.append(
                    (started, "transitioned", {"state": [flow[0].name, flow[1 if kind != ItemType.BUG else 2].name]})
                )
            if category == Category.DONE and done_at is not None:
                changes: dict[str, Any] = {"state": [history[-1][2]["state"][1], state.name]}
                if resolution:
                    changes["resolution"] = [None, resolution]
                history.append((done_at, "transitioned", changes))
            if number == 1 and k == 0:  # the history target: a long-lived, busy item
                for n in range(48):
                    when = created + (now - created) * (n + 1) / 50
                    old, new = PRIORITIES[n % 4].value, PRIORITIES[(n + 1) % 4].value
                    change = {"priority": [old, new]} if n % 3 else {"due_date": [None, str((when + 30 * DAY).date())]}
                    history.append((when, "updated", change))
                history.sort(key=lambda h: h[0])
                self.history_item = (key, item_id)
            label = f"{key} {title}"[:200]
            for when, verb, changes in history:
                row = (
                    ws_id,
                    actor if verb == "created" else owner,
                    verb,
                    "work_item",
                    item_id,
                    label,
                    json.dumps(changes),
                    _fmt(when, suffix),
                )
                if when <= created:
                    yield when, "activity", row
                else:
                    serial += 1
                    heapq.heappush(pending, (when, serial, row))
            updated = max(h[0] for h in history)
            yield (
                created,
                "item",
                (
                    item_id,
                    len(history),
                    _fmt(created, suffix),
                    _fmt(updated, suffix),
                    None,
                    None,
                    ws_id,
                    plan.project.pk,
                    number,
                    kind.value,
                    title,
                    description,
                    html,
                    state.pk,
                    category,
                    owner,
                    priority.value,
                    PRIORITY_ORDER[priority],
                    None if points is None else str(points),
                    None if estimate is None else str(estimate),
                    str(logged),
                    None if start_date is None else str(start_date),
                    None if due is None else str(due),
                    parent,
                    sprint,
                    milestone,
                    json.dumps(tags, ensure_ascii=False),
                    "{}",
                    resolution,
                    None if done_at is None else _fmt(done_at, suffix),
                ),
            )
            if kind == ItemType.EPIC:
                plan.epics.append(item_id)
            elif kind == ItemType.STORY:
                plan.stories.append(item_id)
                del plan.stories[:-50]
            if kind != ItemType.EPIC and plan.recent and rng.random() < 0.03:
                blocker = rng.choice(plan.recent)
                self.dependencies.append((blocker, item_id, _fmt(created, suffix)))
            plan.recent.append(item_id)
            del plan.recent[:-30]
            if category != Category.DONE and owner == self.user0:
                self.user0_open += 1
            if k == 0 and state == flow[0] and kind != ItemType.BUG:
                self.todo_items.append(key)
        while pending:
            when, _, row = heapq.heappop(pending)
            yield when, "activity", row

    def _sprint(
        self,
        plan: Plan,
        category: str,
        created: datetime.datetime,
        done_at: datetime.datetime | None,
        points: Decimal | None,
        key: str,
        active_from: datetime.date,
    ) -> int | None:
        rng = self.rng
        if done_at is not None:
            day = done_at.date()
            if day >= active_from and plan.active is not None:
                return plan.active.pk
            for sprint in plan.closed:
                if sprint.start_date <= day <= sprint.end_date and rng.random() < 0.9:
                    plan.sprint_items.setdefault(sprint.pk, []).append((points, day, key))
                    return sprint.pk
            return None
        if created.date() < self.now.date() - 120 * DAY:
            return None
        if plan.active is not None and plan.active_quota > 0 and rng.random() < 0.12:
            plan.active_quota -= 1
            if plan.closed and created.date() <= plan.closed[-1].end_date and rng.random() < 0.5:
                plan.sprint_items.setdefault(plan.closed[-1].pk, []).append((points, None, key))  # carried over
            return plan.active.pk
        if category == Category.TODO and plan.planned is not None and plan.planned_quota > 0 and rng.random() < 0.05:
            plan.planned_quota -= 1
            return plan.planned.pk
        return None


class Writer:
    """Buffers rows per table; each flush is one transaction (executemany on SQLite, COPY on PostgreSQL)."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.tables = {
            "item": (WorkItem._meta.db_table, ITEM_COLUMNS),
            "activity": (Activity._meta.db_table, ACTIVITY_COLUMNS),
            "dependency": (Dependency._meta.db_table, ["blocker_id", "blocked_id", "created_at", "workspace_id"]),
        }
        self.buffers: dict[str, list[tuple]] = {name: [] for name in self.tables}
        self.counts = dict.fromkeys(self.tables, 0)
        self.started = time.perf_counter()

    def add(self, table: str, row: tuple) -> None:
        buffer = self.buffers[table]
        buffer.append(row)
        if len(buffer) >= FLUSH:
            self.flush(table)

    def flush(self, table: str | None = None) -> None:
        for name in [table] if table else list(self.tables):
            rows = self.buffers[name]
            if not rows:
                continue
            db_table, columns = self.tables[name]
            with transaction.atomic(), connection.cursor() as cursor:
                if self.postgres:
                    with cursor.cursor.copy(f"COPY {db_table} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["%s"] * len(columns))
                    sql = f"INSERT INTO {db_table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
                    cursor.executemany(sql, rows)
            self.counts[name] += len(rows)
            self.buffers[name] = []
            if name == "item" and self.counts[name] % 100_000 == 0:
                took = time.perf_counter() - self.started
                print(
                    f"{'':<14} {self.counts[name]:>10,} items, {self.counts['activity']:,} activity rows: {took:.0f} s",
                    flush=True,
                )


def check_columns() -> None:
    model = {f.column for f in WorkItem._meta.concrete_fields}
    if model != set(ITEM_COLUMNS):
        raise SystemExit(
            f"bench/generate_items.py is out of date with WorkItem: {sorted(map(str, model ^ set(ITEM_COLUMNS)))}"
        )


def close_sprints(plans: list[Plan], now: datetime.datetime) -> None:
    """Committed and completed points and the frozen report, as sprints.services.close_sprint sets them."""
    closed = []
    for plan in plans:
        for sprint in plan.closed:
            rows = plan.sprint_items.get(sprint.pk, [])
            done = [charts.Done(points, day) for points, day, _ in rows]
            sprint.report = {
                **charts.series(sprint.start_date, sprint.end_date, done, today=sprint.end_date),
                "done": [key for _, day, key in rows if day is not None],
                "not_done": [key for _, day, key in rows if day is None],
            }
            sprint.committed_points = sum((p or Decimal(0) for p, _, _ in rows), Decimal(0))
            sprint.completed_points = sum((p or Decimal(0) for p, day, _ in rows if day is not None), Decimal(0))
            sprint.closed_at = timezone.make_aware(datetime.datetime.combine(sprint.end_date, datetime.time(18)))
            closed.append(sprint)
    with transaction.atomic():
        Sprint.objects.bulk_update(
            closed, ["report", "committed_points", "completed_points", "closed_at"], batch_size=500
        )


def write_all(
    plans: list[Plan], items: Items, workspace_activity: Iterator[Event], step: Callable[[str, float, int], None]
) -> Writer:
    """Items and every activity row (the workspace's and the items'), merged in time order."""
    started = time.perf_counter()
    writer = Writer()
    for _, table, row in heapq.merge(workspace_activity, items.events(), key=lambda e: e[0]):
        writer.add(table, row)
    writer.flush()
    for blocker, blocked, when in items.dependencies:
        writer.add("dependency", (blocker, blocked, when, items.ws.pk))
    writer.flush()
    if writer.postgres:
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [WorkItem]):
                cursor.execute(sql)
    step("items+history", started, sum(writer.counts.values()))
    print(f"{'':<14} {writer.counts['activity']:>10,} activity rows, {writer.counts['dependency']:,} dependencies")
    return writer


def targets(plans: list[Plan], items: Items, slug: str) -> dict[str, Any]:
    scrum = plans[0].states["scrum"]
    assert items.history_item is not None
    return {
        "workspace": slug,
        "project": plans[0].project.key,
        "history_item": {"key": items.history_item[0], "id": items.history_item[1]},
        "states": {"todo": scrum[0].pk, "in_progress": scrum[1].pk},
        "transition_items": items.todo_items,
        "my_work_user": "user0",
        "my_work_open_items": items.user0_open,
    }
