"""The weekly check-in reminder: on each workspace's check-in day (notify's reminder settings: day,
hour, time zone), from its hour, each owner of key results of the active cycle without a check-in in
the last 7 days is told once that week, through notify, how many they are."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from core import jobs as core_jobs
from goals.jobs import EVENT, check_in_reminders
from goals.models import Confidence, CycleStatus, KeyResult, Objective
from goals.services import key_results
from notify.models import Notification, ReminderSettings

SHANGHAI = ZoneInfo("Asia/Shanghai")


def next_monday(hour: int, minute: int = 0, zone: ZoneInfo = SHANGHAI, weekday: int = 0) -> datetime.datetime:
    """The next `weekday` (Monday unless told) at `hour` in `zone` that is still to come: within a
    week of now, so that a check-in made now is recent then (today, when it is that day and earlier)."""
    now = timezone.now().astimezone(zone)
    day = now.date() + datetime.timedelta(days=(weekday - now.weekday()) % 7)
    moment = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)
    return moment if moment > now else moment + datetime.timedelta(weeks=1)


def told(world: Any) -> dict[str, int]:
    names = {u.pk: name for name, u in world.users.items()}
    rows = Notification.objects.filter(event=EVENT).order_by("id")
    return {names[n.recipient_id]: n.context["count"] for n in rows}


@pytest.fixture
def settings_default(world: Any) -> None:
    for workspace in (world.acme, world.other):
        ReminderSettings.objects.update_or_create(
            workspace=workspace, defaults={"checkin_weekday": 0, "checkin_hour": 9, "time_zone": "Asia/Shanghai"}
        )


def test_owners_without_a_recent_check_in_are_told_once_a_week(world: Any, settings_default: None) -> None:
    monday = next_monday(10)
    assert check_in_reminders(monday) == 2
    assert told(world) == {"member": 2, "outsider_owner": 1}  # each workspace's own owners
    notification = Notification.objects.get(event=EVENT, recipient=world.users["member"])
    assert notification.workspace_id == world.acme.pk
    assert notification.url.endswith("/w/acme/goals/")
    assert check_in_reminders(monday + datetime.timedelta(hours=3)) == 0  # later scans that day
    assert check_in_reminders(monday + datetime.timedelta(days=1)) == 0  # not the day
    assert check_in_reminders(monday + datetime.timedelta(days=7)) == 2  # the next week, again
    assert Notification.objects.filter(event=EVENT).count() == 4


def test_nothing_before_the_hour_or_on_another_day(world: Any, settings_default: None) -> None:
    assert check_in_reminders(next_monday(8, 59)) == 0
    assert check_in_reminders(next_monday(10, weekday=2)) == 0
    assert not Notification.objects.filter(event=EVENT).exists()


def test_the_day_hour_and_time_zone_are_the_workspaces(world: Any, settings_default: None) -> None:
    berlin = ZoneInfo("Europe/Berlin")
    ReminderSettings.objects.filter(workspace=world.acme).update(
        checkin_weekday=4, checkin_hour=15, time_zone="Europe/Berlin"
    )
    assert check_in_reminders(next_monday(10)) == 1  # only the other workspace checks in on Mondays
    assert told(world) == {"outsider_owner": 1}
    assert check_in_reminders(next_monday(14, 59, berlin, weekday=4)) == 0
    assert check_in_reminders(next_monday(15, 0, berlin, weekday=4)) == 1
    assert told(world) == {"outsider_owner": 1, "member": 2}


def test_a_recent_check_in_needs_no_reminder(world: Any, settings_default: None) -> None:
    member = world.actor("member")
    key_results.check_in(member, world.extra["key_result"], value=160, confidence=Confidence.ON_TRACK)
    assert check_in_reminders(next_monday(10)) == 2
    assert told(world)["member"] == 1  # only the churn result is waiting
    key_results.check_in(member, world.extra["child_key_result"], value=7, confidence=Confidence.ON_TRACK)
    Notification.objects.all().delete()
    assert check_in_reminders(next_monday(10)) == 1
    assert told(world) == {"outsider_owner": 1}


def test_a_check_in_older_than_a_week_counts_as_none(world: Any, settings_default: None) -> None:
    monday = next_monday(10)
    KeyResult.objects.filter(workspace=world.acme).update(last_check_in_at=monday - datetime.timedelta(days=8))
    check_in_reminders(monday)
    assert told(world)["member"] == 2


def test_only_the_active_cycles_results_count(world: Any, settings_default: None) -> None:
    # The child objective moves to the closed cycle (a direct write: the service refuses closed cycles).
    Objective.objects.filter(pk=world.extra["child_objective"].pk).update(cycle=world.extra["closed_cycle"])
    world.extra["other_cycle"].__class__.objects.filter(pk=world.extra["other_cycle"].pk).update(
        status=CycleStatus.PLANNED
    )
    check_in_reminders(next_monday(10))
    assert told(world) == {"member": 1}


def test_deleted_results_and_objectives_do_not_count(world: Any, settings_default: None) -> None:
    key_results.delete_key_result(world.actor("member"), world.extra["key_result"])
    Objective.objects.filter(pk=world.extra["child_objective"].pk).update(deleted_at=timezone.now())
    check_in_reminders(next_monday(10))
    assert "member" not in told(world)


def test_a_removed_member_is_not_told(world: Any, settings_default: None) -> None:
    world.members["member"].__class__.objects.filter(pk=world.members["member"].pk).update(removed_at=timezone.now())
    check_in_reminders(next_monday(10))
    assert "member" not in told(world)


def test_the_worker_runs_it_every_quarter_hour() -> None:
    job = core_jobs._jobs["goals.check_in_reminders"]
    assert job.every == datetime.timedelta(minutes=15)
