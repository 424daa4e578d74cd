"""The types that declare a deadline (core.registry.Deadline), as the reminder scan needs them: each
finds its candidates through the index it declares, a range of the due date in the index's
condition, and has the three events the scan emits, labelled in both languages."""

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
from projects import items

TODAY = datetime.date(2026, 11, 23)
KINDS = ("due_soon", "overdue", "escalated")


def plan_of(sql: str, params: Any) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # As on real tables (autovacuum analyzes them), without the whole-table read that a
            # test's tables of a dozen rows would rightly prefer to any index.
            cursor.execute("ANALYZE")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(" ".join(str(v) for v in row) for row in cursor.fetchall())


def assert_scan_reads_its_index(object_type: ObjectType, workspace_id: int) -> None:
    """The scan's candidate query reads the type's declared index with the due-date range in the
    index's condition: it reads what is due, not every open object of the workspace."""
    deadline = object_type.deadline
    assert deadline is not None
    due = object_type.model._meta.get_field(deadline.due).column  # type: ignore[union-attr]
    query = reminders.due_between(workspace_id, TODAY, TODAY + datetime.timedelta(days=3), object_type.name)
    sql, params = query.query.sql_with_params()
    plan = plan_of(sql, params)
    if connection.vendor == "postgresql":
        # "Index Scan using item_due on …" or "Bitmap Index Scan on item_due", then its condition.
        served = rf"(using|on) {deadline.index}\b[^\n]*\n\s*Index Cond: [^\n]*\b{due} >="
    else:
        served = rf"USING (COVERING )?INDEX {deadline.index} \([^)]*\b{due}>\?"
    assert re.search(served, plan), f"{object_type.name}: the scan does not read {deadline.index}:\n{plan}"


@pytest.mark.parametrize("type_name", [t.name for t in deadline_types()])
def test_each_declared_type_finds_what_is_due_through_its_index(world: Any, type_name: str) -> None:
    assert_scan_reads_its_index(registry.get_type(type_name), world.acme.pk)


def test_the_types_that_declare_a_deadline(world: Any) -> None:
    assert sorted(t.name for t in deadline_types()) == ["key_result", "work_item"]


def test_a_type_whose_due_date_has_no_index_fails_the_index_check(world: Any, monkeypatch: Any) -> None:
    """Cycles "due" at their end, "owned" by who reopened them: their only index starts with the
    workspace and the start date, so it can only narrow the scan to the workspace."""
    unserved = ObjectType(
        "cycle_end",
        Cycle,
        "goals.view",
        "goals.manage",
        deadline=Deadline(open=Q(status="active"), index="cycle_list", owner="reopened_by", due="end_date"),
    )
    monkeypatch.setitem(registry._types, unserved.name, unserved)
    with pytest.raises(AssertionError, match="the scan does not read cycle_list"):
        assert_scan_reads_its_index(unserved, world.acme.pk)


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
