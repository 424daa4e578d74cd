"""Key results declare a deadline (goals/registration.py), so notify's one reminder scan tells their
owners before the due date and when it has passed, and the owner's department head when it has long
passed: open while not met (progress below 100 %) in the active cycle. NOW is Monday 2026-11-23
01:00 in Asia/Shanghai, as in notify's reminder tests; whether a key result is open does not depend
on its cycle's dates, so the test cast's cycle serves whatever today is."""

import datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import services as accounts
from goals.models import Cycle, KeyResult
from goals.services import cycles, key_results, objectives
from notify import services as notify
from notify.models import Notification
from notify.queries import title_of
from notify.reminders import scan_due_dates
from projects.services import items

NOW = datetime.datetime(2026, 11, 22, 17, 0, tzinfo=datetime.UTC)  # Monday 01:00 in Shanghai
TODAY = datetime.date(2026, 11, 23)
DAY = datetime.timedelta(days=1)
EVENTS = ("key_result.due_soon", "key_result.overdue", "key_result.escalated")


def make_result(world: Any, *, due: datetime.date, owner: str = "member", objective: Any = None) -> KeyResult:
    return key_results.create_key_result(
        world.actor("owner"),
        objective or world.extra["objective"],
        title=f"Result due {due}",
        start_value=0,
        target_value=10,
        owner_id=world.users[owner].pk,
        due_date=due,
    )


def reminded() -> list[tuple[str, str, int | None]]:
    """Every key-result reminder sent: (event, recipient's username, key result id)."""
    rows = Notification.objects.filter(event__in=EVENTS).select_related("recipient").order_by("pk")
    return [(n.event, n.recipient.username, n.target_id) for n in rows]


def sales_headed_by_bob(world: Any) -> None:
    """Carol (the member) works in Sales, headed by Bob (the admin)."""
    owner = world.actor("owner")
    sales = accounts.create_department(owner, name="Sales", head_id=world.users["admin"].pk)
    carol = world.actor("member")
    carol.refresh_from_db()
    accounts.change_member(owner, carol, version=carol.version, department_id=sales.pk)


def test_a_key_result_due_tomorrow_tells_its_owner_once(world: Any) -> None:
    result = make_result(world, due=TODAY + DAY)

    assert scan_due_dates(NOW).found["due_soon"] == 1
    [notification] = Notification.objects.filter(event="key_result.due_soon")
    assert (notification.recipient_id, notification.target_type) == (world.users["member"].pk, "key_result")
    assert notification.target_id == result.pk
    assert notification.dedupe_key == f"due_soon:key_result:{result.pk}:2026-11-24"
    assert notification.url == f"/w/acme/goals/objectives/{result.objective_id}/#kr-{result.pk}"
    assert title_of(notification) == "Result due 2026-11-24 is due on 2026-11-24"

    assert scan_due_dates(NOW).told == 0
    assert scan_due_dates(NOW + DAY).told == 0  # due today: found again, told already
    assert len(reminded()) == 1


def test_an_overdue_key_result_tells_its_owner_and_later_the_department_head(world: Any) -> None:
    sales_headed_by_bob(world)
    yesterday = make_result(world, due=TODAY - DAY)
    three_days = make_result(world, due=TODAY - 3 * DAY)  # escalate_after_days is 3 by default

    result = scan_due_dates(NOW)
    assert (result.found["overdue"], result.found["escalated"]) == (2, 1)
    assert reminded() == [
        ("key_result.overdue", "carol", yesterday.pk),
        ("key_result.overdue", "carol", three_days.pk),
        ("key_result.escalated", "bob", three_days.pk),
    ]
    overdue = Notification.objects.get(event="key_result.overdue", target_id=yesterday.pk)
    assert title_of(overdue) == "Result due 2026-11-22 is not met and overdue: it was due on 2026-11-22"
    escalation = Notification.objects.get(event="key_result.escalated")
    assert escalation.dedupe_key == f"escalated:key_result:{three_days.pk}:2026-11-20"
    assert title_of(escalation) == "Result due 2026-11-20, owned by Carol, is not met: it was due on 2026-11-20"

    assert scan_due_dates(NOW + datetime.timedelta(hours=1)).told == 0
    assert len(reminded()) == 3


def test_a_key_result_and_a_work_item_with_the_same_id_are_each_told(world: Any) -> None:
    """The keys that make a reminder once only name the type: a work item's reminder does not
    silence a key result's of the same id, owner and due date."""
    item = items.create_item(
        world.actor("owner"), world.extra["project"], title="Item", owner_id=world.users["member"].pk, due_date=TODAY
    )
    assert not KeyResult.all_objects.filter(pk=item.pk).exists()
    twin = KeyResult.objects.create(
        pk=item.pk,
        workspace=world.acme,
        objective=world.extra["objective"],
        title="Twin",
        start_value=Decimal(0),
        target_value=Decimal(10),
        owner=world.users["member"],
        due_date=TODAY,
    )

    assert scan_due_dates(NOW).told == 2
    told = Notification.objects.filter(recipient=world.users["member"], dedupe_key__startswith="due_soon:")
    assert sorted(told.values_list("event", "target_id", "dedupe_key")) == [
        ("key_result.due_soon", twin.pk, f"due_soon:key_result:{twin.pk}:2026-11-23"),
        ("work_item.due_soon", item.pk, f"due_soon:{item.pk}:2026-11-23"),
    ]


def test_met_deleted_and_those_of_deleted_objectives_are_never_reminded(world: Any) -> None:
    member = world.actor("member")
    sales_headed_by_bob(world)
    dates = (TODAY + DAY, TODAY - DAY, TODAY - 3 * DAY)  # due soon, overdue, to escalate
    doomed = objectives.create_objective(
        world.actor("owner"), world.extra["cycle"], title="Doomed", level="company", owner_id=world.users["owner"].pk
    )
    for due in dates:
        met = make_result(world, due=due)
        key_results.check_in(member, met, value=10, confidence="on_track")  # the target: 100 %
        key_results.delete_key_result(member, make_result(world, due=due))
        make_result(world, due=due, objective=doomed)
    objectives.delete_objective(world.actor("owner"), objectives_of(doomed))
    almost = make_result(world, due=TODAY + DAY)
    key_results.check_in(member, almost, value=9, confidence="on_track")  # 90 %: still open

    result = scan_due_dates(NOW)
    assert result.found == {"due_soon": 1, "overdue": 0, "escalated": 0}
    assert reminded() == [("key_result.due_soon", "carol", almost.pk)]


def objectives_of(objective: Any) -> Any:
    """The objective as read again (its version moved with its key results)."""
    return type(objective).objects.get(pk=objective.pk)


def test_a_closed_cycle_reminds_nobody(world: Any) -> None:
    sales_headed_by_bob(world)
    for due in (TODAY + DAY, TODAY - DAY, TODAY - 3 * DAY):
        make_result(world, due=due)
    cycle = world.extra["cycle"]
    cycle.refresh_from_db()
    cycles.close_cycle(world.actor("owner"), cycle, version=cycle.version)

    assert scan_due_dates(NOW).found == {"due_soon": 0, "overdue": 0, "escalated": 0}
    assert reminded() == []


def test_a_deleted_cycle_reminds_nobody(world: Any) -> None:
    for due in (TODAY + DAY, TODAY - DAY, TODAY - 3 * DAY):
        make_result(world, due=due)
    # A direct write: the service deletes only a cycle without objectives, whose key results are
    # hidden with them; this holds the scan to the cycle's own trash mark.
    Cycle.objects.filter(pk=world.extra["cycle"].pk).update(deleted_at=timezone.now())

    assert scan_due_dates(NOW).found == {"due_soon": 0, "overdue": 0, "escalated": 0}
    assert reminded() == []


def test_an_owner_can_turn_key_result_reminders_off_on_the_preferences_page(world: Any) -> None:
    client = Client()
    client.force_login(world.users["member"])  # the cast speaks Chinese
    page = client.get("/w/acme/notifications/preferences/").content.decode()
    for label in ("我的关键成果即将到期", "我的关键成果已逾期", "本部门的逾期关键成果"):
        assert label in page

    member = world.actor("member")
    notify.update_preferences(
        member,
        version=notify.preferences_of(member).version,
        events={"key_result.due_soon": {"inbox": False, "email": "off"}},
    )
    make_result(world, due=TODAY + DAY)
    late = make_result(world, due=TODAY - DAY)
    scan_due_dates(NOW)
    assert reminded() == [("key_result.overdue", "carol", late.pk)]


def test_scan_queries_do_not_grow_with_the_key_results_due_when_nobody_is_told(world: Any) -> None:
    def scan(count: int) -> tuple[int, int]:
        Notification.objects.filter(event__in=EVENTS).delete()
        KeyResult.objects.update(due_date=None)
        for _ in range(count):
            make_result(world, due=TODAY + DAY)
        with CaptureQueriesContext(connection) as first:
            assert scan_due_dates(NOW).told == count
        with CaptureQueriesContext(connection) as again:
            assert scan_due_dates(NOW).told == 0
        return len(first.captured_queries), len(again.captured_queries)

    few, few_again = scan(3)
    many, many_again = scan(30)
    # Telling costs emit()'s 9 queries a key result (as for a work item); finding costs the same
    # few queries however many are due: per workspace its settings and one read of each type's
    # index, and one lookup of what was told.
    assert (many - few) / 27 <= 9, (few, many)
    assert many_again == few_again <= 8, (few_again, many_again)
