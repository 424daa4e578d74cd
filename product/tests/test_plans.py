"""The ranked backlog is read through its indexes, on SQLite and on PostgreSQL: by score (highest
first, unscored last, then the manual rank) through `requirement_score`, and in the manual order
through `requirement_rank` — so the first page costs the same with 100 requirements or 100,000."""

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import F

from product import queries
from product.models import Requirement
from product.services import requirements


def _plan(qs: Any) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A table of a few dozen rows is cheaper to read whole and sort than through any index;
            # a real one is not. Forbidding both shows whether an index can give the order.
            cursor.execute("ANALYZE product_requirement, product_product")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(" ".join(str(v) for v in row) for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("order", "index"),
    [((F("score").desc(nulls_last=True), "rank", "pk"), "requirement_score"), (("rank", "pk"), "requirement_rank")],
)
def test_the_first_page_of_the_backlog_reads_an_index_in_order(world: Any, order: tuple, index: str) -> None:
    owner = world.members["owner"]
    product = world.extra["product"]
    for n in range(30):
        requirements.create_requirement(
            owner, product, title=f"R{n}", reach=n * 10, impact=Decimal("1"), confidence=50, effort=Decimal("1")
        )
    qs = queries.requirements_for(owner, {}).order_by(*order)[:100]
    plan = _plan(qs)
    assert index in plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan.split("\n")[0], plan
    assert len(list(qs)) == Requirement.objects.filter(workspace=world.acme).count()
