"""Cycles on the real database and over the API: created and edited by owners and admins (every
error names its field, a stale version is a conflict), one active cycle at a time, a closed cycle
is read-only for its objectives until an admin reopens it with a reason that is recorded."""

import datetime
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.models import Activity
from goals.models import Cycle, CycleStatus, Objective
from goals.services import cycles, objectives

API = "/api/v1/workspaces/acme/goals"


def fresh(obj: Any) -> Any:
    return type(obj).all_objects.get(pk=obj.pk)


def errors_of(response: Any) -> dict[str, str]:
    assert response["Content-Type"] == "application/problem+json", response.content
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def planned(world: Any, year: int = 2031) -> Cycle:
    return cycles.create_cycle(
        world.actor("admin"), kind="year", start_date=datetime.date(year, 1, 1), end_date=datetime.date(year, 12, 31)
    )


# --- Services ------------------------------------------------------------------------------------


def test_a_cycle_is_created_with_a_default_name_and_recorded(world: Any) -> None:
    cycle = cycles.create_cycle(
        world.actor("owner"), kind="quarter", start_date=datetime.date(2031, 4, 1), end_date=datetime.date(2031, 6, 30)
    )
    cycle = fresh(cycle)
    assert (cycle.name, cycle.status, cycle.workspace_id) == ("2031 Q2", CycleStatus.PLANNED, world.acme.pk)
    assert Activity.objects.filter(verb="created", target_type="cycle", target_id=cycle.pk).exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "month", "start_date": datetime.date(2031, 1, 1), "end_date": datetime.date(2031, 3, 31)}, "kind"),
        ({"kind": "quarter", "start_date": "2031-01-01", "end_date": datetime.date(2031, 3, 31)}, "start_date"),
        (
            {"kind": "quarter", "start_date": datetime.date(2031, 3, 1), "end_date": datetime.date(2031, 1, 1)},
            "end_date",
        ),
        ({"kind": "year", "start_date": datetime.date(2031, 1, 1), "end_date": datetime.date(2033, 1, 1)}, "end_date"),
    ],
)
def test_cycle_errors_name_their_field(world: Any, fields: dict[str, Any], field: str) -> None:
    count = Cycle.objects.count()
    with pytest.raises(ValidationFailed) as error:
        cycles.create_cycle(world.actor("owner"), **fields)
    assert set(error.value.errors) == {field}
    assert Cycle.objects.count() == count


def test_members_do_not_run_cycles(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        cycles.create_cycle(
            world.actor("member"),
            kind="year",
            start_date=datetime.date(2031, 1, 1),
            end_date=datetime.date(2031, 12, 31),
        )
    with pytest.raises(PermissionDenied):
        cycles.close_cycle(world.actor("member"), world.extra["cycle"], version=world.extra["cycle"].version)


def test_a_stale_version_is_a_conflict(world: Any) -> None:
    cycle = world.extra["cycle"]
    cycles.update_cycle(world.actor("owner"), cycle, version=cycle.version, name="Now")
    stale = Cycle.objects.get(pk=cycle.pk)
    stale.version = 1
    with pytest.raises(Conflict) as error:
        cycles.update_cycle(world.actor("admin"), stale, version=1, name="Later")
    assert error.value.current is not None and error.value.current["name"] == "Now"
    assert fresh(cycle).name == "Now"


def test_only_one_cycle_is_active(world: Any) -> None:
    cycle = planned(world)
    with pytest.raises(ValidationFailed) as error:
        cycles.activate_cycle(world.actor("owner"), cycle, version=cycle.version)
    assert set(error.value.errors) == {"status"}
    assert fresh(cycle).status == CycleStatus.PLANNED
    # The database holds the rule too.
    with pytest.raises(IntegrityError), transaction.atomic():
        Cycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.ACTIVE)
    active = world.extra["cycle"]
    cycles.close_cycle(world.actor("owner"), active, version=active.version)
    cycles.activate_cycle(world.actor("owner"), cycle, version=cycle.version)
    assert list(Cycle.objects.filter(workspace=world.acme, status=CycleStatus.ACTIVE)) == [cycle]
    assert Activity.objects.filter(verb="activated", target_type="cycle", target_id=cycle.pk).exists()


def test_a_closed_cycle_is_read_only_until_reopened_with_a_recorded_reason(world: Any) -> None:
    cycle, child = world.extra["cycle"], world.extra["child_objective"]
    cycles.close_cycle(world.actor("admin"), cycle, version=cycle.version)
    child = Objective.objects.select_related("cycle").get(pk=child.pk)
    assert child.cycle.read_only
    with pytest.raises(ValidationFailed) as error:
        objectives.update_objective(world.actor("member"), child, version=child.version, title="Changed")
    assert set(error.value.errors) == {"cycle"}
    with pytest.raises(ValidationFailed) as error:
        objectives.create_objective(
            world.actor("member"), child.cycle, title="New", level="personal", owner_id=world.users["member"].pk
        )
    assert set(error.value.errors) == {"cycle"}
    with pytest.raises(ValidationFailed) as error:
        objectives.delete_objective(world.actor("member"), child)
    assert set(error.value.errors) == {"cycle"}
    assert fresh(child).title == "Cut churn to 5% by the end of the quarter"

    closed = fresh(cycle)
    with pytest.raises(ValidationFailed) as error:
        cycles.reopen_cycle(world.actor("admin"), closed, version=closed.version, reason="  ")
    assert set(error.value.errors) == {"reason"}
    with pytest.raises(PermissionDenied):
        cycles.reopen_cycle(world.actor("member"), closed, version=closed.version, reason="Fix")
    cycles.reopen_cycle(world.actor("admin"), closed, version=closed.version, reason="A score was wrong")
    reopened = fresh(cycle)
    assert (reopened.status, reopened.reopen_reason, reopened.reopened_by_id) == (
        CycleStatus.REOPENED,
        "A score was wrong",
        world.users["admin"].pk,
    )
    entry = Activity.objects.get(verb="reopened", target_type="cycle", target_id=cycle.pk)
    assert entry.changes["reason"] == [None, "A score was wrong"]
    assert entry.actor_id == world.users["admin"].pk
    child = Objective.objects.select_related("cycle").get(pk=child.pk)
    objectives.update_objective(world.actor("member"), child, version=child.version, title="Corrected")
    assert fresh(child).title == "Corrected"


def test_only_an_empty_cycle_is_deleted(world: Any) -> None:
    with pytest.raises(ValidationFailed) as error:
        cycles.delete_cycle(world.actor("owner"), world.extra["cycle"])
    assert set(error.value.errors) == {"cycle"}
    empty = planned(world)
    cycles.delete_cycle(world.actor("owner"), empty)
    assert fresh(empty).deleted_at is not None


# --- API -----------------------------------------------------------------------------------------


def test_the_api_creates_lists_and_edits_cycles(world: Any) -> None:
    client = world.client("admin")
    response = client.post(
        API + "/cycles",
        {"kind": "half", "start_date": "2031-07-01", "end_date": "2031-12-31"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["status"], body["read_only"], body["version"]) == ("2031 H2", "planned", False, 1)
    listed = client.get(API + "/cycles").json()["items"]
    assert [c["name"] for c in listed][:1] == ["2031 H2"]  # latest start first
    assert "Hidden quarter" not in {c["name"] for c in listed}
    assert {c["name"] for c in client.get(API + "/cycles?status=closed").json()["items"]} == {"Last year"}
    patched = client.patch(
        API + f"/cycles/{body['id']}", {"version": 1, "name": "Second half"}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["name"] == "Second half"
    stale = client.patch(API + f"/cycles/{body['id']}", {"version": 1, "name": "X"}, content_type="application/json")
    assert stale.status_code == 409 and stale.json()["current"]["name"] == "Second half"
    bad = client.post(
        API + "/cycles", {"kind": "quarter", "start_date": 0, "end_date": "2031-01-01"}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert client.get(API + "/cycles?status=bogus").status_code == 422


def test_the_api_closes_and_reopens_with_a_reason(world: Any) -> None:
    client = world.client("owner")
    cycle = world.extra["cycle"]
    closed = client.post(API + f"/cycles/{cycle.pk}/close", {"version": cycle.version}, content_type="application/json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed" and closed.json()["read_only"]
    version = closed.json()["version"]
    missing = client.post(API + f"/cycles/{cycle.pk}/reopen", {"version": version}, content_type="application/json")
    assert missing.status_code == 422 and "reason" in errors_of(missing)
    reopened = client.post(
        API + f"/cycles/{cycle.pk}/reopen",
        {"version": version, "reason": "Late check-ins"},
        content_type="application/json",
    )
    assert reopened.status_code == 200, reopened.content
    body = reopened.json()
    assert (body["status"], body["reopen_reason"], body["reopened_by"]["username"]) == (
        "reopened",
        "Late check-ins",
        "alice",
    )
    again = client.post(
        API + f"/cycles/{cycle.pk}/activate", {"version": body["version"]}, content_type="application/json"
    )
    assert again.status_code == 200 and again.json()["status"] == "active"
    other = planned(world)
    refused = client.post(API + f"/cycles/{other.pk}/activate", {"version": 1}, content_type="application/json")
    assert refused.status_code == 422 and "status" in errors_of(refused)
