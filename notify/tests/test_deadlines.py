"""The types that declare a deadline (core.registry.Deadline), as the reminder scan needs them: each
declares an index that starts with the workspace, fields its `open` compares for equality and the
due date, the scan reads it (with the due-date range in the index's condition), and each has the
three events the scan emits, labelled in both languages."""

import datetime
import re
from typing import Any

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts import services as accounts
from core import registry
from core.registry import Deadline, ObjectType, deadline_types
from goals.models import Cycle
from notify import reminders, services
from notify.events import get_event
from notify.models import Notification
from projects.services import items

TODAY = datetime.date(2026, 11, 23)
KINDS = ("due_soon", "overdue", "escalated")
# Cycles "due" at their end, "owned" by who reopened them: their only index, cycle_list, starts with
# the workspace and the start date, so it narrows the scan to the workspace and no further.
UNSERVED = ObjectType(
    "cycle_end",
    Cycle,
    "goals.view",
    "goals.manage",
    deadline=Deadline(open=Q(status="active"), index="cycle_list", owner="reopened_by", due="end_date"),
)


def equality_fields(condition: Q) -> set[str]:
    """The fields of the type's own table that `condition` compares for equality (=, IN, IS NULL)
    in every row it admits."""
    if condition.connector != Q.AND or condition.negated:
        return set()
    fields: set[str] = set()
    for child in condition.children:
        if isinstance(child, Q):
            fields |= equality_fields(child)
        elif isinstance(child, tuple):  # (lookup, value)
            name, _, lookup = child[0].partition("__")
            if lookup in ("", "exact", "in", "isnull"):
                fields.add(name)
    return fields


def index_problem(object_type: ObjectType) -> str | None:
    """What keeps the type's declared index from serving the scan, which filters on the workspace,
    on `open` and on a range of the due date; None when it serves."""
    deadline = object_type.deadline
    assert deadline is not None
    index = next((i for i in object_type.model._meta.indexes if i.name == deadline.index), None)
    if index is None:
        return f"{object_type.name}: {object_type.model.__name__} has no index {deadline.index}"
    fields = [f.lstrip("-") for f in index.fields]
    lead = fields[: fields.index(deadline.due)] if deadline.due in fields else []
    if not lead or lead[0] != "workspace" or not set(lead[1:]) <= equality_fields(deadline.open):
        return (
            f"{object_type.name}: {deadline.index} {fields} does not start with the workspace, fields "
            f"that `open` compares for equality, and {deadline.due}"
        )
    return None


def scan_plan_problem(object_type: ObjectType, workspace_id: int) -> str | None:
    """What keeps SQLite from reading the scan's candidates through the declared index, the range of
    the due date in the index's condition; None when it does."""
    deadline = object_type.deadline
    assert deadline is not None
    due = object_type.model._meta.get_field(deadline.due).column  # type: ignore[union-attr]
    query = reminders.due_between(workspace_id, TODAY, TODAY + datetime.timedelta(days=3), object_type.name)
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = "\n".join(" ".join(str(v) for v in row) for row in cursor.fetchall())
    if re.search(rf"USING (COVERING )?INDEX {deadline.index} \([^)]*\b{due}>\?", plan):
        return None
    return f"{object_type.name}: the scan does not read {deadline.index}:\n{plan}"


def test_the_types_that_declare_a_deadline() -> None:
    assert sorted(t.name for t in deadline_types()) == ["key_result", "work_item"]


@pytest.mark.parametrize("type_name", [t.name for t in deadline_types()])
def test_each_declared_type_has_an_index_that_serves_the_scan(type_name: str) -> None:
    assert index_problem(registry.get_type(type_name)) is None


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="PostgreSQL picks among indexes by statistics, meaningless on a test's dozen rows; "
    "notify's test_reminders holds work items to item_due on PostgreSQL with a realistic table",
)
@pytest.mark.parametrize("type_name", [t.name for t in deadline_types()])
def test_each_declared_type_finds_what_is_due_through_its_index(world: Any, type_name: str) -> None:
    assert scan_plan_problem(registry.get_type(type_name), world.acme.pk) is None


def test_a_type_whose_due_date_has_no_index_fails_the_index_checks(world: Any, monkeypatch: Any) -> None:
    assert index_problem(UNSERVED) == (
        "cycle_end: cycle_list ['workspace', 'start_date'] does not start with the workspace, fields "
        "that `open` compares for equality, and end_date"
    )
    no_such_index = ObjectType("x", Cycle, "goals.view", "goals.manage", deadline=Deadline(open=Q(), index="nope"))
    assert index_problem(no_such_index) == "x: Cycle has no index nope"
    if connection.vendor == "sqlite":
        monkeypatch.setitem(registry._types, UNSERVED.name, UNSERVED)  # due_between finds types by name
        assert "the scan does not read cycle_list" in (scan_plan_problem(UNSERVED, world.acme.pk) or "")


def test_each_declared_type_has_the_events_the_scan_emits_labelled_in_both_languages() -> None:
    for object_type in deadline_types():
        for kind in KINDS:
            event = get_event(f"{object_type.name}.{kind}")  # KeyError: not declared
            with translation.override("en"):
                english = (str(event.label), str(event.title))
            with translation.override("zh-hans"):
                chinese = (str(event.label), str(event.title))
            assert all(e != c for e, c in zip(english, chinese, strict=True)), (event.name, english)


def test_a_long_escalation_wait_reads_two_ranges_and_nothing_between_them(world: Any) -> None:
    """With escalation after 20 days the overdue window (1–7 days) and the escalation window
    (20–27 days) leave a gap: what is 8–19 days overdue is neither read nor told."""
    current = reminders.reminder_settings(world.acme.pk)
    services.update_reminder_settings(world.actor("owner"), version=current.version, escalate_after_days=20)
    owner, day = world.actor("owner"), datetime.timedelta(days=1)
    sales = accounts.create_department(owner, name="Sales", head_id=world.users["admin"].pk)
    carol = world.actor("member")
    carol.refresh_from_db()
    accounts.change_member(owner, carol, version=carol.version, department_id=sales.pk)
    due = {days: TODAY - days * day for days in (1, 12, 20)}
    made = {
        days: items.create_item(
            owner, world.extra["project"], title=f"{days} days", owner_id=world.users["member"].pk, due_date=date
        )
        for days, date in due.items()
    }
    now = datetime.datetime(2026, 11, 22, 17, 0, tzinfo=datetime.UTC)  # Monday 01:00 in Shanghai

    with CaptureQueriesContext(connection) as scan:
        result = reminders.scan_due_dates(now)
    assert (result.found["overdue"], result.found["escalated"]) == (1, 1)
    candidates = [q["sql"] for q in scan.captured_queries if "projects_workitem" in q["sql"] and "BETWEEN" in q["sql"]]
    assert len(candidates) == 2 + 1, candidates  # two ranges in acme; one in the other workspace (3 days)
    told = Notification.objects.filter(event__in=["work_item.overdue", "work_item.escalated"])
    assert sorted(told.values_list("event", "target_id")) == [
        ("work_item.escalated", made[20].pk),
        ("work_item.overdue", made[1].pk),
    ]
