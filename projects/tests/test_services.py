"""Rules of projects and work items, on the real database."""

import datetime
from typing import Any

import pytest

from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.models import Activity
from projects import health, queries, services
from projects.models import Category, Health, ItemType, State, WorkItem
from projects.queries import filters
from projects.services import items
from sprints.models import Sprint

TODAY = datetime.date(2026, 11, 21)


def _state(project: Any, workflow: str, name: str) -> State:
    return State.objects.get(workflow__project=project, workflow__name=workflow, name=name)


def test_templates_set_up_workflows_for_every_type(world: Any) -> None:
    owner = world.members["owner"]
    for template, expected in (("scrum", {"Scrum", "Bug"}), ("kanban", {"Kanban"}), ("bugs", {"Bug"})):
        project = services.create_project(owner, name=template, key=template.upper(), template=template)
        flows = list(queries.workflows_of(project))
        assert {f.name for f in flows} == expected
        covered = [t for f in flows for t in f.item_types]
        assert sorted(covered) == sorted(ItemType.values)  # each type once
        views = list(queries.saved_views_of(owner, project))
        assert views and all(v.shared for v in views)
        for view in views:  # each a valid query of the list
            filters.check_query(view.query)
    kanban = queries.get_project(owner, "KANBAN")
    assert _state(kanban, "Kanban", "Doing").wip_limit == 5


def test_keys_are_unique_and_never_reused(world: Any) -> None:
    owner, project = world.members["owner"], world.extra["project"]
    with pytest.raises(ValidationFailed) as e:
        services.create_project(owner, name="Again", key="WEB")
    assert "key" in e.value.errors
    with pytest.raises(ValidationFailed):
        services.create_project(owner, name="Bad", key="web-1")
    last = items.create_item(owner, project, title="Last")
    items.delete_item(owner, last)
    fresh = items.create_item(owner, project, title="Fresh")
    assert fresh.number == last.number + 1
    assert fresh.key == f"WEB-{last.number + 1}"


def test_a_bug_needs_a_resolution_to_close_and_a_forbidden_move_names_the_reason(world: Any) -> None:
    owner, project = world.members["owner"], world.extra["project"]
    bug = items.create_item(owner, project, title="Crash", type="bug")
    assert bug.state.name == "Open"
    closed = _state(project, "Bug", "Closed")
    fixing = _state(project, "Bug", "Fixing")
    with pytest.raises(ValidationFailed) as e:
        items.transition(owner, bug, state_id=fixing.pk)  # Open → Fixing is not allowed
    assert "Open" in str(e.value.errors["state_id"]) and "Fixing" in str(e.value.errors["state_id"])
    with pytest.raises(ValidationFailed) as e:
        items.transition(owner, bug, state_id=closed.pk)
    assert "resolution" in e.value.errors
    bug = queries.get_item(owner, bug.key)
    item, warnings = items.transition(owner, bug, state_id=closed.pk, resolution="Fixed")
    assert item.category == Category.DONE and item.done_at is not None and warnings == []
    assert Activity.objects.filter(target_id=bug.pk, verb="transitioned").exists()
    # A state of another workflow (or project) is refused.
    other_state = State.objects.filter(workflow__project=world.extra["other_project"]).values_list("pk", flat=True)[0]
    with pytest.raises(ValidationFailed):
        items.transition(owner, queries.get_item(owner, bug.key), state_id=other_state)


def test_a_transition_to_the_current_state_changes_nothing(world: Any) -> None:
    owner, item = world.members["owner"], world.extra["item"]
    version = item.version
    same, warnings = items.transition(owner, item, state_id=item.state_id)
    assert same.version == version and warnings == []
    assert not Activity.objects.filter(target_id=item.pk, verb="transitioned").exists()


def test_wip_limit_warns_and_does_not_refuse(world: Any) -> None:
    owner, project = world.members["owner"], world.extra["project"]
    doing = queries.get_state(owner, _state(project, "Scrum", "In progress").pk)
    services.update_state(owner, doing, version=doing.version, wip_limit=1)
    first = items.create_item(owner, project, title="One")
    second = items.create_item(owner, project, title="Two")
    assert items.transition(owner, first, state_id=doing.pk)[1] == []
    moved, warnings = items.transition(owner, second, state_id=doing.pk)
    assert moved.state_id == doing.pk and len(warnings) == 1 and "1" in warnings[0]


def test_removing_a_state_asks_where_its_items_go(world: Any) -> None:
    owner, project, item = world.members["owner"], world.extra["project"], world.extra["item"]
    todo, done = _state(project, "Scrum", "To do"), _state(project, "Scrum", "Done")
    with pytest.raises(ValidationFailed) as e:
        services.remove_state(owner, queries.get_state(owner, todo.pk), move_to_id=None)
    assert "move_to" in e.value.errors
    other_flow_state = _state(project, "Bug", "Open")
    with pytest.raises(ValidationFailed):
        services.remove_state(owner, queries.get_state(owner, todo.pk), move_to_id=other_flow_state.pk)
    services.remove_state(owner, queries.get_state(owner, todo.pk), move_to_id=done.pk)
    item.refresh_from_db()
    assert item.state_id == done.pk and item.category == Category.DONE
    assert not State.objects.filter(pk=todo.pk).exists()


def test_nested_ids_must_belong_to_the_same_project_and_workspace(world: Any) -> None:
    owner, project = world.members["owner"], world.extra["project"]
    other_project, ops = world.extra["other_project"], world.extra["ops"]
    foreign_sprint = Sprint.objects.create(
        workspace=world.other, project=other_project, name="S", start_date=TODAY, end_date=TODAY
    )
    ops_item = items.create_item(owner, ops, title="Elsewhere")
    cases = {
        "sprint_id": foreign_sprint.pk,
        "milestone_id": world.extra["other_milestone"].pk,
        "parent_id": world.extra["other_item"].pk,
        "owner_id": world.users["outsider"].pk,
        "collaborator_ids": [world.users["outsider_owner"].pk],
    }
    for field, value in cases.items():
        with pytest.raises(ValidationFailed) as e:
            items.create_item(owner, project, title="x", **{field: value})
        assert field in e.value.errors, field
    with pytest.raises(ValidationFailed):  # same workspace, other project
        items.create_item(owner, project, title="x", parent_id=ops_item.pk)
    field = world.extra["field"]
    with pytest.raises(ValidationFailed) as e:
        items.create_item(owner, project, title="x", custom={str(field.pk): 99})
    assert f"custom.{field.pk}" in e.value.errors
    odd_values: list[Any] = [{}, [1], "1", True, 2**60]
    for odd in odd_values:  # never a server error, always the field named
        with pytest.raises(ValidationFailed) as e:
            items.create_item(owner, project, title="x", custom={str(field.pk): odd})
        assert f"custom.{field.pk}" in e.value.errors
    item = items.create_item(owner, project, title="ok", custom={str(field.pk): 2})
    assert item.custom == {str(field.pk): 2}
    assert WorkItem.objects.filter(title="x").count() == 0


def test_dependency_cycles_are_refused(world: Any) -> None:
    owner, project = world.members["owner"], world.extra["project"]
    a, b, c = (items.create_item(owner, project, title=t) for t in "abc")
    items.add_dependency(owner, a, b)
    items.add_dependency(owner, b, c)
    with pytest.raises(ValidationFailed) as e:
        items.add_dependency(owner, c, a)
    assert "cycle" in str(e.value.errors["blocked_by"])
    with pytest.raises(ValidationFailed):
        items.add_dependency(owner, a, a)
    blocks, blocked_by = queries.dependencies_of(b)
    assert [i.pk for i in blocks] == [c.pk] and [i.pk for i in blocked_by] == [a.pk]


def test_moving_keeps_history_and_the_old_key_redirects(world: Any) -> None:
    owner, item = world.members["owner"], world.extra["item"]
    old_key = item.key
    items.update_item(owner, item, version=item.version, title="Sign-up v2")
    moved = items.move_item(owner, item, project=world.extra["ops"], version=item.version)
    assert moved.key.startswith("OPS-")
    found = queries.get_item(owner, old_key)
    assert found.pk == item.pk and found.key == moved.key
    verbs = list(Activity.objects.filter(target_type="work_item", target_id=item.pk).values_list("verb", flat=True))
    assert {"created", "updated", "moved"} <= set(verbs)
    # The old number stays taken in WEB.
    fresh = items.create_item(owner, world.extra["project"], title="new")
    assert fresh.number > int(old_key.split("-")[1])


def test_stale_versions_conflict(world: Any) -> None:
    owner, item = world.members["owner"], world.extra["item"]
    version = item.version
    items.update_item(owner, item, version=version, title="First")
    with pytest.raises(Conflict):
        items.update_item(owner, queries.get_item(owner, item.key), version=version, title="Second")


def test_bulk_update_is_all_or_nothing(world: Any) -> None:
    owner, project = world.members["owner"], world.extra["project"]
    story = items.create_item(owner, project, title="Story")
    bug = items.create_item(owner, project, title="Bug", type="bug")
    done = _state(project, "Scrum", "Done")
    with pytest.raises(ValidationFailed) as e:
        items.bulk_update(owner, project, item_ids=[story.pk, bug.pk], state_id=done.pk)
    assert bug.key in str(e.value.errors["state_id"])
    story.refresh_from_db()
    assert story.state.name == "To do"
    changed = items.bulk_update(owner, project, item_ids=[story.pk, bug.pk], priority="urgent")
    assert {i.priority for i in changed} == {"urgent"}
    with pytest.raises(ValidationFailed):
        items.bulk_update(owner, project, item_ids=[world.extra["other_item"].pk], priority="low")


def test_viewers_and_outsiders_cannot_write(world: Any) -> None:
    project = queries.get_project(world.members["guest"], "WEB")
    with pytest.raises(PermissionDenied):
        items.create_item(world.members["guest"], project, title="no")
    with pytest.raises(PermissionDenied):
        services.update_project(world.members["member"], queries.get_project(world.members["member"], "WEB"), version=1)


def test_health_from_slip_overdue_work_and_blockers() -> None:
    def metrics(**kw: Any) -> health.Metrics:
        base = {
            "open_count": 10,
            "overdue_count": 0,
            "blocked_count": 0,
            "late_milestone_count": 0,
            "target_date": None,
            "finished": False,
        }
        return health.Metrics(**{**base, **kw})

    assert health.compute(metrics(), TODAY)[0] == Health.ON_TRACK
    assert health.compute(metrics(overdue_count=1), TODAY)[0] == Health.AT_RISK  # 10%
    assert health.compute(metrics(overdue_count=3), TODAY)[0] == Health.OFF_TRACK  # 30%
    assert health.compute(metrics(blocked_count=2), TODAY)[0] == Health.AT_RISK
    assert health.compute(metrics(late_milestone_count=2), TODAY)[0] == Health.OFF_TRACK
    slipped = metrics(target_date=TODAY - datetime.timedelta(days=1))
    state, reasons = health.compute(slipped, TODAY)
    assert state == Health.OFF_TRACK and len(reasons) == 1
    assert health.compute(metrics(target_date=TODAY - datetime.timedelta(days=1), finished=True), TODAY)[0] == (
        Health.ON_TRACK
    )


def test_health_override_needs_a_reason_and_is_recorded(world: Any) -> None:
    owner = world.members["owner"]
    project = queries.get_project(owner, "WEB")
    with pytest.raises(ValidationFailed) as e:
        services.override_health(owner, project, health="off_track", reason=" ")
    assert "reason" in e.value.errors
    services.override_health(owner, project, health="off_track", reason="Vendor is late")
    loaded = queries.get_project(owner, "WEB", metrics=True)
    assert health.of(loaded, TODAY) == ("off_track", ["Vendor is late"], True)
    assert Activity.objects.filter(verb="health_overridden", target_id=project.pk).exists()


def test_overdue_work_turns_the_computed_health(world: Any) -> None:
    owner, project = world.members["owner"], world.extra["project"]
    for n in range(3):
        items.create_item(owner, project, title=f"late {n}", due_date=datetime.date(2020, 1, 1))
    loaded = queries.get_project(owner, "WEB", metrics=True)
    assert loaded.overdue_count == 3  # type: ignore[attr-defined]
    assert health.of(loaded, TODAY)[0] == Health.OFF_TRACK


def test_saved_view_queries_are_checked_against_the_allow_list(world: Any) -> None:
    member, project = world.members["member"], world.extra["project"]
    with pytest.raises(ValidationFailed) as e:
        items.save_view(member, project, name="x", query={"password": "1"})
    assert "password" in e.value.errors
    with pytest.raises(ValidationFailed):
        items.save_view(member, project, name="x", query={"sort": "title; drop table"})
    view = items.save_view(member, project, name="Urgent", query={"priority": "urgent", "sort": "due"})
    assert view.query == {"priority": "urgent", "sort": "due"}


def test_time_logged_adds_up(world: Any) -> None:
    owner, item = world.members["owner"], world.extra["item"]
    items.log_time(owner, item, hours=1.5)
    items.log_time(owner, item, hours="2")
    item = queries.get_item(owner, item.key)
    assert item.logged_hours == 3.5
    with pytest.raises(ValidationFailed):
        items.log_time(owner, item, hours=0)


def test_a_sub_task_always_has_a_parent(world: Any) -> None:
    owner, project, story = world.members["owner"], world.extra["project"], world.extra["item"]
    with pytest.raises(ValidationFailed) as e:
        items.create_item(owner, project, title="Orphan", type=ItemType.SUBTASK)
    assert "parent_id" in e.value.errors
    sub_task = items.create_item(owner, project, title="Piece", type=ItemType.SUBTASK, parent_id=story.pk)
    with pytest.raises(ValidationFailed) as e:  # removing the parent
        items.update_item(owner, sub_task, version=sub_task.version, parent_id=None)
    assert "parent_id" in e.value.errors
    task = items.create_item(owner, project, title="Loose")
    with pytest.raises(ValidationFailed) as e:  # becoming a sub-task without one
        items.update_item(owner, task, version=task.version, type=ItemType.SUBTASK)
    assert "parent_id" in e.value.errors
    with pytest.raises(ValidationFailed) as e:  # moving away leaves the parent behind
        items.move_item(owner, sub_task, project=world.extra["ops"], version=sub_task.version)
    assert "project" in e.value.errors
    with pytest.raises(ValidationFailed) as e:  # and so does moving the parent away from it
        items.move_item(owner, story, project=world.extra["ops"], version=story.version)
    assert "project" in e.value.errors
    assert not WorkItem.objects.filter(type=ItemType.SUBTASK, parent__isnull=True).exists()
    items.update_item(owner, task, version=task.version, type=ItemType.SUBTASK, parent_id=story.pk)
    sub_task.refresh_from_db()
    assert sub_task.parent_id == story.pk
