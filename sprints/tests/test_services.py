"""Sprint rules on the real database: capacity, warnings, charts, carry-over, one active sprint,
the retrospective, and nested ids from elsewhere refused."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.models import Activity, TrashItem
from projects.models import Category, WorkItem
from projects.services import items
from sprints import queries, services
from sprints.models import RetroColumn, Sprint, SprintStatus

START = datetime.date(2030, 3, 4)


def finish(item: WorkItem, day: datetime.date) -> None:
    """Mark an item done on `day` (noon UTC), as a transition to a done state would."""
    done_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)), datetime.UTC)
    WorkItem.objects.filter(pk=item.pk).update(category=Category.DONE, done_at=done_at)


def new_item(world: Any, title: str, **fields: Any) -> WorkItem:
    return items.create_item(world.actor("owner"), world.extra["mobile"], title=title, **fields)


def fresh(sprint: Sprint) -> Sprint:
    return Sprint.all_objects.select_related("project").get(pk=sprint.pk)


# --- Create, edit, start -------------------------------------------------------------------------


def test_create_checks_dates_and_names_the_field(world: Any) -> None:
    carol = world.actor("member")
    mobile = queries.get_sprint(carol, world.extra["sprint"].pk).project  # as carol sees it
    with pytest.raises(ValidationFailed) as error:
        services.create_sprint(
            carol, mobile, name="Late", start_date=START, end_date=START - datetime.timedelta(days=1)
        )
    assert set(error.value.errors) == {"end_date"}
    with pytest.raises(ValidationFailed) as error:
        services.create_sprint(carol, mobile, name="  ", start_date=START, end_date=START)
    assert set(error.value.errors) == {"name"}
    sprint = services.create_sprint(carol, mobile, name="One day", start_date=START, end_date=START)
    assert sprint.status == SprintStatus.PLANNED
    assert Activity.objects.filter(target_type="sprint", target_id=sprint.pk, verb="created").exists()


def test_only_one_active_sprint_per_project(world: Any) -> None:
    owner = world.actor("owner")
    second = queries.get_sprint(owner, world.extra["next_sprint"].pk)
    with pytest.raises(ValidationFailed) as error:
        services.start_sprint(owner, second)
    assert set(error.value.errors) == {"status"}
    assert "Sprint 1" in error.value.errors["status"][0]
    assert fresh(second).status == SprintStatus.PLANNED


def test_the_database_keeps_one_active_sprint_even_past_the_check(world: Any, monkeypatch: Any) -> None:
    owner = world.actor("owner")
    second = queries.get_sprint(owner, world.extra["next_sprint"].pk)
    monkeypatch.setattr(Sprint.objects, "filter", lambda **kw: Sprint.objects.none())
    with pytest.raises(ValidationFailed) as error:
        services.start_sprint(owner, second)
    assert set(error.value.errors) == {"status"}
    monkeypatch.undo()
    assert fresh(second).status == SprintStatus.PLANNED


def test_guests_read_but_do_not_write_and_outsiders_see_nothing(world: Any) -> None:
    gina = world.actor("guest")
    sprint = queries.get_sprint(gina, world.extra["sprint"].pk)
    assert queries.planning(gina, sprint).members
    with pytest.raises(PermissionDenied):
        services.update_sprint(gina, sprint, version=sprint.version, name="Mine")
    with pytest.raises(PermissionDenied):
        services.add_note(gina, sprint, column=RetroColumn.WENT_WELL, text="hi")
    with pytest.raises(NotFound):
        queries.get_sprint(world.actor("outsider_owner"), sprint.pk)
    with pytest.raises(NotFound):
        queries.get_sprint(world.actor("owner"), world.extra["other_sprint"].pk)


def test_a_closed_sprints_dates_stay(world: Any) -> None:
    owner = world.actor("owner")
    sprint = queries.get_sprint(owner, world.extra["sprint"].pk)
    services.close_sprint(owner, sprint, today=START)
    with pytest.raises(ValidationFailed) as error:
        services.update_sprint(owner, sprint, version=sprint.version, end_date=START)
    assert set(error.value.errors) == {"status"}
    services.update_sprint(owner, sprint, version=sprint.version, goal="Learned a lot")
    assert fresh(sprint).goal == "Learned a lot"


def test_delete_moves_to_trash_but_not_the_active_sprint(world: Any) -> None:
    owner = world.actor("owner")
    with pytest.raises(ValidationFailed):
        services.delete_sprint(owner, queries.get_sprint(owner, world.extra["sprint"].pk))
    planned = queries.get_sprint(owner, world.extra["next_sprint"].pk)
    services.delete_sprint(owner, planned)
    assert TrashItem.objects.filter(target_type="sprint", target_id=planned.pk).exists()
    with pytest.raises(NotFound):
        queries.get_sprint(owner, planned.pk)


# --- Capacity and planning -----------------------------------------------------------------------


def test_capacity_is_days_times_focus_times_eight(world: Any) -> None:
    owner, carol = world.actor("owner"), world.users["member"]
    sprint = queries.get_sprint(owner, world.extra["sprint"].pk)
    capacity = services.set_capacity(owner, sprint, user_id=carol.pk, days=10, focus=Decimal("0.8"))
    assert queries.capacity_hours(capacity.days, capacity.focus) == Decimal("64.0")
    # Setting it again replaces it.
    services.set_capacity(owner, sprint, user_id=carol.pk, days="7.5", focus="0.5")
    plan = queries.planning(owner, sprint)
    row = next(m for m in plan.members if m.user == carol)
    assert (row.days, row.focus, row.capacity_hours) == (Decimal("7.5"), Decimal("0.50"), Decimal("30.0"))
    assert (row.committed_points, row.committed_hours, row.item_count) == (Decimal(3), Decimal(6), 1)
    assert not row.over and plan.warnings == []
    assert plan.capacity_hours == Decimal("30.0")


@pytest.mark.parametrize(
    ("values", "field"),
    [({"days": -1, "focus": 0.5}, "days"), ({"days": 15, "focus": 0.5}, "days"), ({"days": 1, "focus": 1.5}, "focus")],
)
def test_capacity_values_are_bounded(world: Any, values: dict[str, Any], field: str) -> None:
    owner = world.actor("owner")
    sprint = queries.get_sprint(owner, world.extra["sprint"].pk)
    with pytest.raises(ValidationFailed) as error:
        services.set_capacity(owner, sprint, user_id=world.users["member"].pk, **values)
    assert set(error.value.errors) == {field}


@pytest.mark.parametrize("who", ["outsider", "admin", "removed"])
def test_capacity_only_for_members_of_the_project(world: Any, who: str) -> None:
    """Someone of another workspace, of the workspace but not the project, or removed: refused."""
    owner = world.actor("owner")
    sprint = queries.get_sprint(owner, world.extra["sprint"].pk)
    with pytest.raises(ValidationFailed) as error:
        services.set_capacity(owner, sprint, user_id=world.users[who].pk, days=5, focus=0.5)
    assert set(error.value.errors) == {"user_id"}


def test_over_commitment_is_a_warning_never_a_refusal(world: Any) -> None:
    owner, carol = world.actor("owner"), world.users["member"]
    sprint = queries.get_sprint(owner, world.extra["sprint"].pk)
    services.set_capacity(owner, sprint, user_id=carol.pk, days=1, focus=Decimal("0.5"))  # 4 h for 6 h of work
    new_item(world, "More", owner_id=carol.pk, sprint_id=sprint.pk, points=2, estimate_hours=3)
    plan = queries.planning(owner, sprint)
    row = next(m for m in plan.members if m.user == carol)
    assert row.over and row.committed_hours == Decimal(9)
    assert len(plan.warnings) == 1 and "Carol" in plan.warnings[0]


def test_team_warning_when_commitment_exceeds_recent_velocity(world: Any) -> None:
    owner = world.actor("owner")
    velocities = []
    for n, done in enumerate([2, 4, 6, 100]):  # the oldest of four is not among the last three
        sprint = services.create_sprint(owner, world.extra["mobile"], name=f"Old {n}", start_date=START, end_date=START)
        Sprint.objects.filter(pk=sprint.pk).update(
            status=SprintStatus.CLOSED,
            completed_points=done,
            closed_at=timezone.now() - datetime.timedelta(days=10 - n if done != 100 else 30),
        )
        velocities.append(done)
    sprint = queries.get_sprint(owner, world.extra["sprint"].pk)
    plan = queries.planning(owner, sprint)
    assert plan.average_velocity == 4  # (2 + 4 + 6) / 3
    assert plan.warnings == []  # 3 points committed
    new_item(world, "Big", sprint_id=sprint.pk, points=2)
    plan = queries.planning(owner, sprint)
    assert plan.committed_points == 5
    assert len(plan.warnings) == 1 and "5" in plan.warnings[0] and "4" in plan.warnings[0]


# --- Charts --------------------------------------------------------------------------------------


def test_burndown_follows_done_dates(world: Any, settings: Any) -> None:
    settings.TIME_ZONE = "UTC"
    owner = world.actor("owner")
    sprint = queries.get_sprint(owner, world.extra["sprint"].pk)
    Sprint.objects.filter(pk=sprint.pk).update(end_date=START + datetime.timedelta(days=3))
    sprint = queries.get_sprint(owner, sprint.pk)
    second = new_item(world, "Second", sprint_id=sprint.pk, points=2)
    new_item(world, "Third", sprint_id=sprint.pk, points=1)
    finish(world.extra["sprint_item"], START)  # 3 points on day 0
    finish(second, START + datetime.timedelta(days=2))  # 2 points on day 2
    charts = queries.charts_for(owner, sprint, today=START + datetime.timedelta(days=30))
    assert charts["burndown"]["points"]["remaining"] == [3, 3, 1, 1]
    assert charts["burndown"]["count"]["remaining"] == [2, 2, 1, 1]
    assert charts["burnup"]["points"]["done"] == [3, 3, 5, 5]
    assert charts["burnup"]["points"]["total"] == [6] * 4
    assert charts["frozen"] is False


# --- Close with carry-over -----------------------------------------------------------------------


def test_close_moves_unfinished_items_freezes_the_report_and_records_the_keys(world: Any) -> None:
    owner = world.actor("owner")
    sprint = queries.get_sprint(owner, world.extra["sprint"].pk)
    done = new_item(world, "Done one", sprint_id=sprint.pk, points=5)
    finish(done, START + datetime.timedelta(days=1))
    left = world.extra["sprint_item"]
    target_id = world.extra["next_sprint"].pk

    closed, target, keys = services.close_sprint(
        owner, sprint, carry_over_to=target_id, today=START + datetime.timedelta(days=20)
    )

    assert target is not None and target.pk == target_id
    assert keys == ["MOB-1"]
    sprint = fresh(closed)
    assert sprint.status == SprintStatus.CLOSED and sprint.closed_at is not None
    assert (sprint.committed_points, sprint.completed_points) == (Decimal(8), Decimal(5))
    assert WorkItem.objects.get(pk=left.pk).sprint_id == target_id
    assert WorkItem.objects.get(pk=done.pk).sprint_id == sprint.pk
    assert sprint.report["done"] == ["MOB-2"] and sprint.report["not_done"] == ["MOB-1"]
    assert sprint.report["burndown"]["points"]["remaining"][-1] == 3
    activity = Activity.objects.get(target_type="sprint", target_id=sprint.pk, verb="closed")
    assert activity.changes["carried_over"] == [None, ["MOB-1"]]
    assert activity.changes["carry_over_to"] == [None, "Sprint 2"]

    # The frozen report is what the charts show, whatever happens to the items afterwards.
    finish(left, START + datetime.timedelta(days=2))
    charts = queries.charts_for(owner, queries.get_sprint(owner, sprint.pk))
    assert charts["frozen"] is True
    assert charts["burndown"]["points"]["remaining"][-1] == 3


def test_close_without_a_target_creates_the_next_sprint(world: Any) -> None:
    owner = world.actor("owner")
    sprint = queries.get_sprint(owner, world.extra["sprint"].pk)
    today = START + datetime.timedelta(days=13)
    _closed, target, keys = services.close_sprint(owner, sprint, today=today)
    assert target is not None and keys == ["MOB-1"]
    target = fresh(target)
    assert target.status == SprintStatus.PLANNED and target.project_id == sprint.project_id
    assert target.start_date == today + datetime.timedelta(days=1)
    assert (target.end_date - target.start_date).days == 13
    assert WorkItem.objects.get(pk=world.extra["sprint_item"].pk).sprint_id == target.pk


def test_close_with_nothing_unfinished_creates_nothing(world: Any) -> None:
    owner = world.actor("owner")
    finish(world.extra["sprint_item"], START)
    before = Sprint.objects.count()
    _closed, target, keys = services.close_sprint(owner, queries.get_sprint(owner, world.extra["sprint"].pk))
    assert (target, keys) == (None, [])
    assert Sprint.objects.count() == before


def test_close_is_one_transaction(world: Any, monkeypatch: Any) -> None:
    owner = world.actor("owner")
    sprint = queries.get_sprint(owner, world.extra["sprint"].pk)
    sprints_before = Sprint.objects.count()

    def fail(actor: Any, verb: str, *args: Any, **kwargs: Any) -> None:
        if verb == "closed":
            raise RuntimeError("the log is down")

    monkeypatch.setattr(services, "record", fail)
    with pytest.raises(RuntimeError):
        services.close_sprint(owner, sprint)
    assert fresh(sprint).status == SprintStatus.ACTIVE
    assert fresh(sprint).report == {}
    assert Sprint.objects.count() == sprints_before
    assert WorkItem.objects.get(pk=world.extra["sprint_item"].pk).sprint_id == sprint.pk


@pytest.mark.parametrize("target", ["other_sprint", "startable_sprint", "sprint"])
def test_carry_over_target_must_be_another_sprint_of_the_project(world: Any, target: str) -> None:
    """Another workspace's sprint, another project's sprint, the sprint itself: refused."""
    owner = world.actor("owner")
    sprint = queries.get_sprint(owner, world.extra["sprint"].pk)
    with pytest.raises(ValidationFailed) as error:
        services.close_sprint(owner, sprint, carry_over_to=world.extra[target].pk)
    assert set(error.value.errors) == {"carry_over_to"}
    assert fresh(sprint).status == SprintStatus.ACTIVE


def test_carry_over_target_must_be_planned(world: Any) -> None:
    owner = world.actor("owner")
    closed = services.create_sprint(owner, world.extra["mobile"], name="Done", start_date=START, end_date=START)
    Sprint.objects.filter(pk=closed.pk).update(status=SprintStatus.CLOSED)
    with pytest.raises(ValidationFailed) as error:
        services.close_sprint(owner, queries.get_sprint(owner, world.extra["sprint"].pk), carry_over_to=closed.pk)
    assert set(error.value.errors) == {"carry_over_to"}


def test_only_the_active_sprint_closes(world: Any) -> None:
    owner = world.actor("owner")
    with pytest.raises(ValidationFailed) as error:
        services.close_sprint(owner, queries.get_sprint(owner, world.extra["next_sprint"].pk))
    assert set(error.value.errors) == {"status"}


def test_velocity_lists_closed_sprints_oldest_first(world: Any) -> None:
    owner = world.actor("owner")
    finish(world.extra["sprint_item"], START)
    services.close_sprint(owner, queries.get_sprint(owner, world.extra["sprint"].pk))
    velocity = queries.velocity(owner, queries.get_sprint(owner, world.extra["sprint"].pk).project)
    assert [s.name for s in velocity["sprints"]] == ["Sprint 1"]
    assert velocity["average"] == 3


def test_an_item_takes_an_open_sprint_of_its_project_only(world: Any) -> None:
    """projects reads sprints through the registry, not by importing them: the same field errors,
    and its forms offer the open sprints."""
    from projects.forms.items import sprint_choices, sprint_rows

    owner, mobile = world.actor("owner"), world.extra["mobile"]
    finish(world.extra["sprint_item"], START)
    services.close_sprint(owner, queries.get_sprint(owner, world.extra["sprint"].pk))
    closed = world.extra["sprint"]
    deleted = services.create_sprint(owner, mobile, name="Dropped", start_date=START, end_date=START)
    services.delete_sprint(owner, deleted)
    refused = {
        closed.pk: "This sprint is closed.",
        deleted.pk: "Choose a sprint of this project.",
        world.extra["startable_sprint"].pk: "Choose a sprint of this project.",  # another project's
    }
    for sprint_id, message in refused.items():
        with pytest.raises(ValidationFailed) as error:
            new_item(world, "Late", sprint_id=sprint_id)
        assert error.value.errors == {"sprint_id": [message]}
    next_sprint = world.extra["next_sprint"]
    assert new_item(world, "On time", sprint_id=next_sprint.pk).sprint_id == next_sprint.pk
    assert sprint_choices(mobile, open_only=True) == [(next_sprint.pk, "Sprint 2")]
    assert [row[0] for row in sprint_rows(mobile)] == [next_sprint.pk, closed.pk]
    assert [status for _pk, _name, status in sprint_rows(mobile)] == [SprintStatus.PLANNED, SprintStatus.CLOSED]


# --- Retrospective -------------------------------------------------------------------------------


def test_retro_notes_add_edit_delete(world: Any) -> None:
    carol = world.actor("member")
    sprint = queries.get_sprint(carol, world.extra["sprint"].pk)
    note = services.add_note(carol, sprint, column=RetroColumn.TO_IMPROVE, text=" Slow CI ")
    assert note.text == "Slow CI" and note.author_id == carol.user_id
    with pytest.raises(ValidationFailed) as error:
        services.add_note(carol, sprint, column="gossip", text="x")
    assert set(error.value.errors) == {"column"}
    note = queries.get_note(carol, note.pk)
    services.update_note(carol, note, version=note.version, text="Slow CI builds", column=RetroColumn.ACTION)
    assert queries.get_note(carol, note.pk).column == RetroColumn.ACTION
    services.delete_note(carol, note)
    with pytest.raises(NotFound):
        queries.get_note(carol, note.pk)
    assert [n.text for n in queries.notes_of(carol, sprint)] == ["Pair on reviews"]


def test_an_action_becomes_a_work_item_once(world: Any) -> None:
    carol = world.actor("member")
    note = queries.get_note(carol, world.extra["note"].pk)
    note = services.note_to_item(carol, note)
    item = WorkItem.objects.get(pk=note.work_item_id)
    assert item.project_id == world.extra["mobile"].pk and item.title == "Pair on reviews"
    assert item.sprint_id is None and item.owner_id == carol.user_id
    with pytest.raises(ValidationFailed) as error:
        services.note_to_item(carol, queries.get_note(carol, note.pk))
    assert set(error.value.errors) == {"work_item"}


def test_only_actions_become_work_items(world: Any) -> None:
    carol = world.actor("member")
    sprint = queries.get_sprint(carol, world.extra["sprint"].pk)
    note = services.add_note(carol, sprint, column=RetroColumn.WENT_WELL, text="Demo went well")
    with pytest.raises(ValidationFailed) as error:
        services.note_to_item(carol, queries.get_note(carol, note.pk))
    assert set(error.value.errors) == {"column"}


def test_notes_of_another_workspace_are_not_found(world: Any) -> None:
    with pytest.raises(NotFound):
        queries.get_note(world.actor("owner"), world.extra["other_note"].pk)


def test_capacity_lists_only_the_people_who_may_work_in_the_project(world: Any) -> None:
    """Gina views MOB: not a row of its capacity, and none can be set for her. A guest who works in
    the project is one; someone removed from the workspace is not, whatever the project says."""
    from accounts import services as accounts
    from projects import services as projects
    from projects.models import ProjectRole

    owner, mobile = world.actor("owner"), world.extra["mobile"]
    sprint = queries.get_sprint(owner, world.extra["sprint"].pk)
    helper = accounts.add_member(owner, user=world.users["outsider"], role="guest")
    projects.add_project_member(owner, mobile, user_id=world.users["outsider"].pk, role=ProjectRole.MEMBER)
    accounts.remove_member(owner, world.members["extra"])
    people = {m.user.username for m in queries.planning(owner, sprint).members}
    assert people == {"alice", "carol", "olga"}
    with pytest.raises(ValidationFailed) as e:
        services.set_capacity(owner, sprint, user_id=world.users["guest"].pk, days=1, focus=1)
    assert "user_id" in e.value.errors
    assert services.set_capacity(owner, sprint, user_id=helper.user_id, days=1, focus=1).days == 1
