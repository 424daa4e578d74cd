"""Key results: the metric rules (number, percentage, currency from a start to a target, decreasing
ones and "keep it at" ones equal to their start too; yes / no 0 → 1; milestones 0 → their number),
weight, owner and due date;
progress from the values, and the objective's progress and roll-up following every write; and the
same through the API."""

import datetime
from decimal import Decimal
from typing import Any

import pytest

from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.models import Activity, TrashItem
from core.services import restore
from goals.models import KeyResult, Metric, Objective, ProgressSource
from goals.services import key_results


def fresh(obj: Any) -> Any:
    return type(obj)._base_manager.get(pk=obj.pk)


def create(world: Any, role: str = "member", objective: Any = None, **fields: Any) -> KeyResult:
    fields.setdefault("title", "Paying teams from 40 to 60 by June")
    if fields.get("metric", Metric.NUMBER) in (Metric.NUMBER, Metric.PERCENTAGE, Metric.CURRENCY):
        fields.setdefault("start_value", 40)
        fields.setdefault("target_value", 60)
    return key_results.create_key_result(world.actor(role), objective or world.extra["objective"], **fields)


# --- Creating: the metric rules -------------------------------------------------------------------


def test_a_number_result_starts_at_its_start_value_with_no_progress(world: Any) -> None:
    kr = create(world, due_date=world.extra["cycle"].end_date, unit="teams")
    kr = fresh(kr)
    assert (kr.start_value, kr.target_value, kr.current_value) == (Decimal(40), Decimal(60), Decimal(40))
    assert kr.progress == 0.0
    assert kr.owner_id == world.users["member"].pk  # the creator unless someone else is named
    assert kr.weight == Decimal(1)
    assert kr.position > world.extra["key_result"].position
    assert Activity.objects.filter(verb="created", target_type="key_result", target_id=kr.pk).exists()


def test_a_current_value_given_at_creation_sets_the_progress_and_the_objectives(world: Any) -> None:
    objective = world.extra["objective"]
    create(world, current_value=55)  # 75 %, weight 1, next to the world's 50 % result
    objective = fresh(objective)
    assert objective.progress == pytest.approx(62.5)


def test_a_decreasing_result_progresses_as_its_value_goes_down(world: Any) -> None:
    kr = create(world, metric=Metric.PERCENTAGE, start_value=8, target_value=5, current_value="6.5")
    assert fresh(kr).progress == pytest.approx(50.0)
    assert fresh(kr).unit == "%"  # a percentage's unit unless another is given


def test_a_currency_result_beyond_its_target_is_done_not_more(world: Any) -> None:
    kr = create(world, metric=Metric.CURRENCY, start_value=0, target_value=1000, current_value=1500, unit="¥")
    assert fresh(kr).progress == 100.0


def test_a_yes_no_result_runs_from_0_to_1_whatever_is_given(world: Any) -> None:
    kr = create(world, title="Launch the WeCom sign-in", metric=Metric.YES_NO, start_value=5, target_value=9)
    kr = fresh(kr)
    assert (kr.start_value, kr.target_value, kr.current_value, kr.progress) == (0, 1, 0, 0.0)
    kr = create(world, title="Ship the app", metric=Metric.YES_NO, current_value=1)
    assert fresh(kr).progress == 100.0


def test_a_keep_at_result_is_done_while_it_holds_and_not_when_it_slips(world: Any) -> None:
    """Keep availability at 99.9 %: a start equal to the target is a level to hold, not a refusal."""
    kr = create(
        world, title="Keep availability at 99.9%", metric=Metric.PERCENTAGE, start_value="99.9", target_value="99.9"
    )
    assert fresh(kr).progress == 100.0  # it starts where it must stay
    objective = world.extra["objective"]  # with the world's result at 50 %, weight 1 each
    assert fresh(objective).progress == pytest.approx(75.0)
    key_results.check_in(world.actor("member"), fresh(kr), value="99.5", confidence="at_risk")
    assert fresh(kr).progress == 0.0
    assert fresh(objective).progress == pytest.approx(25.0)  # the objective follows
    key_results.check_in(world.actor("member"), fresh(kr), value="99.95", confidence="on_track")
    assert fresh(kr).progress == 100.0


def test_a_milestone_result_runs_from_0_to_its_number_of_milestones(world: Any) -> None:
    kr = create(world, metric=Metric.MILESTONE, milestones=[" Design ", "Build", "", "Beta", "Launch"], current_value=1)
    kr = fresh(kr)
    assert kr.milestones == ["Design", "Build", "Beta", "Launch"]  # trimmed, empty lines dropped
    assert (kr.start_value, kr.target_value, kr.current_value) == (0, 4, 1)
    assert kr.progress == 25.0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"target_value": None}, "target_value"),
        ({"start_value": None}, "start_value"),
        ({"start_value": "abc"}, "start_value"),
        ({"target_value": "1e20"}, "target_value"),
        ({"target_value": "NaN"}, "target_value"),
        ({"target_value": True}, "target_value"),
        ({"metric": "gauge"}, "metric"),
        ({"metric": Metric.MILESTONE, "milestones": []}, "milestones"),
        ({"metric": Metric.MILESTONE, "milestones": ["x"] * 21}, "milestones"),
        ({"metric": Metric.MILESTONE, "milestones": "Design"}, "milestones"),
        ({"weight": 0}, "weight"),
        ({"weight": -1}, "weight"),
        ({"weight": "100.01"}, "weight"),
        ({"source": "magic"}, "source"),
        ({"title": "  "}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"unit": "x" * 21}, "unit"),
        ({"due_date": "2026-01-01"}, "due_date"),
        ({"current_value": "many"}, "current_value"),
        ({"metric": Metric.YES_NO, "current_value": 2}, "current_value"),
        ({"metric": Metric.MILESTONE, "milestones": ["a", "b"], "current_value": 3}, "current_value"),
        ({"metric": Metric.MILESTONE, "milestones": ["a", "b"], "current_value": "0.5"}, "current_value"),
        ({"progress": 100}, "progress"),  # computed, never given
        ({"workspace_id": 1}, "workspace_id"),
    ],
)
def test_invalid_fields_are_refused_by_name(world: Any, fields: dict[str, Any], field: str) -> None:
    before = KeyResult.all_objects.count()
    with pytest.raises(ValidationFailed) as error:
        create(world, **fields)
    assert field in error.value.errors
    assert KeyResult.all_objects.count() == before


def test_the_weight_is_above_0_and_at_most_100(world: Any) -> None:
    assert fresh(create(world, weight="100")).weight == Decimal(100)
    assert fresh(create(world, weight="0.5")).weight == Decimal("0.5")


@pytest.mark.parametrize("who", ["outsider", "guest", "removed"])
def test_the_owner_is_a_member_of_the_workspace_who_sees_goals(world: Any, who: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        create(world, owner_id=world.users[who].pk)
    assert "owner_id" in error.value.errors


def test_another_member_can_own_it(world: Any) -> None:
    assert fresh(create(world, owner_id=world.users["admin"].pk)).owner_id == world.users["admin"].pk


def test_a_guest_cannot_add_a_key_result(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        create(world, role="guest")


def test_a_closed_cycle_takes_no_new_key_result(world: Any) -> None:
    closed = Objective.objects.create(
        workspace=world.acme,
        cycle=world.extra["closed_cycle"],
        title="Last year's",
        owner=world.users["owner"],
        level="company",
    )
    with pytest.raises(ValidationFailed) as error:
        create(world, objective=closed)
    assert "cycle" in error.value.errors


# --- Updating -------------------------------------------------------------------------------------


def test_changing_the_target_moves_the_progress_and_the_objectives(world: Any) -> None:
    kr = world.extra["key_result"]  # 100 → 200, now 150: 50 %
    key_results.update_key_result(world.actor("member"), kr, version=kr.version, target_value=300)
    assert fresh(kr).progress == 25.0
    assert fresh(world.extra["objective"]).progress == 25.0
    activity = Activity.objects.get(verb="updated", target_type="key_result", target_id=kr.pk)
    assert activity.changes["target_value"] == ["200.0000", "300"] or activity.changes["target_value"][1] in (
        "300",
        "300.0000",
    )


def test_a_stale_version_is_a_conflict_and_changes_nothing(world: Any) -> None:
    kr = world.extra["key_result"]
    key_results.update_key_result(world.actor("member"), kr, version=kr.version, title="Weekly active teams to 200")
    stale = world.extra["key_result"]
    stale.version -= 1
    with pytest.raises(Conflict):
        key_results.update_key_result(world.actor("admin"), stale, version=stale.version, title="Another title")
    assert fresh(kr).title == "Weekly active teams to 200"


def test_a_target_equal_to_the_start_on_update_is_a_level_to_keep(world: Any) -> None:
    kr = world.extra["key_result"]  # 100 → 200, at 150
    key_results.update_key_result(world.actor("member"), kr, version=kr.version, start_value=200)
    assert (fresh(kr).start_value, fresh(kr).progress) == (200, 0.0)  # keep at 200: 150 is below it
    key_results.update_key_result(
        world.actor("member"), fresh(kr), version=fresh(kr).version, start_value=150, target_value=150
    )
    assert fresh(kr).progress == 100.0  # keep at 150: met


def test_turning_a_number_into_milestones_keeps_a_reachable_value(world: Any) -> None:
    kr = world.extra["key_result"]  # current 150
    key_results.update_key_result(
        world.actor("member"), kr, version=kr.version, metric=Metric.MILESTONE, milestones=["Alpha", "Beta"]
    )
    kr = fresh(kr)
    assert (kr.start_value, kr.target_value, kr.current_value, kr.progress) == (0, 2, 2, 100.0)


def test_the_weight_changes_the_objectives_progress(world: Any) -> None:
    objective = world.extra["objective"]
    other = create(world, current_value=60)  # 100 %
    assert fresh(objective).progress == pytest.approx(75.0)
    other = fresh(other)
    key_results.update_key_result(world.actor("member"), other, version=other.version, weight=3)
    assert fresh(objective).progress == pytest.approx((50 + 3 * 100) / 4)


def test_the_current_value_changes_by_check_ins_only(world: Any) -> None:
    kr = world.extra["key_result"]
    with pytest.raises(ValidationFailed) as error:
        key_results.update_key_result(world.actor("member"), kr, version=kr.version, current_value=180)
    assert "current_value" in error.value.errors


def test_the_due_date_can_be_cleared(world: Any) -> None:
    kr = world.extra["key_result"]
    key_results.update_key_result(world.actor("member"), kr, version=kr.version, due_date=None)
    assert fresh(kr).due_date is None


# --- Deleting -------------------------------------------------------------------------------------


def test_a_deleted_result_stops_counting_until_it_is_restored(world: Any) -> None:
    objective, parent_before = world.extra["objective"], fresh(world.extra["objective"]).rolled_up
    other = create(world, current_value=60)
    assert fresh(objective).progress == pytest.approx(75.0)
    key_results.delete_key_result(world.actor("member"), other)
    assert fresh(objective).progress == pytest.approx(50.0)
    assert fresh(objective).rolled_up == pytest.approx(parent_before)
    item = TrashItem.objects.get(target_type="key_result", target_id=other.pk)
    restore(world.actor("member"), item)
    assert fresh(objective).progress == pytest.approx(75.0)


def test_a_closed_cycles_results_cannot_be_deleted(world: Any) -> None:
    kr = world.extra["key_result"]
    cycle = kr.objective.cycle
    cycle.status = "closed"
    with pytest.raises(ValidationFailed):
        key_results.delete_key_result(world.actor("member"), kr)
    assert fresh(kr).deleted_at is None


# --- The API --------------------------------------------------------------------------------------

API = "/api/v1/workspaces/acme/goals"


def post(world: Any, path: str, body: dict[str, Any], role: str = "member") -> Any:
    return world.client(role).post(API + path, body, content_type="application/json")


def test_the_api_creates_with_numbers_or_strings_and_answers_the_result(world: Any) -> None:
    objective = world.extra["objective"]
    body = {
        "title": "Churn from 8% to 5% by the end of the quarter",
        "metric": "percentage",
        "start_value": "8",
        "target_value": 5,
        "current_value": 6.5,
        "due_date": world.extra["cycle"].end_date.isoformat(),
        "weight": "2.5",
        "owner_id": world.users["admin"].pk,
    }
    response = post(world, f"/objectives/{objective.pk}/key-results", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["progress"] == 50.0
    assert data["unit"] == "%"
    assert data["owner"]["id"] == world.users["admin"].pk
    assert Decimal(data["weight"]) == Decimal("2.5")
    assert isinstance(data["smart"], list)
    got = world.client("guest").get(API + f"/key-results/{data['id']}")
    assert got.status_code == 403
    got = world.client("admin").get(API + f"/key-results/{data['id']}")
    assert got.json()["title"] == body["title"]


def test_the_api_takes_a_keep_at_target(world: Any) -> None:
    objective = world.extra["objective"]
    body = {"title": "Keep availability at 99.9%", "metric": "percentage", "start_value": "99.9", "target_value": 99.9}
    response = post(world, f"/objectives/{objective.pk}/key-results", body)
    assert response.status_code == 201, response.content
    assert response.json()["progress"] == 100.0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start_value", True),
        ("target_value", "1e15"),
        ("target_value", "1.00001"),
        ("target_value", "NaN"),
        ("weight", 0),
        ("weight", 101),
        ("due_date", 0),
        ("due_date", "0"),
        ("metric", "gauge"),
        ("milestones", [""]),
        ("title", ""),
    ],
)
def test_the_api_refuses_bad_values_by_field(world: Any, field: str, value: Any) -> None:
    objective = world.extra["objective"]
    body = {"title": "Paying teams from 40 to 60", "start_value": 40, "target_value": 60, field: value}
    response = post(world, f"/objectives/{objective.pk}/key-results", body)
    assert response.status_code == 422, response.content
    assert any(e["field"].startswith(field) for e in response.json()["errors"]), response.content


def test_the_api_patch_needs_the_current_version(world: Any) -> None:
    kr = world.extra["key_result"]
    url = API + f"/key-results/{kr.pk}"
    client = world.client("member")
    ok = client.patch(url, {"version": kr.version, "weight": 2, "due_date": None}, content_type="application/json")
    assert ok.status_code == 200, ok.content
    assert ok.json()["due_date"] is None and Decimal(ok.json()["weight"]) == 2
    stale = client.patch(url, {"version": kr.version, "title": "Stale"}, content_type="application/json")
    assert stale.status_code == 409
    assert fresh(kr).title != "Stale"


def test_the_api_lists_an_objectives_results_in_order_and_deletes_one(world: Any) -> None:
    objective = world.extra["objective"]
    second = create(world, title="Second result from 1 to 2", start_value=1, target_value=2)
    client = world.client("member")
    listed = client.get(API + f"/objectives/{objective.pk}/key-results?limit=1")
    assert [kr["id"] for kr in listed.json()["items"]] == [world.extra["key_result"].pk]
    cursor = listed.json()["next_cursor"]
    rest = client.get(API + f"/objectives/{objective.pk}/key-results?cursor={cursor}")
    assert [kr["id"] for kr in rest.json()["items"]] == [second.pk]
    assert client.delete(API + f"/key-results/{second.pk}").status_code == 204
    assert client.get(API + f"/key-results/{second.pk}").status_code == 404


def test_a_result_of_a_deleted_objective_is_not_found(world: Any) -> None:
    objective = world.extra["child_objective"]
    Objective.objects.filter(pk=objective.pk).update(deleted_at=datetime.datetime.now(datetime.UTC))
    kr = world.extra["child_key_result"]
    assert world.client("member").get(API + f"/key-results/{kr.pk}").status_code == 404


def test_switching_to_linked_work_takes_the_progress_from_the_work(world: Any) -> None:
    kr = world.extra["key_result"]  # linked to one open item
    key_results.update_key_result(world.actor("member"), kr, version=kr.version, source=ProgressSource.WORK_COUNT)
    assert fresh(kr).progress == 0.0
    assert fresh(world.extra["objective"]).progress == 0.0
    kr = fresh(kr)
    key_results.update_key_result(world.actor("member"), kr, version=kr.version, source=ProgressSource.CHECK_INS)
    assert fresh(kr).progress == 50.0
