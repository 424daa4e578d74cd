"""Demo people and organisation: 星辰科技, a product company with six departments."""

from typing import Any

from accounts import services
from accounts.models import TeamKind
from accounts.queries import members_for, membership_for
from core.demo_workspace import DEMO_EMAIL, DEMO_PASSWORD, DEMO_SLUG
from core.permissions import Role
from core.services import add_comment

# (username, display name, title, department, role, language)
PEOPLE = [
    ("linyue", "林悦", "高级产品经理", "产品", Role.OWNER, "zh-hans"),
    ("zhaomin", "赵敏", "产品总监", "产品", Role.ADMIN, "zh-hans"),
    ("chenhao", "陈浩", "产品经理", "产品", Role.MEMBER, "zh-hans"),
    ("wangqiang", "王强", "研发负责人", "研发", Role.ADMIN, "zh-hans"),
    ("liuyang", "刘洋", "后端工程师", "研发", Role.MEMBER, "zh-hans"),
    ("sunli", "孙莉", "前端工程师", "研发", Role.MEMBER, "zh-hans"),
    ("emily", "Emily Zhou", "Design Lead", "设计", Role.MEMBER, "en"),
    ("hejing", "何静", "交互设计师", "设计", Role.MEMBER, "zh-hans"),
    ("zhoupeng", "周鹏", "测试负责人", "测试", Role.MEMBER, "zh-hans"),
    ("wuxia", "吴霞", "测试工程师", "测试", Role.MEMBER, "zh-hans"),
    ("david", "David Li", "Marketing Manager", "市场", Role.MEMBER, "en"),
    ("guofang", "郭芳", "运营经理", "运营", Role.MEMBER, "zh-hans"),
    ("client", "客户代表 / Client", "外部干系人", None, Role.GUEST, "zh-hans"),
]
DEPARTMENTS = [  # (name, head username, description)
    ("产品", "zhaomin", "负责产品规划、需求管理与路线图。Product planning, requirements and roadmap."),
    ("研发", "wangqiang", "负责系统架构与开发交付。Engineering and delivery."),
    ("设计", "emily", "负责用户体验与视觉设计。UX and visual design."),
    ("测试", "zhoupeng", "负责质量保障与发布验证。Quality assurance."),
    ("市场", "david", "负责品牌、市场活动与销售支持。Marketing."),
    ("运营", "guofang", "负责用户运营、客服与数据分析。Operations and support."),
]


def build(context: dict[str, Any]) -> None:
    users = {}
    for username, name, _title, _dept, _role, language in PEOPLE:
        email = DEMO_EMAIL if username == "linyue" else f"{username}@demo.cadence.local"
        users[username] = services.create_user(
            email=email,
            username=username,
            password=DEMO_PASSWORD,
            display_name=name,
            language=language,
            check_password=False,
        )
    owner = users["linyue"]
    workspace = services.create_workspace(owner, name="星辰科技 Stellar Tech", slug=DEMO_SLUG)
    actor = membership_for(owner, workspace.slug)
    for user in users.values():
        if user != owner:
            services.add_member(actor, user=user)
    departments = {}
    for name, head, description in DEPARTMENTS:
        departments[name] = services.create_department(
            actor, name=name, head_id=users[head].pk, description=description
        )
    services.create_department(actor, name="移动端", parent_id=departments["研发"].pk, head_id=users["sunli"].pk)
    members = {m.user.username: m for m in members_for(actor)}
    for username, _name, title, dept, role, _lang in PEOPLE:
        member = members[username]
        services.change_member(
            actor,
            member,
            version=member.version,
            title=title,
            department_id=departments[dept].pk if dept else None,
            **({"role": role} if username != "linyue" else {}),
        )
    services.create_team(
        actor,
        name="App 小组",
        description="移动应用的产品、研发、设计与测试。",
        lead_id=users["chenhao"].pk,
        member_ids=[users[u].pk for u in ("chenhao", "liuyang", "sunli", "hejing", "wuxia")],
    )
    services.create_team(
        actor,
        name="618 大促跨部门工作组",
        kind=TeamKind.WORK_GROUP,
        description="产品、研发、市场与运营协同，保障 618 活动按时上线。",
        lead_id=users["linyue"].pk,
        member_ids=[users[u].pk for u in ("linyue", "wangqiang", "david", "guofang", "zhoupeng")],
    )
    add_comment(
        actor,
        target_type="department",
        target_id=departments["产品"].pk,
        body="本季度需求评审会改为每周二上午，请 @zhaomin 确认。\n\nRequirement reviews move to **Tuesday mornings**.",
    )
    context.update(workspace=workspace, actor=actor, users=users, departments=departments, members=members)
