"""The demo's OKRs: last quarter closed and scored, the current quarter active with a company →
department → team → personal tree and a check-in every week since it began (the progress of two
key results comes from linked work instead), and next quarter planned. One personal objective is
worded vaguely on purpose, so the SMART check has something to say."""

import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.queries import membership_for
from goals.models import CheckIn, Cycle, KeyResult, Objective
from goals.services import cycles, key_results, objectives, scoring

WEEK = datetime.timedelta(days=7)
CHECK_IN_TIME = datetime.time(17, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # Friday afternoon, in Beijing

# Each objective: ref, parent ref, level, owner, title, and its key results:
# (title, metric, start, target, unit, owner, where it ends this quarter as a share of the way, weight, extra).
TREE: list[dict[str, Any]] = [
    {
        "ref": "checkout",
        "level": "company",
        "owner": "linyue",
        "title": "Q4 支付成功率达到 99.5%，让购物又快又安心 · Make checkout dependable: 99.5% payment success in Q4",
        "key_results": [
            (
                "支付成功率从 98.2% 提高到 99.5% · Payment success from 98.2% to 99.5%",
                "percentage",
                "98.2",
                "99.5",
                "%",
                "wangqiang",
                0.7,
                "2",
                {},
            ),
            (
                "应用商店评分从 4.3 提高到 4.7 · App store rating from 4.3 to 4.7",
                "number",
                "4.3",
                "4.7",
                "★",
                "guofang",
                0.55,
                "1",
                {},
            ),
            (
                "月流失率从 8% 降到 5% · Monthly churn from 8% down to 5%",
                "percentage",
                "8",
                "5",
                "%",
                "guofang",
                0.4,
                "1",
                {},
            ),
        ],
    },
    {
        "ref": "growth",
        "level": "company",
        "owner": "linyue",
        "title": "Q4 新增 300 家付费企业客户 · Win 300 new paying business customers in Q4",
        "key_results": [
            (
                "付费企业客户从 1,200 家增加到 1,500 家 · Paying business customers from 1,200 to 1,500",
                "number",
                "1200",
                "1500",
                "家",
                "david",
                0.6,
                "2",
                {},
            ),
            (
                "季度新签合同额达到 500 万元 · New contracts worth ¥5,000,000 this quarter",
                "currency",
                "0",
                "5000000",
                "CNY",
                "david",
                0.5,
                "1",
                {},
            ),
            (
                "企业版 v3.0 按四个里程碑推进 · Enterprise edition v3.0 through its four milestones",
                "milestone",
                "0",
                "4",
                "",
                "zhaomin",
                0.5,
                "1",
                {"milestones": ["需求评审 Review", "设计定稿 Design", "开发完成 Build", "上线 Launch"]},
            ),
        ],
    },
    {
        "ref": "product_dept",
        "parent": "checkout",
        "level": "department",
        "department": "产品",
        "owner": "zhaomin",
        "title": "产品部：12 月 20 日前交付登录与支付体验升级，登录转化率提升到 92%",
        "key_results": [
            ("登录转化率从 85% 提高到 92%", "percentage", "85", "92", "%", "chenhao", 0.6, "2", {}),
            ("需求交付周期从 30 天缩短到 20 天", "number", "30", "20", "天", "zhaomin", 0.5, "1", {}),
            ("v2.1 在 12 月 20 日前发布", "yes_no", "0", "1", "", "zhaomin", 0.0, "1", {}),
        ],
    },
    {
        "ref": "rd_dept",
        "parent": "checkout",
        "level": "department",
        "department": "研发",
        "owner": "wangqiang",
        "title": "研发部：Q4 首页冷启动降到 1.5 秒以内，线上 P0 故障清零",
        "key_results": [
            ("首页冷启动从 3.2 秒降到 1.5 秒", "number", "3.2", "1.5", "s", "sunli", 0.65, "1", {}),
            ("线上 P0 故障从每季度 6 次降到 0 次", "number", "6", "0", "次", "liuyang", 0.5, "1", {}),
            (
                "完成移动应用 2.0 的全部工作项（按估算）",
                "percentage",
                "0",
                "100",
                "%",
                "wangqiang",
                None,
                "2",
                {"source": "work_estimate", "project": "APP"},
            ),
        ],
    },
    {
        "ref": "product_app",
        "parent": "checkout",
        "level": "product",
        "product": True,
        "owner": "linyue",
        "title": "星辰 App：本季度应用商店评分达到 4.7 分，差评率降到 2% 以下",
        "key_results": [
            ("差评率从 6% 降到 2%", "percentage", "6", "2", "%", "guofang", 0.45, "1", {}),
        ],
    },
    {
        "ref": "app_team",
        "parent": "product_dept",
        "level": "team",
        "team": "App 小组",
        "owner": "chenhao",
        "title": "App 小组：12 月 15 日前上线验证码登录和一键支付",
        "key_results": [
            (
                "验证码登录按五个阶段上线",
                "milestone",
                "0",
                "5",
                "",
                "chenhao",
                0.6,
                "1",
                {"milestones": ["设计评审", "开发完成", "测试通过", "灰度 10%", "全量发布"]},
            ),
            ("一键支付使用率从 0 提高到 30%", "percentage", "0", "30", "%", "chenhao", 0.45, "1", {}),
            (
                "验证码登录和一键支付的工作项全部完成（按数量）",
                "percentage",
                "0",
                "100",
                "%",
                "chenhao",
                None,
                "1",
                {"source": "work_count", "requirements": ["sms", "pay"]},
            ),
        ],
    },
    {
        "ref": "hejing",
        "parent": "app_team",
        "level": "personal",
        "owner": "hejing",
        "title": "个人：本季度完成 12 次用户访谈并输出 2 份洞察报告",
        "key_results": [
            ("完成 12 次用户访谈", "number", "0", "12", "次", "hejing", 0.75, "2", {}),
            ("输出 2 份用户洞察报告", "number", "0", "2", "份", "hejing", 0.5, "1", {}),
        ],
    },
    {
        "ref": "emily",
        "parent": "app_team",
        "level": "personal",
        "owner": "emily",
        "title": "Personal: move 100% of app screens to the new design system by December 15",
        "key_results": [
            (
                "App screens on the design system from 40% to 100%",
                "percentage",
                "40",
                "100",
                "%",
                "emily",
                0.7,
                "1",
                {},
            ),
        ],
    },
    {
        # Vague on purpose: the SMART check flags it (no number, a vague verb) and its key result (no due date).
        "ref": "guofang",
        "parent": "product_app",
        "level": "personal",
        "owner": "guofang",
        "title": "提升用户满意度",
        "key_results": [
            ("用户满意度评分从 4.1 提高到 4.5 分", "number", "4.1", "4.5", "分", "guofang", 0.3, "1", {"no_due": True}),
        ],
    },
]
NOTES = [
    "按计划推进。On plan.",
    "本周有进展，风险可控。Progress this week; risks under control.",
    "依赖研发排期，需要关注。Waiting on engineering; watch this.",
    "数据回升，继续观察一周。Numbers recovering; one more week to be sure.",
    "完成本周目标。This week's goal met.",
]


def quarter_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first_month = (day.month - 1) // 3 * 3 + 1
    start = day.replace(month=first_month, day=1)
    end = (start + datetime.timedelta(days=95)).replace(day=1) - datetime.timedelta(days=1)
    return start, end


def _confidence(share: float, elapsed: float) -> str:
    """Ahead of or near the time gone by is on track; well behind is at risk, far behind off track."""
    if share >= elapsed - 0.1:
        return "on_track"
    return "at_risk" if share >= elapsed - 0.3 else "off_track"


class Demo:
    def __init__(self, context: dict[str, Any]) -> None:
        self.context = context
        self.workspace = context["workspace"]
        self.users = context["users"]
        self.today = timezone.localdate()

    def member(self, username: str) -> Any:
        return membership_for(self.users[username], self.workspace.slug)

    def cycle(self, start: datetime.date, end: datetime.date) -> Cycle:
        return cycles.create_cycle(self.member("zhaomin"), kind="quarter", start_date=start, end_date=end)

    def objective(self, cycle: Cycle, spec: dict[str, Any], made: dict[str, Objective]) -> Objective:
        fields: dict[str, Any] = {"level": spec["level"], "owner_id": self.users[spec["owner"]].pk}
        if "parent" in spec:
            fields["parent_id"] = made[spec["parent"]].pk
        if "department" in spec:
            fields["department_id"] = self.context["departments"][spec["department"]].pk
        if "team" in spec:
            fields["team_id"] = self.team(spec["team"])
        if spec.get("product"):
            fields["product_id"] = self.context["product"].pk
        author = self.member("linyue" if spec["level"] == "company" else spec["owner"])
        return objectives.create_objective(author, cycle, title=spec["title"], **fields)

    def team(self, name: str) -> int:
        from accounts.models import Team

        return Team.objects.get(workspace=self.workspace, name=name).pk

    def key_result(self, objective: Objective, spec: tuple[Any, ...], due: datetime.date) -> KeyResult:
        title, metric, start, target, unit, owner, _share, weight, extra = spec
        fields: dict[str, Any] = {
            "metric": metric,
            "start_value": Decimal(start),
            "target_value": Decimal(target),
            "unit": unit,
            "owner_id": self.users[owner].pk,
            "weight": Decimal(weight),
            "due_date": None if extra.get("no_due") else due,
        }
        if "milestones" in extra:
            fields["milestones"] = extra["milestones"]
        if "source" in extra:
            fields["source"] = extra["source"]
        key_result = key_results.create_key_result(
            self.member(objective.owner.username), objective, title=title, **fields
        )
        if "project" in extra:
            key_results.link(self.member(owner), key_result, kind="project", key=extra["project"])
        for ref in extra.get("requirements", ()):
            requirement = self.context["requirements"][ref]
            key_results.link(self.member(owner), key_result, kind="requirement", key=requirement.key)
        return key_result

    def check_ins(
        self, key_result: KeyResult, share: float, start: datetime.date, end: datetime.date, seed: int
    ) -> None:
        """A check-in every Friday from the cycle's start until today, moving towards `share` of the
        way with some wobble, each dated on its Friday."""
        fridays = []
        day = start + datetime.timedelta(days=(4 - start.weekday()) % 7)
        while day <= min(self.today, end):
            fridays.append(day)
            day += WEEK
        span = (end - start).days or 1
        made: list[tuple[int, datetime.date]] = []
        steps = len(fridays)
        for n, friday in enumerate(fridays, 1):
            wobble = ((seed * 7 + n * 3) % 5 - 2) * 0.02
            reached = max(0.0, min(1.0, share * n / steps + (wobble if n < steps else 0)))
            value = self.value_at(key_result, reached)
            elapsed = (friday - start).days / span
            entry = key_results.check_in(
                self.member(key_result.owner.username),
                key_result,
                value=value,
                confidence=_confidence(reached, elapsed),
                note=NOTES[(seed + n) % len(NOTES)],
            )
            made.append((entry.pk, friday))
            key_result.refresh_from_db()
        for pk, friday in made:  # as if each was written on its Friday afternoon
            at = datetime.datetime.combine(friday, CHECK_IN_TIME)
            CheckIn.objects.filter(pk=pk).update(created_at=at)
        if made:
            last = datetime.datetime.combine(made[-1][1], CHECK_IN_TIME)
            KeyResult.objects.filter(pk=key_result.pk).update(last_check_in_at=last)

    @staticmethod
    def value_at(key_result: KeyResult, reached: float) -> Decimal:
        if key_result.metric == "yes_no":
            return Decimal(1 if reached >= 1 else 0)
        assert key_result.target_value is not None
        if key_result.metric == "milestone":
            return Decimal(int(reached * float(key_result.target_value)))
        span = key_result.target_value - key_result.start_value
        return (key_result.start_value + span * Decimal(str(round(reached, 3)))).quantize(Decimal("0.01"))


def _last_quarter(demo: Demo, start: datetime.date) -> None:
    """Last quarter: two objectives, checked in, scored by their owners and reviewed, then closed."""
    last_end = start - datetime.timedelta(days=1)
    last_start, _ = quarter_of(last_end)
    cycle = demo.cycle(last_start, last_end)
    cycles.activate_cycle(demo.member("zhaomin"), cycle, version=cycle.version)
    made: dict[str, Objective] = {}
    specs: list[dict[str, Any]] = [
        {
            "ref": "q3",
            "level": "company",
            "owner": "linyue",
            "title": "Q3 上线会员体系，付费会员达到 2 万人 · Launch membership: 20,000 paying members in Q3",
            "key_results": [
                ("付费会员从 0 增加到 20,000 人", "number", "0", "20000", "人", "guofang", 0.85, "2", {}),
                ("会员续费率达到 60%", "percentage", "0", "60", "%", "david", 0.6, "1", {}),
            ],
        },
        {
            "ref": "q3_rd",
            "parent": "q3",
            "level": "department",
            "department": "研发",
            "owner": "wangqiang",
            "title": "研发部：Q3 崩溃率从 0.8% 降到 0.2%",
            "key_results": [
                ("崩溃率从 0.8% 降到 0.2%", "percentage", "0.8", "0.2", "%", "liuyang", 1.0, "1", {}),
            ],
        },
    ]
    for n, spec in enumerate(specs):
        objective = made[spec["ref"]] = demo.objective(cycle, spec, made)
        for m, kr_spec in enumerate(spec["key_results"]):
            key_result = demo.key_result(objective, kr_spec, last_end)
            demo.check_ins(key_result, kr_spec[6], last_start, last_end, n * 5 + m)
            key_result.refresh_from_db()
            score = (Decimal(str(key_result.progress)) / 100).quantize(Decimal("0.1"))
            scoring.score_key_result(demo.member(kr_spec[5]), key_result, version=key_result.version, self_score=score)
            reviewer = "zhaomin" if kr_spec[5] != "zhaomin" else "linyue"
            key_result.refresh_from_db()
            review = min(Decimal(1), score + Decimal("0.1") if n else score)
            scoring.score_key_result(demo.member(reviewer), key_result, version=key_result.version, review_score=review)
        objective.refresh_from_db()
        scoring.assess_objective(
            demo.member(spec["owner"]),
            objective,
            version=objective.version,
            self_assessment="目标基本达成，续费率低于预期。Mostly met; renewals below plan.",
        )
    cycle.refresh_from_db()
    cycles.close_cycle(demo.member("zhaomin"), cycle, version=cycle.version)


def build(context: dict[str, Any]) -> None:
    demo = Demo(context)
    start, end = quarter_of(demo.today)
    _last_quarter(demo, start)
    cycle = demo.cycle(start, end)
    cycles.activate_cycle(demo.member("zhaomin"), cycle, version=cycle.version)
    made: dict[str, Objective] = {}
    for n, spec in enumerate(TREE):
        objective = made[spec["ref"]] = demo.objective(cycle, spec, made)
        for m, kr_spec in enumerate(spec["key_results"]):
            key_result = demo.key_result(objective, kr_spec, end)
            if kr_spec[6] is not None:
                demo.check_ins(key_result, kr_spec[6], start, end, n * 5 + m)
    next_start = end + datetime.timedelta(days=1)
    demo.cycle(next_start, quarter_of(next_start)[1])
    context.update(cycle=cycle, objectives=made)
