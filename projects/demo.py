"""Demo projects of 星辰科技: 移动应用 (APP, Scrum) and 官网改版 (WEB, Kanban), with members,
milestones, a charter, custom fields, epics → stories → sub-tasks, bugs, dependencies, logged time
and comments. Everything goes through the services, acting as the demo people; only the dates the
services set to "now" are moved into the past afterwards (creation times, done_at, the history's
times). Items planned into sprints are left in their first state: sprints/demo.py runs the sprints."""

import datetime
from collections import deque
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.queries import membership_for
from core.models import Activity
from core.services import add_comment
from projects import queries, services
from projects.models import (
    CustomField,
    FieldKind,
    Milestone,
    Project,
    ProjectRole,
    State,
    Template,
    Transition,
    WorkItem,
)
from projects.services import items as item_services

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
SPRINT_DAYS = 14
PROJECT_AGE = 75  # days since the projects started

CHARTER = {
    "background": "移动端订单占比已超过 60%，但现有 App 体验老旧、崩溃率偏高，用户评分仅 3.6 分。",
    "goals": "在 Q3 发布 2.0 版本：重做账户、支付与消息模块，崩溃率降到 0.1% 以下，应用商店评分提升到 4.5。",
    "scope_in": "iOS 与 Android 客户端；账户体系、购物车与支付、订单、消息推送；性能与稳定性治理。",
    "scope_out": "小程序与 H5 版本；商家端 App；海外市场上架。",
    "target_users": "25–40 岁的城市白领，每月下单 2 次以上的活跃用户。",
    "deliverables": "2.0 版本安装包、设计规范、接口文档、测试报告与上线复盘。",
    "success_criteria": "上线 30 天内：崩溃率 < 0.1%，支付成功率 > 99.5%，次日留存提升 5 个百分点。",
    "stakeholders": "产品总监赵敏（发起人）、研发负责人王强、运营经理郭芳、客户代表。",
}

# (username, project role, weekly hours)
APP_MEMBERS = [
    ("linyue", ProjectRole.MANAGER, 20),
    ("liuyang", ProjectRole.MEMBER, 40),
    ("sunli", ProjectRole.MEMBER, 40),
    ("hejing", ProjectRole.MEMBER, 24),
    ("wuxia", ProjectRole.MEMBER, 32),
    ("wangqiang", ProjectRole.MEMBER, 10),
    ("zhoupeng", ProjectRole.MEMBER, 8),
    ("emily", ProjectRole.VIEWER, 4),
    ("client", ProjectRole.VIEWER, 0),
]
WEB_MEMBERS = [
    ("emily", ProjectRole.MANAGER, 24),  # creates the project
    ("hejing", ProjectRole.MEMBER, 16),
    ("sunli", ProjectRole.MEMBER, 8),
    ("guofang", ProjectRole.MEMBER, 12),
    ("david", ProjectRole.MEMBER, 10),
    ("linyue", ProjectRole.MEMBER, 6),
    ("zhoupeng", ProjectRole.MEMBER, 6),
    ("zhaomin", ProjectRole.VIEWER, 2),
]

# Scrum states by position: 0 待办 To do, 1 进行中 In progress, 2 评审中 In review, 3 完成 Done.
# Bug states: 0 Open, 1 Confirmed, 2 Fixing, 3 Verifying, 4 Closed. Kanban: 0 Backlog … 4 Done.
# Keys: ref, project, type, title, owner, priority, points, hours, parent, state (final position),
# sprint (the sprint it is planned into; unfinished work carries over), finish (the sprint it is
# done in), day (the day of that sprint it is done), ago (done this many days ago, outside
# sprints), due/start (days from today), tags, custom (field name → option label or text).
ITEMS: list[dict[str, Any]] = [
    # 移动应用 APP --------------------------------------------------------------------------------
    {"ref": "E1", "type": "epic", "title": "用户账户体系重构", "owner": "chenhao", "priority": "high", "state": 1},
    {"ref": "E2", "type": "epic", "title": "支付与订单", "owner": "liuyang", "priority": "urgent", "state": 1},
    {"ref": "E3", "type": "epic", "title": "消息推送与通知中心", "owner": "sunli", "priority": "medium", "state": 1},
    {"ref": "E4", "type": "epic", "title": "性能与稳定性治理", "owner": "wangqiang", "priority": "high", "state": 1},
    {
        "ref": "S1",
        "type": "story",
        "title": "手机号验证码登录",
        "owner": "sunli",
        "parent": "E1",
        "points": 5,
        "hours": 16,
        "sprint": 1,
        "day": 6,
        "tags": ["登录", "iOS", "Android"],
        "custom": {"平台": "全平台"},
    },
    {
        "ref": "T1",
        "type": "subtask",
        "title": "接入短信服务商（阿里云短信）",
        "owner": "liuyang",
        "parent": "S1",
        "hours": 6,
        "sprint": 1,
        "day": 3,
    },
    {
        "ref": "T2",
        "type": "subtask",
        "title": "登录页 UI 还原",
        "owner": "sunli",
        "parent": "S1",
        "hours": 8,
        "sprint": 1,
        "day": 5,
    },
    {
        "ref": "T3",
        "type": "subtask",
        "title": "验证码倒计时与重发限制",
        "owner": "sunli",
        "parent": "S1",
        "hours": 3,
        "sprint": 1,
        "day": 6,
    },
    {
        "ref": "S2",
        "type": "story",
        "title": "微信一键登录",
        "owner": "sunli",
        "parent": "E1",
        "points": 8,
        "hours": 24,
        "sprint": 1,
        "finish": 2,
        "day": 4,
        "tags": ["登录"],
        "custom": {"平台": "全平台"},
    },
    {
        "ref": "S3",
        "type": "story",
        "title": "个人资料编辑页",
        "owner": "sunli",
        "parent": "E1",
        "points": 3,
        "sprint": 3,
        "day": 7,
        "custom": {"平台": "全平台"},
    },
    {
        "ref": "S16",
        "type": "story",
        "title": "收货地址管理",
        "owner": "liuyang",
        "parent": "E1",
        "points": 5,
        "hours": 14,
        "sprint": 3,
        "day": 9,
    },
    {
        "ref": "S4",
        "type": "story",
        "title": "账号注销流程（合规要求）",
        "owner": "liuyang",
        "parent": "E1",
        "points": 5,
        "hours": 20,
        "sprint": 4,
        "state": 1,
        "due": 6,
        "tags": ["合规"],
    },
    {
        "ref": "S5",
        "type": "story",
        "title": "购物车结算页改版",
        "owner": "sunli",
        "parent": "E2",
        "points": 8,
        "hours": 30,
        "sprint": 1,
        "day": 11,
        "custom": {"平台": "全平台", "需求来源": "用户反馈"},
    },
    {
        "ref": "S6",
        "type": "story",
        "title": "接入支付宝与微信支付 SDK",
        "owner": "liuyang",
        "parent": "E2",
        "points": 8,
        "hours": 32,
        "sprint": 2,
        "day": 10,
        "tags": ["支付"],
        "custom": {"需求来源": "业务方"},
    },
    {
        "ref": "T4",
        "type": "subtask",
        "title": "支付回调签名校验",
        "owner": "liuyang",
        "parent": "S6",
        "hours": 6,
        "sprint": 2,
        "day": 8,
    },
    {
        "ref": "T5",
        "type": "subtask",
        "title": "支付结果页",
        "owner": "sunli",
        "parent": "S6",
        "hours": 5,
        "sprint": 2,
        "day": 9,
    },
    {
        "ref": "S7",
        "type": "story",
        "title": "订单列表与详情",
        "owner": "sunli",
        "parent": "E2",
        "points": 5,
        "hours": 18,
        "sprint": 2,
        "finish": 3,
        "day": 3,
    },
    {
        "ref": "S8",
        "type": "story",
        "title": "退款申请流程",
        "owner": "liuyang",
        "parent": "E2",
        "points": 5,
        "sprint": 4,
        "due": 9,
        "tags": ["支付"],
        "custom": {"需求来源": "用户反馈"},
    },
    {
        "ref": "S9",
        "type": "story",
        "title": "优惠券核销",
        "owner": "liuyang",
        "parent": "E2",
        "points": 3,
        "sprint": 5,
        "custom": {"需求来源": "业务方"},
    },
    {
        "ref": "S10",
        "type": "story",
        "title": "推送权限引导弹窗",
        "owner": "hejing",
        "parent": "E3",
        "points": 3,
        "sprint": 2,
        "day": 5,
        "tags": ["ux"],
    },
    {
        "ref": "S11",
        "type": "story",
        "title": "消息中心列表",
        "owner": "sunli",
        "parent": "E3",
        "points": 5,
        "hours": 16,
        "sprint": 3,
        "state": 2,
        "due": 2,
    },
    {
        "ref": "S12",
        "type": "story",
        "title": "营销推送频控",
        "owner": "liuyang",
        "parent": "E3",
        "points": 3,
        "custom": {"需求来源": "技术规划"},
    },
    {
        "ref": "S13",
        "type": "story",
        "title": "首页冷启动优化到 1.5 秒以内",
        "owner": "wangqiang",
        "parent": "E4",
        "points": 8,
        "hours": 24,
        "sprint": 4,
        "state": 1,
        "tags": ["性能"],
        "custom": {"平台": "Android"},
    },
    {
        "ref": "S14",
        "type": "story",
        "title": "接入崩溃率监控",
        "owner": "liuyang",
        "parent": "E4",
        "points": 3,
        "sprint": 1,
        "day": 9,
        "tags": ["稳定性"],
    },
    {
        "ref": "S15",
        "type": "story",
        "title": "图片懒加载与本地缓存",
        "owner": "sunli",
        "parent": "E4",
        "points": 3,
        "sprint": 5,
        "tags": ["性能"],
    },
    {
        "ref": "A1",
        "type": "task",
        "title": "编写登录模块自动化用例",
        "owner": "wuxia",
        "points": 2,
        "hours": 10,
        "sprint": 1,
        "day": 12,
        "tags": ["测试"],
    },
    {
        "ref": "A2",
        "type": "task",
        "title": "支付链路压测",
        "owner": "zhoupeng",
        "points": 3,
        "hours": 12,
        "sprint": 2,
        "day": 12,
        "tags": ["测试", "性能"],
    },
    {
        "ref": "A3",
        "type": "task",
        "title": "准备 App Store 审核资料",
        "owner": "chenhao",
        "points": 1,
        "sprint": 3,
        "day": 10,
    },
    {"ref": "A4", "type": "task", "title": "埋点方案评审", "owner": "chenhao", "points": 2, "sprint": 4, "day": 2},
    {"ref": "A5", "type": "task", "title": "隐私弹窗文案调整", "owner": "linyue", "points": 1, "sprint": 4, "day": 4},
    {
        "ref": "A6",
        "type": "task",
        "title": "编写 v1.2 版本发布说明",
        "owner": "linyue",
        "points": 1,
        "sprint": 4,
        "due": 1,
        "priority": "high",
    },
    {
        "ref": "A7",
        "type": "task",
        "title": "回归测试：支付流程",
        "owner": "wuxia",
        "points": 3,
        "hours": 12,
        "sprint": 4,
        "due": 5,
        "tags": ["测试"],
    },
    {
        "ref": "A8",
        "type": "task",
        "title": "整理 Beta 用户反馈",
        "owner": "linyue",
        "hours": 4,
        "due": -3,
        "priority": "high",
        "state": 1,
    },
    {
        "ref": "A9",
        "type": "task",
        "title": "更新隐私政策（个人信息保护法）",
        "owner": "linyue",
        "due": -1,
        "priority": "urgent",
        "tags": ["合规"],
    },
    {"ref": "A10", "type": "task", "title": "竞品调研：会员体系", "owner": "linyue", "due": 2, "hours": 6},
    {"ref": "A11", "type": "task", "title": "2.0 版本上线复盘会", "owner": "linyue", "due": 20, "priority": "low"},
    {
        "ref": "B1",
        "type": "bug",
        "title": "iOS 17 下登录后偶现白屏",
        "owner": "sunli",
        "priority": "urgent",
        "points": 2,
        "sprint": 2,
        "day": 3,
        "tags": ["iOS"],
        "custom": {"平台": "iOS"},
    },
    {
        "ref": "B2",
        "type": "bug",
        "title": "Android 支付回调偶发重复下单",
        "owner": "liuyang",
        "priority": "urgent",
        "points": 3,
        "sprint": 4,
        "state": 2,
        "due": 3,
        "tags": ["支付"],
        "custom": {"平台": "Android"},
    },
    {
        "ref": "B3",
        "type": "bug",
        "title": "订单详情页优惠金额显示错误",
        "owner": "sunli",
        "priority": "high",
        "points": 1,
        "sprint": 3,
        "day": 4,
    },
    {
        "ref": "B4",
        "type": "bug",
        "title": "推送点击后未跳转到对应页面",
        "owner": "sunli",
        "points": 2,
        "sprint": 4,
        "state": 1,
        "custom": {"平台": "全平台"},
    },
    {
        "ref": "B5",
        "type": "bug",
        "title": "深色模式下按钮文字看不清",
        "owner": "hejing",
        "priority": "low",
        "tags": ["ux"],
    },
    {
        "ref": "B6",
        "type": "bug",
        "title": "弱网下图片加载失败且不重试",
        "owner": "sunli",
        "ago": 12,
        "custom": {"平台": "Android"},
    },
    # 官网改版 WEB --------------------------------------------------------------------------------
    {"ref": "W1", "project": "WEB", "type": "epic", "title": "官网信息架构重构", "owner": "emily", "state": 2},
    {"ref": "W2", "project": "WEB", "type": "epic", "title": "品牌视觉升级", "owner": "emily", "state": 2},
    {
        "ref": "W3",
        "project": "WEB",
        "type": "story",
        "title": "首页改版设计稿",
        "owner": "emily",
        "parent": "W2",
        "points": 5,
        "ago": 30,
        "tags": ["设计"],
    },
    {
        "ref": "W4",
        "project": "WEB",
        "type": "story",
        "title": "设计规范文档（颜色、字体、组件）",
        "owner": "hejing",
        "parent": "W2",
        "points": 3,
        "state": 3,
        "tags": ["设计"],
    },
    {
        "ref": "W5",
        "project": "WEB",
        "type": "task",
        "title": "产品页文案撰写",
        "owner": "david",
        "ago": 18,
        "custom": {"页面": "/products"},
    },
    {
        "ref": "W6",
        "project": "WEB",
        "type": "story",
        "title": "价格页 A/B 测试方案",
        "owner": "guofang",
        "parent": "W1",
        "points": 3,
        "state": 2,
        "custom": {"页面": "/pricing"},
    },
    {
        "ref": "W7",
        "project": "WEB",
        "type": "story",
        "title": "官网中英文双语支持",
        "owner": "sunli",
        "parent": "W1",
        "points": 8,
        "state": 1,
        "tags": ["i18n"],
    },
    {
        "ref": "W8",
        "project": "WEB",
        "type": "story",
        "title": "新闻中心接入 CMS",
        "owner": "sunli",
        "parent": "W1",
        "points": 5,
        "state": 2,
        "start": -4,
        "due": 8,
    },
    {
        "ref": "W9",
        "project": "WEB",
        "type": "task",
        "title": "SEO 关键词优化",
        "owner": "guofang",
        "state": 3,
        "due": 4,
        "tags": ["seo"],
    },
    {
        "ref": "W10",
        "project": "WEB",
        "type": "story",
        "title": "客户案例页",
        "owner": "emily",
        "parent": "W1",
        "points": 3,
        "custom": {"页面": "/customers"},
    },
    {
        "ref": "W11",
        "project": "WEB",
        "type": "task",
        "title": "联系我们表单防垃圾提交",
        "owner": "sunli",
        "priority": "low",
    },
    {
        "ref": "W12",
        "project": "WEB",
        "type": "task",
        "title": "页面加载性能审计",
        "owner": "sunli",
        "state": 1,
        "tags": ["性能"],
    },
    {
        "ref": "W13",
        "project": "WEB",
        "type": "task",
        "title": "官网上线检查清单",
        "owner": "linyue",
        "state": 1,
        "due": 3,
        "priority": "high",
    },
    {"ref": "W14", "project": "WEB", "type": "task", "title": "旧链接 301 重定向", "owner": "sunli"},
    {
        "ref": "W15",
        "project": "WEB",
        "type": "task",
        "title": "移动端适配走查",
        "owner": "hejing",
        "state": 2,
        "due": -2,
    },
    {
        "ref": "W16",
        "project": "WEB",
        "type": "bug",
        "title": "导航栏在 Safari 下错位",
        "owner": "sunli",
        "priority": "high",
        "state": 2,
        "tags": ["safari"],
    },
    {"ref": "W17", "project": "WEB", "type": "bug", "title": "表单提交后没有成功提示", "owner": "sunli", "ago": 6},
    {"ref": "W18", "project": "WEB", "type": "task", "title": "准备官网发布会新闻稿", "owner": "david", "due": 12},
]
DEPENDENCIES = [("A9", "S4"), ("B2", "A7"), ("S13", "S15"), ("W4", "W7"), ("W9", "W13"), ("W16", "W13")]
COMMENTS = [
    ("B2", "wuxia", "复现步骤：弱网下连续点击支付按钮两次，回调到达前会生成两笔订单。@liuyang 请看下幂等处理。"),
    ("B2", "liuyang", "已定位，是回调重试没有做幂等，今天提交修复。"),
    ("S4", "linyue", "注销流程依赖隐私政策更新，法务确认后再上线。"),
    ("W13", "emily", "Checklist 已经按 **SEO、性能、兼容性** 三部分整理好了，请 @guofang 补充运营部分。"),
]
TIME = [("S1", "sunli", 6), ("S1", "liuyang", 4), ("S6", "liuyang", 7.5), ("S13", "wangqiang", 5), ("W8", "sunli", 3)]


class Demo:
    """The people acting, each project as each of them sees it, the states in order, the items."""

    def __init__(self, context: dict[str, Any]) -> None:
        self.workspace = context["workspace"]
        self.users = context["users"]
        self.today = timezone.localdate()
        self.now = timezone.now()
        self._members: dict[str, Any] = {}
        self._projects: dict[tuple[str, str], Project] = {}
        self.items: dict[str, WorkItem] = {}
        self.specs = {spec["ref"]: spec for spec in ITEMS}
        self.fields: dict[str, list[CustomField]] = {}
        self.beta: Milestone | None = None

    def member(self, username: str) -> Any:
        if username not in self._members:
            self._members[username] = membership_for(self.users[username], self.workspace.slug)
        return self._members[username]

    def project(self, username: str, key: str) -> Project:
        """The project loaded as this person sees it (its `access` set for them)."""
        if (username, key) not in self._projects:
            self._projects[(username, key)] = queries.get_project(self.member(username), key)
        return self._projects[(username, key)]

    def as_(self, username: str, item: WorkItem) -> WorkItem:
        item.project = self.project(username, item.project.key)
        return item

    def reload(self, ref: str) -> WorkItem:
        """After a write that bypassed this object (a sprint's carry-over bumps the version)."""
        self.items[ref] = WorkItem.objects.select_related("project", "state").get(pk=self.items[ref].pk)
        return self.items[ref]

    def states(self, item: WorkItem) -> list[State]:
        return list(State.objects.filter(workflow_id=item.state.workflow_id).order_by("position", "id"))

    def move(self, ref: str, position: int, *, by: str | None = None) -> None:
        """Walk the item forward through the states up to `position`, as its owner would."""
        item = self.items[ref]
        spec = self.specs[ref]
        username = by or spec["owner"]
        states = self.states(item)
        path = _path(item.state, states[position])
        for state in path:
            resolution = "已修复 Fixed" if "resolution" in state.required_fields else None
            item_services.transition(
                self.member(username), self.as_(username, item), state_id=state.pk, resolution=resolution
            )

    def backdate(self, ref: str, created: datetime.datetime, done_at: datetime.datetime | None = None) -> None:
        """Move the item's creation, history and done_at into the past, where the story happened."""
        item = self.items[ref]
        end = done_at or self.now - 2 * HOUR
        WorkItem.all_objects.filter(pk=item.pk).update(created_at=created, done_at=done_at, updated_at=end)
        rows = list(Activity.objects.filter(target_type="work_item", target_id=item.pk).order_by("id"))
        later = rows[1:]
        begun = max(created + HOUR, end - datetime.timedelta(days=2))
        for i, row in enumerate(rows):
            when = created if i == 0 else begun + (end - begun) * i / len(later)
            Activity.objects.filter(pk=row.pk).update(created_at=when)


def _path(source: State, target: State) -> list[State]:
    """The states to pass through, moving forward one position at a time where the workflow allows
    it (shortest path over the allowed transitions)."""
    if source.pk == target.pk:
        return []
    states = {s.pk: s for s in State.objects.filter(workflow_id=source.workflow_id)}
    edges: dict[int, list[int]] = {}
    for link in Transition.objects.filter(workflow_id=source.workflow_id):
        edges.setdefault(link.source_id, []).append(link.target_id)
    previous: dict[int, int] = {source.pk: source.pk}
    queue = deque([source.pk])
    while queue:
        current = queue.popleft()
        if current == target.pk:
            break
        nxt = [t for t in edges.get(current, []) if t not in previous]
        if states[current].position + 1 <= target.position:  # prefer one position forward
            step = [t for t in nxt if states[t].position == states[current].position + 1]
            nxt = step + [t for t in nxt if t not in step]
        for t in nxt:
            previous[t] = current
            queue.append(t)
    path = []
    node = target.pk
    while node != source.pk:
        path.append(states[node])
        node = previous[node]
    return path[::-1]


def _create_projects(demo: Demo) -> dict[str, Project]:
    today = demo.today
    chenhao, emily = demo.member("chenhao"), demo.member("emily")
    app = services.create_project(
        chenhao,
        name="移动应用 Mobile App",
        key="APP",
        template=Template.SCRUM,
        description="星辰商城 App 2.0：账户、支付、消息与性能的全面升级。",
        status="active",
        start_date=today - PROJECT_AGE * DAY,
        target_date=today + 45 * DAY,
        **CHARTER,
    )
    web = services.create_project(
        emily,
        name="官网改版 Website",
        key="WEB",
        template=Template.KANBAN,
        description="新版官网：信息架构、品牌视觉与中英文双语。",
        status="active",
        start_date=today - 40 * DAY,
        target_date=today + 25 * DAY,
        background="现有官网 2019 年上线，信息架构混乱，移动端体验差，品牌形象已过时。",
        goals="上线新版官网，线索转化率提升 20%。",
        scope_in="官网首页、产品页、价格页、客户案例、新闻中心；中英文。",
        scope_out="帮助中心与开发者文档。",
    )
    for project, people in ((app, APP_MEMBERS), (web, WEB_MEMBERS)):
        manager = chenhao if project is app else emily
        for username, role, hours in people:
            if username == ("chenhao" if project is app else "emily"):
                continue  # the creator is its manager already
            services.add_project_member(
                manager, project, user_id=demo.users[username].pk, role=role, weekly_hours=hours
            )
    services.create_milestone(chenhao, app, name="Alpha 内测", due_date=today - 30 * DAY, description="内部员工试用。")
    beta = services.create_milestone(chenhao, app, name="Beta 公测", due_date=today + 10 * DAY)
    services.create_milestone(chenhao, app, name="2.0 正式发布", due_date=today + 45 * DAY)
    services.create_milestone(emily, web, name="设计定稿", due_date=today - 10 * DAY)
    services.create_milestone(emily, web, name="新官网上线", due_date=today + 25 * DAY)
    alpha = app.milestones.get(name="Alpha 内测")
    services.update_milestone(chenhao, alpha, version=alpha.version, done=True)
    design = web.milestones.get(name="设计定稿")
    services.update_milestone(emily, design, version=design.version, done=True)
    fields = {
        "APP": [
            services.create_field(
                chenhao, app, name="平台", kind=FieldKind.SELECT, options=["iOS", "Android", "全平台"]
            ),
            services.create_field(
                chenhao, app, name="需求来源", kind=FieldKind.SELECT, options=["用户反馈", "业务方", "技术规划"]
            ),
        ],
        "WEB": [services.create_field(emily, web, name="页面", kind=FieldKind.TEXT)],
    }
    demo.fields, demo.beta = fields, beta
    return {"APP": app, "WEB": web}


def _custom(demo: Demo, key: str, values: dict[str, str]) -> dict[str, Any]:
    fields = {f.name: f for f in demo.fields[key]}
    custom: dict[str, Any] = {}
    for name, value in values.items():
        field = fields[name]
        if field.kind == FieldKind.SELECT:
            custom[str(field.pk)] = next(o["id"] for o in field.options if o["label"] == value)
        else:
            custom[str(field.pk)] = value
    return custom


def _create_items(demo: Demo) -> None:
    creator = {"APP": "chenhao", "WEB": "emily"}
    for spec in ITEMS:
        key = spec.get("project", "APP")
        username = creator[key] if spec["type"] != "bug" else "wuxia" if key == "APP" else "zhoupeng"
        fields: dict[str, Any] = {
            "type": spec["type"],
            "owner_id": demo.users[spec["owner"]].pk,
            "priority": spec.get("priority", "medium"),
            "tags": spec.get("tags", []),
        }
        if "points" in spec:
            fields["points"] = spec["points"]
        if "hours" in spec:
            fields["estimate_hours"] = spec["hours"]
        if "parent" in spec:
            fields["parent_id"] = demo.items[spec["parent"]].pk
        if "due" in spec:
            fields["due_date"] = demo.today + spec["due"] * DAY
            if spec["due"] <= 12 and key == "APP" and demo.beta is not None:
                fields["milestone_id"] = demo.beta.pk
        if "start" in spec:
            fields["start_date"] = demo.today + spec["start"] * DAY
        elif "due" in spec:
            # Work starts a few days before it is due (longer for bigger items): the timeline has bars.
            size = spec.get("points") or (spec.get("hours", 8) / 6)
            fields["start_date"] = fields["due_date"] - max(2, round(float(size) * 1.5)) * DAY
        if "custom" in spec:
            fields["custom"] = _custom(demo, key, spec["custom"])
        description = spec.get("description", f"{spec['title']}。\n\n验收标准：\n\n- 功能按设计稿实现\n- 通过测试用例")
        item = item_services.create_item(
            demo.member(username), demo.project(username, key), title=spec["title"], description=description, **fields
        )
        demo.items[spec["ref"]] = item


def _finish_backlog(demo: Demo) -> None:
    """Items outside sprints: moved to their state now; dates moved into the past."""
    start = demo.now - PROJECT_AGE * DAY
    for n, spec in enumerate(ITEMS):
        if "sprint" in spec:
            continue
        ref = spec["ref"]
        created = start + (n % 30) * DAY + (n % 7) * HOUR
        if "ago" in spec:
            demo.move(ref, len(demo.states(demo.items[ref])) - 1)
            done_at = demo.now - spec["ago"] * DAY - 3 * HOUR
            demo.backdate(ref, min(created, done_at - 5 * DAY), done_at)
        else:
            if spec.get("state"):
                demo.move(ref, spec["state"])
            demo.backdate(ref, created)


def _links_and_talk(demo: Demo) -> None:
    for blocker, blocked in DEPENDENCIES:
        username = demo.specs[blocked]["owner"]
        item_services.add_dependency(
            demo.member(username), demo.as_(username, demo.items[blocker]), demo.as_(username, demo.items[blocked])
        )
    for ref, username, body in COMMENTS:
        add_comment(demo.member(username), target_type="work_item", target_id=demo.items[ref].pk, body=body)
    for ref, username, hours in TIME:
        item_services.log_time(
            demo.member(username),
            demo.as_(username, demo.items[ref]),
            hours=Decimal(str(hours)),
            day=demo.today - 2 * DAY,
            note="开发与自测",
        )


def build(context: dict[str, Any]) -> None:
    demo = Demo(context)
    projects = _create_projects(demo)
    _create_items(demo)
    _finish_backlog(demo)
    _links_and_talk(demo)
    start = demo.now - PROJECT_AGE * DAY
    for project in projects.values():
        Project.objects.filter(pk=project.pk).update(created_at=start)
    Activity.objects.filter(workspace=demo.workspace, target_type__in=["project", "milestone"]).update(created_at=start)
    context.update(projects=projects, project_demo=demo)
