"""The demo's product work: 星辰 App with a requirement pool at every step of the workflow,
feedback from several channels in Chinese and English (triaged and linked, some still new), three
releases on the roadmap (one shipped, one under way, one long term), and loop 1 run once for real:
the shipped release's requirements are released and the people who asked for them are told."""

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.queries import membership_for
from product.models import Horizon, Requirement
from product.services import feedback as feedback_services
from product.services import products, releases, requirements

PRODUCT = {
    "name": "星辰 App · Stellar App",
    "vision": "让每一次购物都又快又安心。Shopping that is fast and worry-free, every time.",
    "target_users": "一二线城市 25–40 岁的移动端购物用户；企业采购人员。Mobile shoppers aged 25–40; business buyers.",
    "goals": "- 登录转化率提升到 92%\n- 支付成功率 99.5%\n- 首页冷启动 < 1.5 s\n- 应用商店评分 4.7",
}
MODULES = ["登录与账户 Accounts", "支付 Payments", "消息通知 Notifications", "性能 Performance"]
# ref, title, module, type, source, proposer, owner, RICE (reach, impact, confidence, effort in person-months),
# WSJF's job size (1, 2, 3, 5, 8, 13, 20), moscow, kano, items
REQUIREMENTS: list[dict[str, Any]] = [
    {
        "ref": "sms",
        "title": "手机号验证码登录 Sign in with an SMS code",
        "module": 0,
        "type": "feature",
        "source": "user_feedback",
        "owner": "chenhao",
        "rice": (8000, "2", 100, "0.75"),
        "job_size": 3,
        "moscow": "must",
        "kano": "must_be",
        "items": ["APP-5"],
        "release": "v2.0",
        "status": ["in_review", "approved"],
    },
    {
        "ref": "wechat",
        "title": "微信一键登录 One-tap WeChat sign-in",
        "module": 0,
        "type": "feature",
        "source": "customer",
        "owner": "chenhao",
        "rice": (6000, "2", 80, "0.5"),
        "job_size": 2,
        "moscow": "must",
        "kano": "performance",
        "items": ["APP-9"],
        "release": "v2.0",
        "status": ["in_review", "approved"],
    },
    {
        "ref": "pay",
        "title": "接入支付宝与微信支付 Alipay and WeChat Pay",
        "module": 1,
        "type": "feature",
        "source": "market_research",
        "owner": "linyue",
        "rice": (9000, "3", 80, "1.5"),
        "job_size": 5,
        "moscow": "must",
        "kano": "must_be",
        "items": ["APP-14", "APP-15", "APP-16"],
        "release": "v2.0",
        "status": ["in_review", "approved"],
    },
    {
        "ref": "refund",
        "title": "退款申请流程 Refund requests in the app",
        "module": 1,
        "type": "feature",
        "source": "user_feedback",
        "owner": "linyue",
        "rice": (2500, "2", 80, "0.75"),
        "job_size": 3,
        "moscow": "should",
        "kano": "performance",
        "items": ["APP-18"],
        "release": "v2.1",
        "status": ["in_review", "approved"],
    },
    {
        "ref": "inbox",
        "title": "消息中心 A notification centre",
        "module": 2,
        "type": "feature",
        "source": "user_feedback",
        "owner": "chenhao",
        "rice": (5000, "1", 80, "1"),
        "job_size": 5,
        "moscow": "should",
        "kano": "attractive",
        "items": ["APP-21"],
        "release": "v2.1",
        "status": ["in_review", "approved"],
        "started": True,
    },
    {
        "ref": "coldstart",
        "title": "首页冷启动优化到 1.5 秒以内 Cold start under 1.5 s",
        "module": 3,
        "type": "improvement",
        "source": "data",
        "owner": "wangqiang",
        "rice": (12000, "1", 100, "1.25"),
        "job_size": 5,
        "moscow": "should",
        "kano": "performance",
        "items": ["APP-23"],
        "release": "v2.1",
        "status": ["in_review", "approved"],
        "started": True,
    },
    {
        "ref": "delete",
        "title": "账号注销流程（合规要求）Account deletion (compliance)",
        "module": 0,
        "type": "feature",
        "source": "internal",
        "owner": "linyue",
        "rice": (300, "3", 100, "0.5"),
        "job_size": 2,
        "moscow": "must",
        "kano": "must_be",
        "items": ["APP-12"],
        "release": "v2.1",
        "status": ["in_review", "approved"],
        "started": True,
    },
    {
        "ref": "dark",
        "title": "深色模式 Dark mode",
        "module": None,
        "type": "feature",
        "source": "user_feedback",
        "owner": "chenhao",
        "rice": (7000, "1", 80, "1"),
        "job_size": 5,
        "moscow": "could",
        "kano": "attractive",
        "items": ["APP-41"],
        "status": ["in_review", "approved"],
    },
    {
        "ref": "points",
        "title": "会员积分体系 Membership points",
        "module": 1,
        "type": "feature",
        "source": "competitor",
        "owner": "linyue",
        "rice": (10000, "2", 50, "3"),
        "job_size": 13,
        "moscow": "could",
        "kano": "attractive",
        "release": "v3.0",
        "status": ["in_review", "approved"],
    },
    {
        "ref": "api",
        "title": "面向合作伙伴的开放 API Open API for partners",
        "module": None,
        "type": "feature",
        "source": "customer",
        "owner": "zhaomin",
        "rice": (400, "3", 50, "2.5"),
        "job_size": 8,
        "moscow": "should",
        "kano": "performance",
        "release": "v3.0",
        "status": ["in_review", "approved"],
    },
    {
        "ref": "offline",
        "title": "离线浏览商品 Browse products offline",
        "module": 3,
        "type": "feature",
        "source": "user_feedback",
        "owner": "chenhao",
        "rice": (3000, "1", 50, "2"),
        "job_size": 8,
        "status": ["in_review"],
    },
    {
        "ref": "export",
        "title": "批量导出订单（Excel）Export orders to Excel",
        "module": 1,
        "type": "feature",
        "source": "customer",
        "owner": "linyue",
        "rice": (800, "1", 80, "0.5"),
        "job_size": 2,
        "status": [
            "in_review",
            ("needs_clarification", "需要确认导出字段和数据权限。Which columns, and who may export?"),
        ],
    },
    {
        "ref": "miniprogram",
        "title": "微信小程序版本 A WeChat mini program",
        "module": None,
        "type": "feature",
        "source": "competitor",
        "owner": "zhaomin",
        "rice": (5000, "2", 50, "5"),
        "job_size": 20,
        "status": [
            "in_review",
            ("rejected", "本季度资源优先保障支付与性能，明年再评估。Payments and speed first; revisit next year."),
        ],
    },
    {
        "ref": "lazy",
        "title": "图片懒加载与本地缓存 Lazy image loading and a local cache",
        "module": 3,
        "type": "tech_debt",
        "source": "data",
        "owner": "wangqiang",
        "items": ["APP-25"],
        "status": [],
    },
    {
        "ref": "ipad",
        "title": "iPad 横屏适配 iPad landscape layout",
        "module": None,
        "type": "improvement",
        "source": "user_feedback",
        "owner": "chenhao",
        "status": [],
    },
]
RELEASES = [
    (
        "v2.0",
        "v2.0 登录与支付 · Sign-in and payments",
        "更快登录，放心支付 Faster sign-in, safe payments",
        -20,
        Horizon.SHORT_TERM,
    ),
    (
        "v2.1",
        "v2.1 消息与性能 · Messages and speed",
        "少等待，不错过 Less waiting, nothing missed",
        25,
        Horizon.SHORT_TERM,
    ),
    (
        "v3.0",
        "v3.0 会员与开放平台 · Membership and partners",
        "从工具到平台 From an app to a platform",
        150,
        Horizon.LONG_TERM,
    ),
]
# channel, customer (name, company, segment, email) or None for a member's own, content, kind, sentiment, links
FEEDBACK: list[tuple[str, tuple[str, str, str, str] | None, str, str, str, list[str]]] = [
    (
        "app_store",
        ("张伟", "", "consumer", "zhang.wei@example.com"),
        "每次登录都要输密码太麻烦了，能不能用手机验证码登录？",
        "suggestion",
        "negative",
        ["sms"],
    ),
    (
        "support",
        ("Li Na", "Brightway Retail", "mid_market", "li.na@brightway.example"),
        "Our staff share tablets; an SMS code sign-in would save us a lot of password resets.",
        "suggestion",
        "neutral",
        ["sms"],
    ),
    (
        "social",
        ("王芳", "", "consumer", ""),
        "微信登录什么时候支持？现在注册流程太长了。",
        "complaint",
        "negative",
        ["wechat"],
    ),
    (
        "sales",
        ("陈总", "华东连锁超市", "enterprise", "chen@huadong.example"),
        "门店采购希望直接用微信支付下单，月结也行。",
        "suggestion",
        "neutral",
        ["pay", "wechat"],
    ),
    (
        "interview",
        ("Tom Baker", "Nimbus Foods", "enterprise", "tom@nimbus.example"),
        "Checkout failed twice with Alipay on Android. We need payments we can trust.",
        "complaint",
        "negative",
        ["pay"],
    ),
    (
        "in_app",
        None,
        "退款只能打客服电话，用户投诉很多，建议在订单页直接申请退款。",
        "suggestion",
        "negative",
        ["refund"],
    ),
    (
        "support",
        ("刘洋洋", "", "consumer", "lyy@example.com"),
        "申请退款要等三天才有人回复，体验很差。",
        "complaint",
        "negative",
        ["refund"],
    ),
    (
        "survey",
        ("Grace Wu", "", "consumer", "grace.wu@example.com"),
        "I miss order updates because there is no place to see past notifications.",
        "suggestion",
        "neutral",
        ["inbox"],
    ),
    (
        "app_store",
        ("赵磊", "", "consumer", ""),
        "打开 App 要等好几秒，首页白屏时间太长。",
        "complaint",
        "negative",
        ["coldstart"],
    ),
    (
        "survey",
        ("Anna Schmidt", "", "consumer", "anna@example.de"),
        "Please add a dark mode, the white screen hurts at night.",
        "suggestion",
        "neutral",
        ["dark"],
    ),
    ("social", ("小雨", "", "consumer", ""), "求深色模式！晚上刷太刺眼了🙏", "suggestion", "positive", ["dark"]),
    (
        "app_store",
        ("Kevin Zhou", "", "consumer", "kevin.z@example.com"),
        "Great app, but a dark theme would make it perfect.",
        "evaluation",
        "positive",
        ["dark"],
    ),
    (
        "interview",
        ("周敏", "云启科技", "small_business", "zhoumin@yunqi.example"),
        "出差在地铁里没有网络时也想看看之前浏览过的商品。",
        "suggestion",
        "neutral",
        ["offline"],
    ),
    (
        "sales",
        ("Mark Lee", "Harbor Hotels", "enterprise", "mark.lee@harbor.example"),
        "Finance needs to export all orders of a month to Excel for reconciliation.",
        "suggestion",
        "neutral",
        ["export"],
    ),
    (
        "public_form",
        ("孙悦", "", "consumer", "sunyue@example.com"),
        "新版本的商品详情页加载很快，赞！",
        "evaluation",
        "positive",
        [],
    ),
    (
        "support",
        ("Emma Davis", "", "consumer", ""),
        "The app crashes when I rotate my iPad to landscape.",
        "complaint",
        "negative",
        ["ipad"],
    ),
    ("public_form", ("匿名用户", "", "", ""), "希望能支持 Apple Pay。", "suggestion", "neutral", []),
    (
        "in_app",
        None,
        "Design review: the settings page needs a dark theme too, not only the home page.",
        "suggestion",
        "neutral",
        ["dark"],
    ),
]


class Demo:
    def __init__(self, context: dict[str, Any]) -> None:
        self.workspace = context["workspace"]
        self.users = context["users"]
        self._members: dict[str, Any] = {}

    def member(self, username: str) -> Any:
        if username not in self._members:
            self._members[username] = membership_for(self.users[username], self.workspace.slug)
        return self._members[username]

    @staticmethod
    def fresh(requirement: Requirement) -> Requirement:
        return Requirement.objects.select_related("product").get(pk=requirement.pk)


def _requirements(demo: Demo, product: Any, modules: list[Any]) -> dict[str, Requirement]:
    pm = demo.member("linyue")
    made = {}
    for spec in REQUIREMENTS:
        fields: dict[str, Any] = {
            "type": spec["type"],
            "source": spec["source"],
            "owner_id": demo.users[spec["owner"]].pk,
            "description": _prd(spec["title"]),
            "tags": [_half_year()] if spec.get("release") else [],
        }
        if spec["module"] is not None:
            fields["module_id"] = modules[spec["module"]].pk
        if "rice" in spec:
            reach, impact, confidence, effort = spec["rice"]
            fields |= {"reach": reach, "impact": Decimal(impact), "confidence": confidence, "effort": Decimal(effort)}
            user_value = 13 if reach >= 8000 else 8 if reach >= 5000 else 5 if reach >= 2000 else 3
            fields |= {"user_value": user_value, "time_criticality": 5, "risk_reduction": 3}
            fields["job_size"] = spec["job_size"]
        for key in ("moscow", "kano"):
            if key in spec:
                fields[key] = spec[key]
        proposer = demo.member(spec["owner"])
        made[spec["ref"]] = requirements.create_requirement(proposer, product, title=spec["title"], **fields)
    # One PRD grows a second version, so the compare page has something to show.
    sms = demo.fresh(made["sms"])
    requirements.update_requirement(
        pm,
        sms,
        version=sms.version,
        description=_prd(sms.title)
        + "\n## 风控 Risk control\n\n- 同一手机号每天最多 10 条验证码\n- 图形验证码在 3 次失败后出现\n",
    )
    return made


def _half_year() -> str:
    today = timezone.localdate()
    return f"{today.year}H{1 if today.month <= 6 else 2}"


def _prd(title: str) -> str:
    return (
        f"## 背景 Background\n\n用户反馈与数据都指向这个问题：{title}。\n\n"
        "## 目标 Goal\n\n- 减少用户步骤 Fewer steps for users\n"
        "- 上线后 30 天内验证指标 Measured 30 days after launch\n\n"
        "## 范围 Scope\n\n- iOS 与 Android\n- 不含小程序 Not the mini program\n"
    )


def _feedback(demo: Demo, product: Any, made: dict[str, Requirement]) -> None:
    triager = demo.member("chenhao")
    for channel, customer, content, kind, sentiment, links in FEEDBACK:
        name, company, segment, email = customer or ("", "", "", "")
        # Feedback without a customer is a member's own: Emily's design note, else the operations lead's.
        author = "chenhao" if customer else "emily" if content.startswith("Design") else "guofang"
        item = feedback_services.create_feedback(
            demo.member(author),
            product_id=product.pk,
            content=content,
            channel=channel,
            kind=kind,
            sentiment=sentiment,
            customer_name=name,
            customer_company=company,
            customer_segment=segment,
            customer_email=email,
        )
        for ref in links:
            feedback_services.link_requirement(triager, item, demo.fresh(made[ref]))


def _workflow(demo: Demo, made: dict[str, Requirement], release_of: dict[str, Any]) -> None:
    reviewer = demo.member("zhaomin")
    for spec in REQUIREMENTS:
        for step in spec["status"]:
            target, reason = step if isinstance(step, tuple) else (step, "")
            if target == "approved":
                reason = "需求评审会通过。Approved in the requirement review."
            requirement = demo.fresh(made[spec["ref"]])
            requirements.transition(reviewer, requirement, status=target, version=requirement.version, reason=reason)
        pm = demo.member(spec["owner"])
        for key in spec.get("items", []):
            requirements.link_item(pm, demo.fresh(made[spec["ref"]]), item_key=key)
        if "release" in spec:
            requirement = demo.fresh(made[spec["ref"]])
            releases.plan(pm, requirement, release_id=release_of[spec["release"]].pk, version=requirement.version)
        if spec.get("started"):
            requirement = demo.fresh(made[spec["ref"]])
            requirements.transition(pm, requirement, status="in_progress", version=requirement.version)


def build(context: dict[str, Any]) -> None:
    demo = Demo(context)
    pm = demo.member("linyue")
    products.update_settings(pm, version=products.settings_for(demo.workspace.pk).version, demand_weight=Decimal("0.1"))
    product = products.create_product(pm, owner_id=demo.users["linyue"].pk, form_enabled=True, **PRODUCT)
    modules = [products.create_module(pm, product, name=name) for name in MODULES]
    made = _requirements(demo, product, modules)
    _feedback(demo, product, made)
    today = timezone.localdate()
    release_of = {
        ref: releases.create_release(
            pm,
            product,
            name=name,
            theme=theme,
            start_date=today + datetime.timedelta(days=days - 45),
            target_date=today + datetime.timedelta(days=days),
            horizon=horizon,
        )
        for ref, name, theme, days, horizon in RELEASES
    }
    _workflow(demo, made, release_of)
    under_way = release_of["v2.1"]
    releases.update_release(pm, under_way, version=under_way.version, status="in_progress")
    # v2.0 ships: its requirements' work is done, so they are released and their askers told.
    releases.ship(pm, release_of["v2.0"])
    context.update(product=product, requirements=made, releases=release_of)
