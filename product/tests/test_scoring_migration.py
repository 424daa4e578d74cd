"""The migration that gives WSJF its own job size and RICE its effort in person-months: what it does
to the data, both ways (the rules are in the migration's docstring)."""

import importlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from product.models import Requirement

NAME = next(Path(__file__).parent.parent.glob("migrations/*_wsjf_job_size_and_effort_in_person_months.py")).stem
migration: Any = importlib.import_module(f"product.migrations.{NAME}")


def test_person_weeks_come_back_unchanged_from_person_months() -> None:
    for tenths in range(1, 2001):
        weeks = Decimal(tenths) / 10
        months = migration.months_from_weeks(weeks)
        assert months > 0 and months == months.quantize(Decimal("0.01")), weeks
        assert migration.weeks_from_months(months) == weeks, weeks


def test_a_week_is_about_a_quarter_of_a_month() -> None:
    assert migration.months_from_weeks(Decimal("1")) == Decimal("0.23")
    assert migration.months_from_weeks(Decimal("52")) == Decimal("12.00")
    assert migration.weeks_from_months(Decimal("0.01")) == Decimal("0.1")  # never rounded down to zero


def test_old_ten_point_values_go_to_the_nearest_step() -> None:
    assert [migration.nearest_step(v) for v in range(1, 11)] == [1, 2, 3, 5, 5, 5, 8, 8, 8, 8]
    assert [migration.nearest_step(Decimal(w)) for w in ("0.5", "4", "10.5", "40")] == [1, 5, 13, 20]


def has_the_score_index() -> bool:
    with connection.cursor() as cursor:
        return "requirement_score" in connection.introspection.get_constraints(cursor, "product_requirement")


@pytest.mark.django_db(transaction=True)
def test_the_migration_converts_the_data_and_back(world: Any) -> None:
    requirement = world.extra["requirement"]  # RICE: reach 1000, impact 2, confidence 80 %
    executor = MigrationExecutor(connection)
    previous = [(key, name) for key, name in executor.loader.graph.leaf_nodes() if key == "product"]
    before = [n for n in executor.loader.graph.node_map[("product", NAME)].parents if n[0] == "product"]
    try:
        executor.migrate(before)
        executor.loader.build_graph()
        old = executor.loader.project_state(before[0]).apps.get_model("product", "Requirement")
        old._base_manager.filter(pk=requirement.pk).update(
            effort=Decimal("26"), user_value=7, time_criticality=10, risk_reduction=4
        )
        executor.migrate([("product", NAME)])
        converted = Requirement.all_objects.get(pk=requirement.pk)
        # 26 weeks are 6 months; 7 → 8, 10 → 8, 4 → 5; the old job size, 26 weeks, is 20 at most.
        assert converted.effort == Decimal("6.00")
        assert (converted.user_value, converted.time_criticality, converted.risk_reduction) == (8, 8, 5)
        assert converted.job_size == 20
        assert converted.score == pytest.approx(1000 * 2 * 0.8 / 6)  # recomputed: RICE ÷ 6 months
        assert has_the_score_index()  # SQLite rebuilt the table, and the backlog's index with it
        executor.loader.build_graph()
        executor.migrate(before)
        executor.loader.build_graph()
        row = old._base_manager.get(pk=requirement.pk)
        assert row.effort == Decimal("26.0") and row.score == pytest.approx(1000 * 2 * 0.8 / 26)
        assert (row.user_value, row.time_criticality, row.risk_reduction) == (8, 8, 5)
        assert has_the_score_index()
    finally:
        executor.loader.build_graph()
        executor.migrate(previous)
