"""Demo sprints of 移动应用 (APP): three closed two-week sprints with their frozen reports
(burndown, velocity), the active sprint half-way through, the next one planned, capacities, and
the retrospective of the last closed sprint. The sprints run through the services (plan, start,
work, close with carry-over); the days the work was done are then set in the past, before each
sprint closes, so the frozen burndown shows them."""

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from core.models import Activity
from projects.models import WorkItem
from projects.services import items as item_services
from sprints import services
from sprints.models import RetroColumn, Sprint

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
SPRINT_DAYS = 14
SPRINTS = [
    ("Sprint 1 · 登录与结算", "上线手机号登录，完成购物车结算页改版。"),
    ("Sprint 2 · 支付接入", "接入支付宝与微信支付，修复 iOS 17 白屏。"),
    ("Sprint 3 · 订单与资料", "订单列表与详情、个人资料与收货地址。"),
    ("Sprint 4 · 合规与性能", "账号注销合规上线，首页冷启动 < 1.5 秒。"),
    ("Sprint 5 · 营销能力", "优惠券核销与图片缓存。"),
]
# (username, days available in a sprint, focus factor); wangqiang and zhoupeng give a few days.
CAPACITY = [
    ("linyue", 5, "0.6"),
    ("chenhao", 8, "0.7"),
    ("liuyang", 10, "0.75"),
    ("sunli", 10, "0.75"),
    ("hejing", 6, "0.7"),
    ("wuxia", 9, "0.7"),
    ("wangqiang", 3, "0.5"),
]
RETRO = [
    (RetroColumn.WENT_WELL, "sunli", "订单详情页的金额问题当天定位当天修复，测试配合很及时。"),
    (RetroColumn.WENT_WELL, "wuxia", "自动化用例覆盖了登录和支付主流程，回归时间从 2 天缩短到半天。"),
    (RetroColumn.WENT_WELL, "liuyang", "Daily standup 控制在 15 分钟以内了 👍"),
    (RetroColumn.TO_IMPROVE, "chenhao", "需求在 Sprint 中途变更了两次，影响了消息中心的交付。"),
    (RetroColumn.TO_IMPROVE, "hejing", "设计稿评审太晚，开发开始后还在改交互。"),
    (RetroColumn.TO_IMPROVE, "liuyang", "测试环境不稳定，支付回调经常收不到。"),
    (RetroColumn.ACTION, "chenhao", "需求冻结：Sprint 开始后的变更需产品负责人确认并评估影响"),
    (RetroColumn.ACTION, "wangqiang", "搭建独立的支付沙箱测试环境"),
]


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def build(context: dict[str, Any]) -> None:
    demo = context["project_demo"]
    manager = demo.member("chenhao")
    project = demo.project("chenhao", "APP")
    active_start = demo.today - 6 * DAY
    sprints: list[Sprint] = []
    for k, (name, goal) in enumerate(SPRINTS):
        start = active_start + (k - 3) * SPRINT_DAYS * DAY
        sprints.append(
            services.create_sprint(
                manager, project, name=name, goal=goal, start_date=start, end_date=start + (SPRINT_DAYS - 1) * DAY
            )
        )
    specs = [spec for spec in demo.specs.values() if "sprint" in spec]
    done_at: dict[str, datetime.datetime] = {}
    for k, sprint in enumerate(sprints, start=1):
        for spec in specs:
            if spec["sprint"] == k:
                item = demo.items[spec["ref"]]
                demo.as_("chenhao", item)
                item_services.update_item(manager, item, version=item.version, sprint_id=sprint.pk)
        for username, days, focus in CAPACITY:
            days = days - 2 if k == 4 and username == "sunli" else days  # two days off this sprint
            services.set_capacity(manager, sprint, user_id=demo.users[username].pk, days=days, focus=Decimal(focus))
        if sprint.status != "planned" or k == len(sprints):
            continue
        services.start_sprint(manager, sprint)
        for spec in specs:
            ref = spec["ref"]
            if spec.get("finish", spec["sprint"]) == k and "day" in spec:
                demo.move(ref, len(demo.states(demo.items[ref])) - 1)
                done_at[ref] = _at(sprint.start_date + spec["day"] * DAY, 10 + len(done_at) % 8)
                WorkItem.all_objects.filter(pk=demo.items[ref].pk).update(done_at=done_at[ref])
            elif spec["sprint"] == k and spec.get("finish", k) > k:
                demo.move(ref, 1)  # started here, finished in a later sprint
            elif spec["sprint"] == k and spec.get("state"):
                demo.move(ref, spec["state"])
        if k < 4:
            services.close_sprint(manager, sprint, carry_over_to=sprints[k].pk, today=sprint.end_date)
            Sprint.objects.filter(pk=sprint.pk).update(closed_at=_at(sprint.end_date, 18))
            for spec in specs:  # the carry-over changed their version
                demo.reload(spec["ref"])
    _backdate(demo, sprints, specs, done_at)
    _retro(demo, sprints[2])
    context.update(sprints=sprints)


def _backdate(demo: Any, sprints: list[Sprint], specs: list[dict[str, Any]], done_at: dict[str, Any]) -> None:
    for n, spec in enumerate(specs):
        first = sprints[spec["sprint"] - 1]
        demo.backdate(spec["ref"], _at(first.start_date - 4 * DAY, 9 + n % 9), done_at.get(spec["ref"]))
    for sprint in sprints:
        Sprint.objects.filter(pk=sprint.pk).update(created_at=_at(sprint.start_date - 2 * DAY, 15))
        times = {
            "created": _at(sprint.start_date - 2 * DAY, 15),
            "capacity_set": _at(sprint.start_date - DAY, 16),
            "started": _at(sprint.start_date, 10),
            "closed": _at(sprint.end_date, 18),
        }
        for verb, when in times.items():
            Activity.objects.filter(target_type="sprint", target_id=sprint.pk, verb=verb).update(created_at=when)


def _retro(demo: Any, sprint: Sprint) -> None:
    sprint.project = demo.project("chenhao", "APP")
    notes = []
    for column, username, text in RETRO:
        member = demo.member(username)
        sprint.project = demo.project(username, "APP")
        notes.append(services.add_note(member, sprint, column=column, text=text))
    action = notes[-1]
    action.sprint.project = demo.project("wangqiang", "APP")
    services.note_to_item(demo.member("wangqiang"), action)
    when = _at(sprint.end_date, 16)
    Activity.objects.filter(target_type="retro_note", target_id__in=[n.pk for n in notes]).update(created_at=when)
    if action.work_item_id:
        WorkItem.all_objects.filter(pk=action.work_item_id).update(created_at=when, updated_at=when)
        Activity.objects.filter(target_type="work_item", target_id=action.work_item_id).update(created_at=when)
