"""Reminders on the real database: due soon, overdue and escalation to the department head, each
told once per item and due date; the weekly check-in; the periodic job that runs them. Every scan
is given its `now`: NOW is Monday 2026-11-23 01:00 in Asia/Shanghai (the default reminder time
zone) but still Sunday 2026-11-22 in UTC, so a scan that used the UTC date would be a day late."""

import datetime
import os
import re
import subprocess
import sys
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import services as accounts
from core.jobs import run_due_jobs
from core.models import ScheduledRun
from notify import reminders, services
from notify.events import after_quiet_hours
from notify.models import Delivery, Notification, Preferences, ReminderSettings
from notify.queries import title_of
from notify.reminders import CATCH_UP_DAYS, scan_due_dates, weekly_checkins
from projects import queries as project_queries
from projects import services as projects
from projects.models import Category, State, WorkItem
from projects.services import items

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = datetime.UTC
NOW = datetime.datetime(2026, 11, 22, 17, 0, tzinfo=UTC)  # Monday 01:00 in Shanghai
TODAY = datetime.date(2026, 11, 23)  # in Shanghai
DAY = datetime.timedelta(days=1)
REMINDERS = ("work_item.due_soon", "work_item.overdue", "work_item.escalated")


def make_item(world: Any, *, due: datetime.date | None, owner: str = "member", project: Any = None) -> WorkItem:
    project = project or world.extra["project"]
    title = f"Due {due}" if due else "No due date"
    return items.create_item(world.actor("owner"), project, title=title, owner_id=world.users[owner].pk, due_date=due)


def told(world: Any, event: str, role: str | None = None, item: WorkItem | None = None) -> list[Notification]:
    qs = Notification.objects.filter(event=event)
    if role:
        qs = qs.filter(recipient=world.users[role])
    if item:
        qs = qs.filter(target_type="work_item", target_id=item.pk)
    return list(qs.order_by("pk"))


def reminded(world: Any) -> list[tuple[str, str, int | None]]:
    """Every reminder sent: (event, recipient's username, item id)."""
    rows = Notification.objects.filter(event__in=REMINDERS).order_by("pk")
    return [(n.event, n.recipient.username, n.target_id) for n in rows.select_related("recipient")]


def department(world: Any, name: str, *, head: str | None, parent: Any = None, members: tuple[str, ...] = ()) -> Any:
    owner = world.actor("owner")
    made = accounts.create_department(
        owner,
        name=name,
        head_id=world.users[head].pk if head else None,
        parent_id=parent.pk if parent else None,
    )
    for role in members:
        member = world.actor(role)
        member.refresh_from_db()
        accounts.change_member(owner, member, version=member.version, department_id=made.pk)
    return made


def set_reminders(world: Any, **changes: Any) -> None:
    current = reminders.reminder_settings(world.acme.pk)
    services.update_reminder_settings(world.actor("owner"), version=current.version, **changes)


def set_preferences(world: Any, role: str, **changes: Any) -> Preferences:
    member = world.actor(role)
    return services.update_preferences(member, version=services.preferences_of(member).version, **changes)


def done_state(project: Any) -> State:
    return State.objects.get(workflow__project=project, workflow__name="Scrum", category=Category.DONE)


# --- Due soon ----------------------------------------------------------------------------------


def test_an_item_due_tomorrow_tells_its_owner_once_with_the_due_date(world: Any) -> None:
    tomorrow = make_item(world, due=TODAY + DAY)

    # Sunday 23:00 in Shanghai: the item is due the day after tomorrow, outside a 1-day lead.
    assert scan_due_dates(NOW - datetime.timedelta(hours=2)).told == 0
    result = scan_due_dates(NOW)
    assert result.found == {"due_soon": 1, "overdue": 0, "escalated": 0}
    assert result.told == 1
    [notification] = told(world, "work_item.due_soon", "member")
    assert notification.target_id == tomorrow.pk
    assert notification.dedupe_key == f"due_soon:{tomorrow.pk}:2026-11-24"
    assert title_of(notification) == f"{tomorrow} is due on 2026-11-24"

    again = scan_due_dates(NOW + DAY)  # the next day's scan finds it again, due today
    assert again.found["due_soon"] == 1
    assert again.told == 0
    assert len(told(world, "work_item.due_soon")) == 1


def test_the_lead_time_decides_what_is_due_soon(world: Any) -> None:
    tomorrow = make_item(world, due=TODAY + DAY)
    in_three_days = make_item(world, due=TODAY + 3 * DAY)
    scan_due_dates(NOW)
    assert told(world, "work_item.due_soon", item=in_three_days) == []

    set_reminders(world, due_soon_days=3)
    result = scan_due_dates(NOW)
    assert result.found["due_soon"] == 2
    assert result.told == 1
    assert [n.target_id for n in told(world, "work_item.due_soon", "member")] == [tomorrow.pk, in_three_days.pk]


def test_moving_the_due_date_reminds_again_for_the_new_date(world: Any) -> None:
    item = make_item(world, due=TODAY + DAY)
    scan_due_dates(NOW)
    item = project_queries.get_item_by_id(world.actor("owner"), item.pk)
    items.update_item(world.actor("owner"), item, version=item.version, due_date=TODAY)
    assert scan_due_dates(NOW).told == 1
    first, moved = told(world, "work_item.due_soon", "member", item)
    assert (first.dedupe_key, moved.dedupe_key) == (f"due_soon:{item.pk}:2026-11-24", f"due_soon:{item.pk}:2026-11-23")
    assert title_of(moved).endswith("is due on 2026-11-23")


def test_a_new_owner_is_told_and_the_old_one_not_again(world: Any) -> None:
    item = make_item(world, due=TODAY + DAY, owner="member")
    scan_due_dates(NOW)
    item = project_queries.get_item_by_id(world.actor("owner"), item.pk)
    items.update_item(world.actor("owner"), item, version=item.version, owner_id=world.users["extra"].pk)
    assert scan_due_dates(NOW).told == 1
    assert [(event, who) for event, who, _ in reminded(world)] == [
        ("work_item.due_soon", "carol"),
        ("work_item.due_soon", "erin"),
    ]


def test_done_items_finished_projects_and_deleted_items_are_never_reminded(world: Any) -> None:
    owner = world.actor("owner")
    department(world, "Sales", head="admin", members=("member",))
    dates = (TODAY + DAY, TODAY - DAY, TODAY - 3 * DAY)  # due soon, overdue, to escalate

    for due in dates:
        done = make_item(world, due=due)
        items.transition(owner, done, state_id=done_state(world.extra["project"]).pk)
        items.delete_item(owner, make_item(world, due=due))
    for status, key in (("done", "DONE"), ("cancelled", "CXL"), (None, "GONE")):
        project = projects.create_project(owner, name=key.title(), key=key)
        for due in dates:
            make_item(world, due=due, project=project)
        if status:
            projects.update_project(owner, project, version=project.version, status=status)
        else:
            projects.delete_project(owner, project)
    on_hold = projects.create_project(owner, name="On hold", key="HOLD")
    control = make_item(world, due=TODAY + DAY, project=on_hold)  # a live project's item: reminded
    projects.update_project(owner, on_hold, version=on_hold.version, status="on_hold")

    result = scan_due_dates(NOW)
    assert result.found == {"due_soon": 1, "overdue": 0, "escalated": 0}
    assert reminded(world) == [("work_item.due_soon", "carol", control.pk)]


# --- Overdue -------------------------------------------------------------------------------------


def test_an_overdue_item_is_told_once_within_the_catch_up_window(world: Any) -> None:
    yesterday = make_item(world, due=TODAY - DAY)
    last_day = make_item(world, due=TODAY - CATCH_UP_DAYS * DAY)
    too_late = make_item(world, due=TODAY - (CATCH_UP_DAYS + 1) * DAY)
    make_item(world, due=TODAY)  # due today: due soon, not overdue

    result = scan_due_dates(NOW)
    assert result.found["overdue"] == 2
    overdue = told(world, "work_item.overdue", "member")
    assert [n.target_id for n in overdue] == [yesterday.pk, last_day.pk]
    assert title_of(overdue[0]) == f"{yesterday} is overdue: it was due on 2026-11-22"
    assert told(world, "work_item.overdue", item=too_late) == []

    assert scan_due_dates(NOW + datetime.timedelta(hours=1)).told == 0
    assert len(told(world, "work_item.overdue")) == 2


# --- Escalation ---------------------------------------------------------------------------------


def test_an_item_overdue_for_days_goes_to_the_head_of_the_owners_department(world: Any) -> None:
    department(world, "Sales", head="admin", members=("member",))
    three_days = make_item(world, due=TODAY - 3 * DAY)  # escalate_after_days is 3 by default
    two_days = make_item(world, due=TODAY - 2 * DAY)

    result = scan_due_dates(NOW)
    assert result.found["escalated"] == 1
    [escalation] = told(world, "work_item.escalated")
    assert (escalation.recipient_id, escalation.target_id) == (world.users["admin"].pk, three_days.pk)
    assert title_of(escalation) == f"{three_days}, owned by Carol, is still open: it was due on 2026-11-20"
    assert [n.target_id for n in told(world, "work_item.overdue", "member")] == [three_days.pk, two_days.pk]
    assert scan_due_dates(NOW).told == 0

    set_reminders(world, escalate_after_days=2)
    scan_due_dates(NOW)
    assert [n.target_id for n in told(world, "work_item.escalated", "admin")] == [three_days.pk, two_days.pk]


def test_a_head_who_owns_the_item_escalates_to_the_next_department_up(world: Any) -> None:
    company = department(world, "Company", head="owner")
    sales = department(world, "Sales", head="member", parent=company, members=("member",))
    department(world, "Field sales", head=None, parent=sales, members=("extra",))  # no head: goes up
    carols = make_item(world, due=TODAY - 3 * DAY, owner="member")
    erins = make_item(world, due=TODAY - 3 * DAY, owner="extra")

    scan_due_dates(NOW)
    escalated = [(e, who, i) for e, who, i in reminded(world) if e == "work_item.escalated"]
    assert escalated == [("work_item.escalated", "alice", carols.pk), ("work_item.escalated", "carol", erins.pk)]


def test_no_department_or_a_removed_head_tells_nobody(world: Any) -> None:
    support = department(world, "Support", head="admin", members=("member",))
    make_item(world, due=TODAY - 3 * DAY, owner="extra")  # erin has no department
    make_item(world, due=TODAY - 3 * DAY, owner="member")
    accounts.remove_member(world.actor("owner"), world.actor("admin"))
    assert support.head_id == world.users["admin"].pk  # still named head, but no longer a member

    result = scan_due_dates(NOW)
    assert result.found["escalated"] == 2
    assert told(world, "work_item.escalated") == []
    assert len(told(world, "work_item.overdue")) == 2  # the owners themselves are told


def test_a_head_who_cannot_see_the_project_is_not_told(world: Any) -> None:
    """Gina, a guest, sees only the projects she belongs to: WEB, not OPS (emit checks visibility)."""
    department(world, "Design", head="guest", members=("member",))
    hidden = make_item(world, due=TODAY - 3 * DAY, project=world.extra["ops"])
    visible = make_item(world, due=TODAY - 3 * DAY)

    result = scan_due_dates(NOW)
    assert result.found["escalated"] == 2
    assert [n.target_id for n in told(world, "work_item.escalated", "guest")] == [visible.pk]
    assert told(world, "work_item.escalated", item=hidden) == []


# --- Preferences ----------------------------------------------------------------------------------


def test_an_owner_who_turned_the_reminder_off_is_not_told(world: Any) -> None:
    set_preferences(world, "member", events={"work_item.due_soon": {"inbox": False, "email": "off"}})
    soon = make_item(world, due=TODAY + DAY)
    late = make_item(world, due=TODAY - DAY)

    scan_due_dates(NOW)
    assert told(world, "work_item.due_soon") == []
    assert not Delivery.objects.filter(notification__target_id=soon.pk, notification__event="work_item.due_soon")
    assert [n.target_id for n in told(world, "work_item.overdue", "member")] == [late.pk]  # only due soon is off


def test_an_email_reminder_is_queued_and_waits_for_the_end_of_quiet_hours(world: Any) -> None:
    # emit() stamps deliveries with the real clock, so the quiet hours are set around it: they
    # began an hour ago and end at the top of the hour one to two hours from now.
    carol = world.users["member"]
    local = timezone.now().astimezone(ZoneInfo(carol.time_zone))
    start = (local - datetime.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (local + datetime.timedelta(hours=2)).time().replace(minute=0, second=0, microsecond=0)
    set_preferences(world, "member", quiet_start=start, quiet_end=end)
    make_item(world, due=TODAY + DAY, owner="member")
    make_item(world, due=TODAY + DAY, owner="extra")  # erin has no quiet hours

    before = timezone.now()
    scan_due_dates(NOW)
    after = timezone.now()
    deliveries = {
        d.recipient_id: d for d in Delivery.objects.filter(channel="email", notification__event="work_item.due_soon")
    }
    assert set(deliveries) == {carol.pk, world.users["extra"].pk}
    assert before <= deliveries[world.users["extra"].pk].next_attempt_at <= after
    waits = deliveries[carol.pk].next_attempt_at.astimezone(ZoneInfo(carol.time_zone))
    assert waits.time() == end
    assert datetime.timedelta(hours=1) <= waits - local <= datetime.timedelta(hours=2)

    # The same rule for 22:00–08:00: at 23:30 and at 07:00 in Shanghai the email waits until 08:00.
    preferences = set_preferences(world, "member", quiet_start=datetime.time(22), quiet_end=datetime.time(8))
    late = datetime.datetime(2026, 11, 23, 23, 30, tzinfo=SHANGHAI)
    assert after_quiet_hours(preferences, "Asia/Shanghai", late) == datetime.datetime(2026, 11, 24, 8, tzinfo=SHANGHAI)
    early = datetime.datetime(2026, 11, 24, 7, tzinfo=SHANGHAI)
    assert after_quiet_hours(preferences, "Asia/Shanghai", early) == datetime.datetime(2026, 11, 24, 8, tzinfo=SHANGHAI)
    noon = datetime.datetime(2026, 11, 24, 12, tzinfo=SHANGHAI)
    assert after_quiet_hours(preferences, "Asia/Shanghai", noon) == noon


# --- Reading through the indexes ------------------------------------------------------------------


def _plan(sql: str, params: Any = ()) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # As on a real table (autovacuum analyzes it): statistics, and no whole-table read of a
            # table of a dozen rows, which would be cheaper than any index.
            cursor.execute("ANALYZE projects_workitem, projects_project, notify_notification")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(" ".join(str(v) for v in row) for row in cursor.fetchall())


def test_the_scan_reads_candidates_and_what_was_told_through_indexes(world: Any) -> None:
    department(world, "Sales", head="admin", members=("member",))
    for due in (TODAY + DAY, TODAY - DAY, TODAY - 3 * DAY):
        make_item(world, due=due)
        make_item(world, due=due, owner="owner")
    # A project's worth of other items, half of them done, due over a year: on tables of a dozen
    # rows PostgreSQL may rightly prefer any index, or none.
    project = world.extra["project"]
    states = {s.category: s for s in State.objects.filter(workflow__project=project, workflow__name="Scrum")}
    WorkItem.objects.bulk_create(
        WorkItem(
            workspace=world.acme,
            project=project,
            number=10_000 + n,
            title=f"Item {n}",
            state=states[category],
            category=category,
            owner=world.users["extra"],
            due_date=TODAY + (n % 365 - 200) * DAY,
        )
        for n in range(2_000)
        for category in [Category.DONE if n % 2 else Category.TODO]
    )

    people = list(world.users.values())
    Notification.objects.bulk_create(  # and a history of reminders already sent
        Notification(workspace=world.acme, recipient=people[n % len(people)], event="work_item.overdue", dedupe_key=key)
        for n in range(5_000)
        for key in [f"overdue:{n}:2025-01-01"]
    )

    sql, params = reminders.due_between(world.acme.pk, TODAY, TODAY + DAY).query.sql_with_params()
    plan = _plan(sql, params)
    assert "item_due" in plan, plan
    assert "ORDER BY" not in sql  # ordered by id, SQLite walks every item of the workspace instead

    scan_due_dates(NOW)
    with CaptureQueriesContext(connection) as scan:
        assert scan_due_dates(NOW).told == 0  # what runs every 15 minutes
    lookups = [q["sql"] for q in scan.captured_queries if '"dedupe_key" =' in q["sql"]]
    assert len(lookups) == 3  # one per window
    for sql in lookups:
        # Each (recipient, key) is found from the recipient in an index (SQLite: the unique
        # constraint's; PostgreSQL: it, or the recipient's own), not in a scan of every
        # notification ever sent, as a lookup by key alone would be.
        plan = _plan(sql)
        if connection.vendor == "postgresql":
            assert re.search(r"Index Cond: \(+recipient_id = ", plan), plan
        else:
            assert "USING COVERING INDEX" in plan and "(recipient_id=? AND dedupe_key=?)" in plan, plan
        assert "SCAN notify_notification" not in plan and "Seq Scan" not in plan, plan


def test_scan_queries_grow_by_a_constant_per_item_told_and_not_at_all_when_nobody_is_told(world: Any) -> None:
    def scan(count: int) -> tuple[int, int]:
        Notification.objects.filter(event__in=REMINDERS).delete()
        WorkItem.objects.filter(due_date__isnull=False).update(due_date=None)
        for _ in range(count):
            make_item(world, due=TODAY + DAY)
        with CaptureQueriesContext(connection) as first:
            assert scan_due_dates(NOW).told == count
        with CaptureQueriesContext(connection) as again:
            assert scan_due_dates(NOW).told == 0
        return len(first.captured_queries), len(again.captured_queries)

    few, few_again = scan(3)
    many, many_again = scan(30)
    # Telling an item costs emit()'s 9 queries: the dedupe check, the recipients' memberships, the
    # visibility check, preferences, the webhook endpoints, the notification and delivery inserts,
    # and the savepoint and its release (in a test's transaction). Finding costs 11 queries for the
    # two workspaces of the test cast: 3 and 30 items took 38 and 281 (SQLite and PostgreSQL alike).
    assert (many - few) / 27 <= 9, (few, many)
    assert few <= 9 * 3 + 11, few
    assert many <= 9 * 30 + 11, many
    # Everything told: each window's rows and one lookup of what was told; no query per item (10).
    assert many_again == few_again <= 10, (few_again, many_again)


# --- Weekly check-ins -----------------------------------------------------------------------------


MONDAY = datetime.datetime(2026, 11, 23, 10, tzinfo=SHANGHAI)  # the default day (0) after the default hour (9)


def test_the_weekly_checkin_tells_each_owner_of_open_work_once_a_week(world: Any) -> None:
    owner = world.actor("owner")
    make_item(world, owner="extra", due=TODAY - 2 * DAY)  # overdue
    make_item(world, owner="extra", due=TODAY + 5 * DAY)
    make_item(world, owner="extra", due=None)
    done = make_item(world, owner="extra", due=TODAY - 2 * DAY)
    items.transition(owner, done, state_id=done_state(world.extra["project"]).pk)
    cancelled = projects.create_project(owner, name="Cancelled", key="CXL")
    make_item(world, owner="extra", due=TODAY - 2 * DAY, project=cancelled)
    projects.update_project(owner, cancelled, version=cancelled.version, status="cancelled")
    before = {n.pk for n in told(world, "checkin.weekly")}  # the test cast's own check-ins

    assert weekly_checkins(MONDAY - datetime.timedelta(hours=2)) == 0  # 08:00: before the hour
    assert weekly_checkins(MONDAY + DAY) == 0  # Tuesday
    assert weekly_checkins(MONDAY) > 0
    [checkin] = [n for n in told(world, "checkin.weekly", "extra") if n.pk not in before]
    assert (checkin.context["open"], checkin.context["overdue"]) == (3, 1)
    assert checkin.dedupe_key == f"checkin:{world.acme.pk}:2026-W48"
    assert title_of(checkin).startswith("Weekly check-in: 3 open items, 1 overdue.")
    carols = [n for n in told(world, "checkin.weekly", "member") if n.pk not in before]
    assert len(carols) == 1  # carol owns open items of the test cast
    assert told(world, "checkin.weekly", "guest") == [world.extra["notifications"]["guest"]]  # owns nothing

    assert weekly_checkins(MONDAY + datetime.timedelta(hours=8)) == 0  # the same week
    assert ReminderSettings.objects.get(workspace=world.acme).checkin_week == "2026-W48"
    ReminderSettings.objects.filter(workspace=world.acme).update(checkin_week="")  # a crash before the mark
    assert weekly_checkins(MONDAY + datetime.timedelta(hours=8)) == 0  # the keys still know who was told
    assert weekly_checkins(MONDAY + 6 * DAY) == 0  # Sunday
    assert weekly_checkins(MONDAY + 7 * DAY) > 0  # the next Monday
    assert len([n for n in told(world, "checkin.weekly", "extra") if n.pk not in before]) == 2


# --- The periodic job -----------------------------------------------------------------------------


def test_the_worker_runs_the_reminder_scan_every_15_minutes(world: Any) -> None:
    # The job scans at the real time: the item is due tomorrow in Shanghai, whatever today is.
    now = timezone.now()
    item = make_item(world, due=now.astimezone(SHANGHAI).date() + DAY)

    assert "notify.reminders" in run_due_jobs(now)
    run = ScheduledRun.objects.get(name="notify.reminders")
    assert run.last_error == ""
    assert [n.target_id for n in told(world, "work_item.due_soon", "member")] == [item.pk]
    assert "notify.reminders" not in run_due_jobs(now + datetime.timedelta(minutes=14))
    assert "notify.reminders" in run_due_jobs(now + datetime.timedelta(minutes=15))
    assert len(told(world, "work_item.due_soon")) == 1


def test_a_fresh_worker_process_knows_the_capabilities_that_emit_checks() -> None:
    """`cadence worker` loads the apps but not the URLconf: every capability that an object type
    names must be declared by then, or emit() fails on the first reminder (KeyError)."""
    code = (
        "import django; django.setup()\n"
        "from core.permissions import _capabilities\n"
        "from core.registry import all_types\n"
        "print(sorted({c for t in all_types() for c in (t.view_capability, t.edit_capability)} - set(_capabilities)))"
    )
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "cadence.settings"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "[]", out.stdout
