from typing import Any

import pytest

from accounts import services
from accounts.models import Department
from core.errors import ValidationFailed
from core.models import Activity


def test_department_tree_refuses_cycles(world: Any) -> None:
    owner = world.actor("owner")
    parent, child = world.department, world.leaf_department
    with pytest.raises(ValidationFailed) as e:
        services.update_department(owner, parent, version=parent.version, parent_id=child.pk)
    assert "parent_id" in e.value.errors
    parent.refresh_from_db()
    assert parent.parent_id is None


@pytest.mark.parametrize("field", ["parent_id", "head_id"])
def test_nested_ids_of_another_workspace_are_refused(world: Any, field: str) -> None:
    foreign = {"parent_id": world.other_department.pk, "head_id": world.users["outsider"].pk}[field]
    client = world.client("owner")
    response = client.post(
        "/api/v1/workspaces/acme/departments", {"name": "X", field: foreign}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert not Department.objects.filter(name="X").exists()


def test_team_members_must_belong_to_the_workspace(world: Any) -> None:
    client = world.client("owner")
    body = {"version": world.team.version, "member_ids": [world.users["outsider"].pk]}
    response = client.patch(f"/api/v1/workspaces/acme/teams/{world.team.pk}", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "member_ids"
    assert list(world.team.members.all()) == [world.users["member"]]


def test_stale_update_gets_409_with_the_current_state(world: Any) -> None:
    client = world.client("owner")
    url = f"/api/v1/workspaces/acme/departments/{world.department.pk}"
    first = client.patch(url, {"version": world.department.version, "name": "A"}, content_type="application/json")
    assert first.status_code == 200
    stale = client.patch(url, {"version": world.department.version, "name": "B"}, content_type="application/json")
    assert stale.status_code == 409
    assert stale["Content-Type"] == "application/problem+json"
    assert stale.json()["current"]["name"] == "A"
    assert stale.json()["current"]["version"] == world.department.version + 1
    world.department.refresh_from_db()
    assert world.department.name == "A"


def test_updates_are_recorded_with_before_and_after(world: Any) -> None:
    owner = world.actor("owner")
    services.update_department(owner, world.department, version=world.department.version, name="Product Management")
    row = Activity.objects.filter(target_type="department", target_id=world.department.pk).latest("id")
    assert row.verb == "updated" and row.actor == world.users["owner"]
    assert row.changes == {"name": ["Product", "Product Management"]}


def test_deleting_a_department_with_children_is_refused(world: Any) -> None:
    with pytest.raises(ValidationFailed):
        services.delete_department(world.actor("owner"), world.department)


def test_work_group_spans_departments(world: Any) -> None:
    owner = world.actor("owner")
    design = services.create_department(owner, name="Design")
    services.change_member(
        owner, world.members["extra"], version=world.members["extra"].version, department_id=design.pk
    )
    team = services.create_team(
        owner, name="Launch", kind="work_group", member_ids=[world.users["member"].pk, world.users["extra"].pk]
    )
    assert team.kind == "work_group"
    assert set(team.members.values_list("username", flat=True)) == {"carol", "erin"}
