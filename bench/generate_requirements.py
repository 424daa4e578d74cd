"""Products, requirements and feedback for bench/generate.py (`--requirements N --feedback M`):
written with executemany (SQLite) or COPY (PostgreSQL), with the rows the services would write.

Eight products with four modules each. Requirements are spread over the products, statuses and
types; most have RICE inputs (some miss one, so they have no score), their ranking score is
computed by product/scoring.py as the services do, and the manual rank is spaced as
requirements.RANK_STEP spaces it. Feedback comes from customers (one per 50 feedback items), each
linked to one requirement, skewed so that a few requirements have thousands of items, as popular
requests do; feedback_count and customer_count are the counts the services keep.
"""

import datetime
import json
import random
import time
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import Workspace
from core import markdown
from product import scoring
from product.models import (
    Customer,
    Feedback,
    FeedbackChannel,
    FeedbackKind,
    FeedbackLink,
    FeedbackStatus,
    Module,
    Product,
    ProductSettings,
    Requirement,
    RequirementStatus,
    RequirementType,
    Revision,
    Segment,
    Sentiment,
    Source,
)
from product.services.requirements import RANK_STEP

FLUSH = 20_000
PRODUCTS = ["Cadence App", "Cadence Web", "支付中心", "数据平台", "Mobile SDK", "客服系统", "Search", "增长实验"]
MODULES = ["Login", "Billing", "Reports", "Settings", "登录", "报表", "通知", "权限"]
WORDS = ["export", "dark mode", "SSO", "导出", "批量编辑", "offline", "API", "审批流", "搜索", "dashboard"]
FEEDBACK = [
    "Please add {w}: we need it every week.",
    "希望支持{w}，现在很不方便。",
    "The {w} is slow on large projects.",
    "{w}经常出错，影响我们的工作。",
    "Love the new {w}!",
]
YEAR = datetime.timedelta(days=365)


def _columns(model: type[models.Model], with_ids: bool) -> list[str]:
    return [str(f.column) for f in model._meta.concrete_fields if with_ids or not f.primary_key]


def write(
    model: type[models.Model],
    rows: Iterable[dict[str, Any]],
    step: Callable[[str, float, int], None],
    *,
    with_ids: bool = False,
) -> int:
    """Insert rows (dicts by column; `with_ids`: with their id) in transactions of FLUSH; returns
    how many. generate_goals.py writes its rows with this too."""
    table, columns = model._meta.db_table, _columns(model, with_ids)
    postgres = connection.vendor == "postgresql"
    started, count = time.perf_counter(), 0
    buffer: list[tuple[Any, ...]] = []

    def flush() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            if postgres:
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in buffer:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", buffer)  # noqa: S608

    for row in rows:
        buffer.append(tuple(row[c] for c in columns))
        count += 1
        if len(buffer) >= FLUSH:
            flush()
            buffer = []
    if buffer:
        flush()
    if postgres and with_ids:  # explicit ids: the sequence must follow them
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
                cursor.execute(sql)
    step(table.removeprefix(f"{model._meta.app_label}_"), started, count)
    return count


def _versioned(now: datetime.datetime) -> dict[str, Any]:
    return {"version": 1, "created_at": now, "updated_at": now}


def make_products(ws: Workspace, owner_id: int) -> tuple[list[Product], dict[int, list[int]]]:
    now = timezone.now()
    products = Product.objects.bulk_create(
        [
            Product(workspace=ws, name=name, owner_id=owner_id, form_enabled=True, form_token=f"bench-form-{i}")
            for i, name in enumerate(PRODUCTS)
        ]
    )
    modules = Module.objects.bulk_create(
        [Module(workspace=ws, product=p, name=m, created_at=now) for p in products for m in MODULES[:4]]
    )
    by_product: dict[int, list[int]] = {}
    for module in modules:
        by_product.setdefault(module.product_id, []).append(module.pk)
    return products, by_product


def make_requirements(
    ws: Workspace,
    count: int,
    feedback: int,
    user_ids: list[int],
    rng: random.Random,
    step: Callable[[str, float, int], None],
) -> dict[str, Any]:
    """Requirements, customers, feedback and links; returns what the load client needs."""
    products, modules = make_products(ws, user_ids[0])
    settings, _ = ProductSettings.objects.get_or_create(workspace=ws)
    settings.next_number = count + 1
    settings.demand_weight = Decimal("0.1")
    settings.save()
    now = timezone.now()
    statuses = list(RequirementStatus.values)
    # Each requirement's share of the feedback: a few popular requests get most of it.
    weights = [1 / (n + 1) ** 0.8 for n in range(count)]
    rng.shuffle(weights)
    links_of = [0] * count
    for index in rng.choices(range(count), weights=weights, k=feedback):
        links_of[index] += 1
    customers = max(1, feedback // 50)
    customer_sets: list[set[int]] = [set() for _ in range(count)]
    link_rows: list[tuple[int, int]] = []  # (requirement index, customer index) in feedback id order
    for index, n in enumerate(links_of):
        for _ in range(n):
            customer = int(customers * rng.random() ** 2)
            customer_sets[index].add(customer)
            link_rows.append((index, customer))
    rng.shuffle(link_rows)

    segments = Segment.values

    def requirement_rows() -> Iterable[dict[str, Any]]:
        description = "## Background\n\nCustomers ask for it.\n\n## Scope\n\n- one\n- two\n"
        html = markdown.render(description)
        for i in range(count):
            product = products[i % len(products)]
            created = now - YEAR + YEAR * i / count
            inputs = {
                "reach": rng.choice([None] + [rng.randint(10, 20_000)] * 19),
                "impact": rng.choice(scoring.IMPACTS),
                "confidence": rng.choice([50, 80, 100]),
                "effort": Decimal(rng.randint(1, 40)) / 4,  # person-months
                "user_value": rng.choice(scoring.RELATIVE_SCALE),
                "time_criticality": rng.choice(scoring.RELATIVE_SCALE),
                "risk_reduction": rng.choice(scoring.RELATIVE_SCALE),
                "job_size": rng.choice(scoring.RELATIVE_SCALE),
            }
            score = scoring.ranking_score(
                settings.scoring_model, inputs, customers=len(customer_sets[i]), weight=settings.demand_weight
            )
            yield {
                "workspace_id": ws.pk,
                "number": i + 1,
                "product_id": product.pk,
                "module_id": rng.choice(modules[product.pk]),
                "title": f"{rng.choice(WORDS)} #{i + 1}",
                "description": description,
                "description_html": html,
                "revision": 1,
                "type": rng.choice(RequirementType.values),
                "source": rng.choice(Source.values),
                "proposer_id": rng.choice(user_ids),
                "owner_id": rng.choice(user_ids[:50]),
                "tags": '["bench"]',
                "status": rng.choice(statuses),
                "release_id": None,
                "released_at": None,
                "feasibility": rng.randint(1, 5),
                "market_potential": rng.randint(1, 5),
                "moscow": rng.choice(["must", "should", "could", "wont", ""]),
                "kano": rng.choice(["must_be", "performance", "attractive", "indifferent", ""]),
                "score": score,
                "rank": (i + 1) * RANK_STEP,
                "feedback_count": links_of[i],
                "customer_count": len(customer_sets[i]),
                "segments": json.dumps(sorted({segments[c % len(segments)] for c in customer_sets[i]})),
                "deleted_at": None,
                "deleted_by_id": None,
                **inputs,
                **_versioned(created),
            }

    write(Requirement, requirement_rows(), step)
    first = Requirement.objects.filter(workspace=ws).order_by("pk").values_list("pk", flat=True).first() or 0
    write(
        Revision,
        (
            {
                "workspace_id": ws.pk,
                "requirement_id": first + i,
                "number": 1,
                "title": f"#{i + 1}",
                "description": "",
                "author_id": user_ids[0],
                "created_at": now,
            }
            for i in range(count)
        ),
        step,
    )
    write(
        Customer,
        (
            {
                "workspace_id": ws.pk,
                "name": f"Customer {c}" if c % 2 else f"客户{c}",
                "company": f"Company {c // 3}",
                "segment": segments[c % len(segments)],
                "email": f"customer{c}@example.test",
                "identity": f"customer{c}@example.test",
                **_versioned(now),
            }
            for c in range(customers)
        ),
        step,
    )
    first_customer = Customer.objects.filter(workspace=ws).order_by("pk").values_list("pk", flat=True).first() or 0
    channels, kinds, sentiments = FeedbackChannel.values, FeedbackKind.values, Sentiment.values

    def feedback_rows() -> Iterable[dict[str, Any]]:
        for n, (index, customer) in enumerate(link_rows):
            yield {
                "workspace_id": ws.pk,
                "product_id": products[index % len(products)].pk,
                "channel": channels[n % len(channels)],
                "customer_id": first_customer + customer,
                "content": FEEDBACK[n % len(FEEDBACK)].format(w=WORDS[n % len(WORDS)]),
                "kind": kinds[n % len(kinds)],
                "sentiment": sentiments[n % len(sentiments)],
                "tags": "[]",
                "status": FeedbackStatus.LINKED,
                "submitted_by_id": None,
                "answered_at": None,
                "deleted_at": None,
                "deleted_by_id": None,
                **_versioned(now - YEAR + YEAR * n / max(1, feedback)),
            }

    write(Feedback, feedback_rows(), step)
    first_feedback = Feedback.objects.filter(workspace=ws).order_by("pk").values_list("pk", flat=True).first() or 0
    write(
        FeedbackLink,
        (
            {
                "workspace_id": ws.pk,
                "feedback_id": first_feedback + n,
                "requirement_id": first + index,
                "created_by_id": user_ids[0],
                "created_at": now,
            }
            for n, (index, _customer) in enumerate(link_rows)
        ),
        step,
    )
    busiest = max(range(count), key=lambda i: links_of[i])
    return {"requirement": busiest + 1, "requirement_feedback": links_of[busiest], "requirements": count}
