"""Objectives on the real database and over the API: created with a level and its unit, one owner of
the workspace and a parent of the same cycle at its level or above (no loops); every error names
its field; company objectives are for owners and admins; a stale version is a conflict; moving to
another cycle leaves the aligned objectives behind; deleting and moving refresh the roll-up."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from core import services as core
from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.models import Activity, TrashItem
from goals.models import Cycle, CycleStatus, KeyResult, Objective
from goals.services import cycles, objectives
from goals.services.tree import refresh_cycle
from product.services import products

API = "/api/v1/workspaces/acme/goals"


def fresh(obj: Any) -> Any:
    return Objective.all_objects.select_related("cycle").get(pk=obj.pk)


def errors_of(response: Any) -> dict[str, str]:
    assert response["Content-Type"] == "application/problem+json", response.content
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def new(world: Any, role: str = "member", **fields: Any) -> Objective:
    values = {
        "title": "Ship the app to 5,000 teams this quarter",
        "level": "team",
        "team_id": world.team.pk,
        "owner_id": world.users[role].pk,
    }
    return objectives.create_objective(world.actor(role), world.extra["cycle"], **{**values, **fields})


def next_cycle(world: Any) -> Cycle:
    return cycles.create_cycle(
        world.actor("owner"), kind="year", start_date=datetime.date(2031, 1, 1), end_date=datetime.date(2031, 12, 31)
    )


# --- Creating ------------------------------------------------------------------------------------


def test_an_objective_is_created_aligned_and_recorded(world: Any) -> None:
    objective = new(world, parent_id=world.extra["objective"].pk, description=" Why ")
    objective = fresh(objective)
    assert (objective.level, objective.team_id, objective.owner_id) == ("team", world.team.pk, world.users["member"].pk)
    assert (objective.parent_id, objective.cycle_id, objective.description) == (
        world.extra["objective"].pk,
        world.extra["cycle"].pk,
        "Why",
    )
    assert objective.department_id is None and objective.product_id is None
    entry = Activity.objects.get(verb="created", target_type="objective", target_id=objective.pk)
    assert entry.changes["parent"] == world.extra["objective"].title  # by name, as it was then


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_objective_needs_its_owner_named(world: Any, language: str) -> None:
    """No owner is invented: the caller is not the owner unless named."""
    with translation.override(language), pytest.raises(ValidationFailed) as error:
        new(world, owner_id=None)
    assert list(error.value.errors) == ["owner_id"]
    assert error.value.errors["owner_id"] == [
        {"en": "Choose the owner: one person answers for it.", "zh-hans": "请选择负责人：由一个人对它负责。"}[language]
    ]
    assert not Objective.objects.filter(title="Ship the app to 5,000 teams this quarter").exists()


def test_each_level_names_its_own_unit(world: Any) -> None:
    product = products.create_product(world.actor("owner"), name="App")
    department = new(world, level="department", team_id=None, department_id=world.department.pk)
    on_product = new(world, level="product", team_id=None, product_id=product.pk)
    personal = new(world, level="personal", team_id=None)
    assert fresh(department).department_id == world.department.pk
    assert fresh(on_product).product_id == product.pk
    assert (fresh(personal).team_id, fresh(personal).department_id) == (None, None)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"level": "galaxy"}, "level"),
        ({"team_id": None}, "team_id"),
        ({"department_id": "dept"}, "department_id"),
        ({"level": "department", "team_id": None}, "department_id"),
        ({"level": "personal"}, "team_id"),
        ({"level": "product", "team_id": None}, "product_id"),
        ({"team_id": 10**9}, "team_id"),
        ({"owner_id": 10**9}, "owner_id"),
        ({"parent_id": 10**9}, "parent_id"),
        ({"unknown": 1}, "unknown"),
        ({"description": "x" * 20_001}, "description"),
    ],
)
def test_errors_name_their_field(world: Any, fields: dict[str, Any], field: str) -> None:
    count = Objective.all_objects.count()
    with pytest.raises(ValidationFailed) as error:
        new(world, **fields)
    assert set(error.value.errors) == {field}
    assert Objective.all_objects.count() == count


def test_ids_of_another_workspace_or_of_removed_people_are_field_errors(world: Any) -> None:
    cases = {
        "team_id": {"team_id": world.other_team.pk},
        "department_id": {"level": "department", "team_id": None, "department_id": world.other_department.pk},
        "owner_id": {"owner_id": world.users["outsider"].pk},
        "parent_id": {"parent_id": world.extra["other_objective"].pk},
    }
    for field, fields in cases.items():
        with pytest.raises(ValidationFailed) as error:
            new(world, **fields)
        assert set(error.value.errors) == {field}
    with pytest.raises(ValidationFailed) as error:
        new(world, owner_id=world.users["removed"].pk)
    assert set(error.value.errors) == {"owner_id"}
    with pytest.raises(ValidationFailed) as error:
        new(world, level="department", team_id=None, department_id=world.trashed.pk)
    assert set(error.value.errors) == {"department_id"}


def test_company_objectives_are_for_owners_and_admins(world: Any) -> None:
    with pytest.raises(ValidationFailed) as error:
        new(world, level="company", team_id=None)
    assert set(error.value.errors) == {"level"}
    company = new(world, "admin", level="company", team_id=None)
    assert fresh(company).level == "company"
    objective = world.extra["objective"]  # the company objective
    with pytest.raises(PermissionDenied):
        objectives.update_objective(world.actor("member"), objective, version=objective.version, title="Mine now")
    with pytest.raises(PermissionDenied):
        objectives.delete_objective(world.actor("member"), objective)
    child = fresh(world.extra["child_objective"])
    with pytest.raises(ValidationFailed) as error:
        objectives.update_objective(world.actor("member"), child, version=child.version, level="company")
    assert set(error.value.errors) == {"level"}
    with pytest.raises(PermissionDenied):
        new(world, "guest")


# --- Alignment -----------------------------------------------------------------------------------


def test_the_parent_is_in_the_same_cycle_and_not_below(world: Any) -> None:
    other_cycle = next_cycle(world)
    elsewhere = objectives.create_objective(
        world.actor("owner"), other_cycle, title="Next year", level="company", owner_id=world.users["owner"].pk
    )
    with pytest.raises(ValidationFailed) as error:
        new(world, parent_id=elsewhere.pk)
    assert set(error.value.errors) == {"parent_id"}
    personal = new(world, level="personal", team_id=None)
    with pytest.raises(ValidationFailed) as error:
        new(world, parent_id=personal.pk)  # a team objective under a personal one
    assert set(error.value.errors) == {"parent_id"}
    same_level = new(world, parent_id=world.extra["child_objective"].pk)  # team under team is fine
    assert fresh(same_level).parent_id == world.extra["child_objective"].pk


def test_no_loops(world: Any) -> None:
    parent, child = fresh(world.extra["objective"]), fresh(world.extra["child_objective"])
    grandchild = new(world, parent_id=child.pk)
    with pytest.raises(ValidationFailed) as error:
        objectives.update_objective(world.actor("member"), child, version=child.version, parent_id=child.pk)
    assert set(error.value.errors) == {"parent_id"}
    with pytest.raises(ValidationFailed) as error:
        objectives.update_objective(world.actor("member"), child, version=child.version, parent_id=grandchild.pk)
    assert set(error.value.errors) == {"parent_id"}
    with pytest.raises(ValidationFailed) as error:
        objectives.update_objective(world.actor("owner"), parent, version=parent.version, level="personal")
    assert set(error.value.errors) == {"level"}  # a team objective is aligned to it: it cannot go below
    assert fresh(child).parent_id == parent.pk


def test_a_stale_version_is_a_conflict(world: Any) -> None:
    child = fresh(world.extra["child_objective"])
    objectives.update_objective(world.actor("member"), child, version=child.version, title="First")
    with pytest.raises(Conflict) as error:
        objectives.update_objective(world.actor("admin"), child, version=1, title="Second")
    assert error.value.current is not None and error.value.current["title"] == "First"
    assert fresh(child).title == "First"
    entry = Activity.objects.filter(verb="updated", target_type="objective", target_id=child.pk).get()
    assert entry.changes == {"title": ["Cut churn to 5% by the end of the quarter", "First"]}


def test_a_level_change_drops_the_unit_it_does_not_name(world: Any) -> None:
    child = fresh(world.extra["child_objective"])
    objectives.update_objective(world.actor("member"), child, version=child.version, level="personal")
    child = fresh(child)
    assert (child.level, child.team_id) == ("personal", None)
    with pytest.raises(ValidationFailed) as error:
        objectives.update_objective(world.actor("member"), child, version=child.version, level="department")
    assert set(error.value.errors) == {"department_id"}


# --- Roll-up, moving and deleting ----------------------------------------------------------------


def test_the_roll_up_of_the_parent_follows_alignment(world: Any) -> None:
    parent, child = fresh(world.extra["objective"]), fresh(world.extra["child_objective"])
    # The parent's own key result is at 50 %, the child's at 0 %: equal weights roll up to 25 %.
    assert (parent.progress, parent.rolled_up, child.progress) == (50.0, 25.0, 0.0)
    KeyResult.objects.filter(pk=world.extra["child_key_result"].pk).update(progress=100.0, weight=Decimal(3))
    refresh_cycle(parent.cycle_id)
    assert fresh(parent).rolled_up == pytest.approx((50 * 1 + 100 * 3) / 4)
    objectives.update_objective(world.actor("member"), child, version=child.version, parent_id=None)
    assert (fresh(parent).progress, fresh(parent).rolled_up) == (50.0, 50.0)
    child = fresh(child)
    objectives.update_objective(world.actor("member"), child, version=child.version, parent_id=parent.pk)
    assert fresh(parent).rolled_up == pytest.approx(87.5)


def test_a_deleted_objective_leaves_the_roll_up_and_comes_back_restored(world: Any) -> None:
    parent, child = fresh(world.extra["objective"]), fresh(world.extra["child_objective"])
    objectives.delete_objective(world.actor("member"), child)
    assert Objective.objects.filter(pk=child.pk).count() == 0
    assert fresh(parent).rolled_up == 50.0
    item = TrashItem.objects.get(target_type="objective", target_id=child.pk)
    core.restore(world.actor("member"), item)
    assert fresh(parent).rolled_up == 25.0


def test_moving_to_another_cycle_leaves_the_aligned_objectives_behind(world: Any) -> None:
    parent, child = fresh(world.extra["objective"]), fresh(world.extra["child_objective"])
    grandchild = new(world, parent_id=child.pk)
    target = next_cycle(world)
    objectives.update_objective(world.actor("member"), child, version=child.version, cycle_id=target.pk)
    child, grandchild = fresh(child), fresh(grandchild)
    assert (child.cycle_id, child.parent_id) == (target.pk, None)
    assert (grandchild.cycle_id, grandchild.parent_id, grandchild.version) == (world.extra["cycle"].pk, None, 2)
    assert Activity.objects.filter(verb="updated", target_type="objective", target_id=grandchild.pk).exists()
    assert fresh(parent).rolled_up == 50.0  # the child's key result left with it
    assert child.progress == 0.0  # refreshed in its new cycle
    # Into a parent of the new cycle in the same write.
    top = objectives.create_objective(
        world.actor("owner"), target, title="Grow 2x next year", level="company", owner_id=world.users["owner"].pk
    )
    grandchild = fresh(grandchild)
    objectives.update_objective(
        world.actor("member"), grandchild, version=grandchild.version, cycle_id=target.pk, parent_id=top.pk
    )
    assert (fresh(grandchild).cycle_id, fresh(grandchild).parent_id) == (target.pk, top.pk)


def test_moving_needs_both_cycles_writable(world: Any) -> None:
    child = fresh(world.extra["child_objective"])
    closed = world.extra["closed_cycle"]
    with pytest.raises(ValidationFailed) as error:
        objectives.update_objective(world.actor("member"), child, version=child.version, cycle_id=closed.pk)
    assert set(error.value.errors) == {"cycle"}
    with pytest.raises(ValidationFailed) as error:
        objectives.update_objective(
            world.actor("member"), child, version=child.version, cycle_id=world.extra["other_cycle"].pk
        )
    assert set(error.value.errors) == {"cycle_id"}
    assert fresh(child).cycle_id == world.extra["cycle"].pk
    Cycle.objects.filter(pk=closed.pk).update(status=CycleStatus.REOPENED)
    objectives.update_objective(world.actor("member"), child, version=child.version, cycle_id=closed.pk)
    assert fresh(child).cycle_id == closed.pk


# --- API -----------------------------------------------------------------------------------------


def test_the_api_creates_reads_and_lists_objectives(world: Any) -> None:
    client = world.client("member")
    body = {
        "cycle_id": world.extra["cycle"].pk,
        "title": "Ship the app to 5,000 teams this quarter",
        "level": "team",
        "team_id": world.team.pk,
        "parent_id": world.extra["objective"].pk,
    }
    ownerless = client.post(API + "/objectives", body, content_type="application/json")
    assert ownerless.status_code == 422 and set(errors_of(ownerless)) == {"owner_id"}
    body["owner_id"] = world.users["member"].pk
    response = client.post(API + "/objectives", body, content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["owner"]["username"], created["unit"], created["cycle"]) == ("carol", "App", "This quarter")
    assert {"progress", "rolled_up", "score", "smart"} <= set(created)
    assert isinstance(created["smart"], list)
    parent = client.get(API + f"/objectives/{world.extra['objective'].pk}").json()
    assert (parent["progress"], parent["rolled_up"], parent["level"]) == (50.0, 25.0, "company")
    listed = client.get(API + "/objectives?level=team").json()["items"]
    assert {o["id"] for o in listed} == {world.extra["child_objective"].pk, created["id"]}
    children = client.get(API + f"/objectives?parent={world.extra['objective'].pk}").json()["items"]
    assert len(children) == 2
    assert client.get(API + "/objectives?level=galaxy").status_code == 422
    assert client.get(API + f"/objectives?cycle={world.extra['other_cycle'].pk}").json()["items"] == []
    wrong = client.post(API + "/objectives", {**body, "level": "personal"}, content_type="application/json")
    assert wrong.status_code == 422 and set(errors_of(wrong)) == {"team_id"}
    company = client.post(
        API + "/objectives",
        {**body, "level": "company", "team_id": None, "parent_id": None},
        content_type="application/json",
    )
    assert company.status_code == 422 and set(errors_of(company)) == {"level"}


def test_the_api_edits_and_deletes_objectives(world: Any) -> None:
    client = world.client("member")
    child = world.extra["child_objective"]
    url = API + f"/objectives/{child.pk}"
    patched = client.patch(url, {"version": child.version, "parent_id": None}, content_type="application/json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["parent_id"] is None and patched.json()["team_id"] == world.team.pk
    stale = client.patch(url, {"version": child.version, "title": "Late"}, content_type="application/json")
    assert stale.status_code == 409
    assert stale.json()["current"]["version"] == child.version + 1
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404
    company = world.extra["objective"]
    assert client.delete(API + f"/objectives/{company.pk}").status_code == 403


def test_the_api_choices_are_the_models_and_smart_findings_are_shown(world: Any, monkeypatch: Any) -> None:
    from goals import smart
    from goals.models import CycleKind, ObjectiveLevel
    from goals.schemas.objectives import GoalsCycleKind, GoalsCycleStatus, GoalsLevel

    assert [e.value for e in GoalsLevel] == list(ObjectiveLevel.values)
    assert [e.value for e in GoalsCycleKind] == list(CycleKind.values)
    assert [e.value for e in GoalsCycleStatus] == list(CycleStatus.values)
    monkeypatch.setattr(smart, "check_objective", lambda **kw: [smart.Finding("measurable", f"{kw['title']}: no KR")])
    body = world.client("member").get(API + f"/objectives/{world.extra['child_objective'].pk}").json()
    assert body["smart"] == [{"code": "measurable", "message": "Cut churn to 5% by the end of the quarter: no KR"}]
