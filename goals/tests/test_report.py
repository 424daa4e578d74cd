"""The cycle report: per level and per department, its exports (formula-safe), and its API, in a
constant number of queries."""

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from accounts.models import Membership
from core.errors import NotFound, PermissionDenied
from goals.models import Confidence, KeyResult, Metric, Objective, ObjectiveLevel
from goals.queries import report
from goals.services.tree import refresh_cycle
from goals.tests.test_review import add_objectives

API = "/api/v1/workspaces/acme/goals"


def setup_departments(world: Any) -> Objective:
    """The member belongs to Mobile; a department objective of Product, owned by the admin, with a
    formula-like title and an off-track key result."""
    Membership.objects.filter(workspace=world.acme, user=world.users["member"]).update(department=world.leaf_department)
    cycle = world.extra["cycle"]
    objective = Objective.objects.create(
        workspace=world.acme,
        cycle=cycle,
        title="=HYPERLINK(evil)",
        level=ObjectiveLevel.DEPARTMENT,
        department=world.department,
        owner=world.users["admin"],
        score=Decimal("0.30"),
    )
    KeyResult.objects.create(
        workspace=world.acme,
        objective=objective,
        title="Tickets from 100 to 50",
        metric=Metric.NUMBER,
        start_value=Decimal(100),
        target_value=Decimal(50),
        current_value=Decimal(90),
        progress=20.0,
        confidence=Confidence.OFF_TRACK,
        owner=world.users["admin"],
        due_date=cycle.end_date,
    )
    refresh_cycle(cycle.pk)
    return objective


def test_report_per_level_and_department(world: Any) -> None:
    department_objective = setup_departments(world)
    KeyResult.objects.filter(pk=world.extra["key_result"].pk).update(confidence=Confidence.ON_TRACK)
    found = report.cycle_report(world.actor("member"), world.extra["cycle"].pk)
    total = found.total
    assert (total.objectives, total.key_results) == (3, 3)
    # Progress: company 50, team 0 (churn at 8 %), department 20.
    assert total.average_progress == pytest.approx(23.3, abs=0.05)
    # Scores: company 0.5 and team 0.0 suggested by progress, department 0.30 stored.
    assert total.average_score == Decimal("0.27")
    assert total.confidence == {"on_track": 1, "at_risk": 0, "off_track": 1, "none": 1}
    assert total.without_check_ins == 2
    levels = {g.key: g for g in found.levels}
    assert [g.key for g in found.levels] == [level.value for level in ObjectiveLevel]
    assert (levels["company"].objectives, levels["team"].objectives, levels["department"].objectives) == (1, 1, 1)
    assert levels["personal"].objectives == 0 and levels["personal"].average_progress is None
    departments = {g.key: g for g in found.departments}
    assert [g.key for g in found.departments] == [
        "company",
        f"department-{world.leaf_department.pk}",
        f"department-{world.department.pk}",
    ]
    assert departments[f"department-{world.leaf_department.pk}"].label == "Mobile"
    assert departments[f"department-{world.department.pk}"].average_score == Decimal("0.30")
    assert {o.pk for o in found.without_check_ins} == {department_objective.pk, world.extra["child_objective"].pk}


def test_objectives_of_owners_without_a_department(world: Any) -> None:
    found = report.cycle_report(world.actor("member"), world.extra["cycle"].pk)
    assert [g.key for g in found.departments] == ["company", "none"]


def test_report_is_scoped_and_for_members(world: Any) -> None:
    with pytest.raises(NotFound):
        report.cycle_report(world.actor("member"), world.extra["other_cycle"].pk)
    with pytest.raises(PermissionDenied):
        report.cycle_report(world.actor("guest"), world.extra["cycle"].pk)


def test_empty_cycle(world: Any) -> None:
    found = report.cycle_report(world.actor("member"), world.extra["closed_cycle"].pk)
    assert found.total.objectives == 0 and found.total.average_score is None and found.departments == []


def test_csv_export_is_formula_safe(world: Any) -> None:
    setup_departments(world)
    Objective.objects.filter(pk=world.extra["objective"].pk).update(title="+cmd")
    world.department.__class__.objects.filter(pk=world.department.pk).update(name="@SUM(A1)")
    body, content_type, name = report.export(world.actor("member"), world.extra["cycle"].pk, "csv")
    assert content_type.startswith("text/csv") and name.endswith(".csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Group", "Name", "Objectives", "Key results"]
    assert rows[1][:4] == ["Total", "All objectives", "3", "3"]
    names = [row[1] for row in rows]
    assert "'@SUM(A1)" in names and "@SUM(A1)" not in names
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_xlsx_export(world: Any) -> None:
    setup_departments(world)
    body, content_type, name = report.export(world.actor("member"), world.extra["cycle"].pk, "xlsx")
    assert name.endswith(".xlsx") and "spreadsheetml" in content_type
    sheet = load_workbook(io.BytesIO(body)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:4] == ("Total", "All objectives", 3, 3)
    assert rows[1][5] == pytest.approx(0.27)


def test_unknown_format(world: Any) -> None:
    from core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        report.export(world.actor("member"), world.extra["cycle"].pk, "pdf")
    assert set(caught.value.errors) == {"format"}


# --- The API -------------------------------------------------------------------------------------


def test_api_report_and_export(world: Any) -> None:
    setup_departments(world)
    client = world.client("member")
    response = client.get(f"{API}/cycles/{world.extra['cycle'].pk}/report")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["total"]["objectives"] == 3 and body["cycle"] == "This quarter"
    assert body["total"]["confidence"] == {"on_track": 0, "at_risk": 0, "off_track": 1, "none": 2}
    assert len(body["levels"]) == 5 and len(body["without_check_ins"]) == 2
    response = client.get(f"{API}/cycles/{world.extra['cycle'].pk}/report/export?format=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(f"{API}/cycles/{world.extra['cycle'].pk}/report/export?format=pdf").status_code == 422
    assert client.get(f"{API}/cycles/{world.extra['other_cycle'].pk}/report").status_code == 404


@pytest.mark.parametrize("count", [3, 30])
def test_report_queries_do_not_grow(world: Any, count: int, django_assert_max_num_queries: Any) -> None:
    add_objectives(world, count)
    setup_departments(world)
    client = world.client("member")
    # 10: a token's request also reads whether its address is locked out (SECURITY.md rule 9).
    with django_assert_max_num_queries(10):
        response = client.get(f"{API}/cycles/{world.extra['cycle'].pk}/report")
    assert response.json()["total"]["objectives"] == count + 3
    with django_assert_max_num_queries(10):
        assert client.get(f"{API}/cycles/{world.extra['cycle'].pk}/report/export").status_code == 200
