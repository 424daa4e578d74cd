"""Check-ins (进展更新): a new value, confidence and note move the key result, its objective's
progress and the parent objective's roll-up in one transaction; the values each metric takes; the
history kept for the chart; and the same through the API."""

from decimal import Decimal
from typing import Any

import pytest

from core.errors import PermissionDenied, ValidationFailed
from core.models import Activity
from goals.models import CheckIn, Confidence, CycleStatus, Metric, ProgressSource
from goals.queries.key_results import chart_of
from goals.services import key_results

API = "/api/v1/workspaces/acme/goals"


def fresh(obj: Any) -> Any:
    return type(obj)._base_manager.get(pk=obj.pk)


def test_a_check_in_moves_the_result_the_objective_and_the_parents_roll_up(world: Any) -> None:
    child_kr = world.extra["child_key_result"]  # churn 8 % → 5 %, now 8: 0 %
    parent, child = world.extra["objective"], world.extra["child_objective"]
    assert fresh(parent).rolled_up == pytest.approx(25.0)  # (50 + 0) / 2
    entry = key_results.check_in(
        world.actor("member"), child_kr, value="6.5", confidence=Confidence.AT_RISK, note="Support backlog"
    )
    assert entry.progress == pytest.approx(50.0)
    kr = fresh(child_kr)
    assert (kr.current_value, kr.progress, kr.confidence) == (Decimal("6.5"), 50.0, Confidence.AT_RISK)
    assert kr.last_check_in_at is not None
    assert kr.version == child_kr.version  # a check-in is no edit: nobody editing the title gets a conflict
    assert fresh(child).progress == pytest.approx(50.0)
    assert fresh(child).rolled_up == pytest.approx(50.0)
    assert fresh(parent).progress == pytest.approx(50.0)  # its own result did not move
    assert fresh(parent).rolled_up == pytest.approx(50.0)  # (50 + 50) / 2
    activity = Activity.objects.get(verb="checked_in", target_type="key_result", target_id=kr.pk)
    assert activity.changes["confidence"] == [None, "at_risk"]


def test_a_second_check_in_adds_to_the_history_and_the_roll_up_follows_the_weights(world: Any) -> None:
    child_kr, parent = world.extra["child_key_result"], world.extra["objective"]
    member = world.actor("member")
    key_results.check_in(member, child_kr, value=7, confidence=Confidence.ON_TRACK)
    key_results.update_key_result(member, fresh(child_kr), version=fresh(child_kr).version, weight=3)
    key_results.check_in(member, fresh(child_kr), value=5, confidence=Confidence.ON_TRACK, note="Done")
    assert list(CheckIn.objects.filter(key_result=child_kr).order_by("id").values_list("progress", flat=True)) == [
        pytest.approx(100 / 3),
        100.0,
    ]
    assert fresh(parent).rolled_up == pytest.approx((1 * 50 + 3 * 100) / 4)


def test_going_the_wrong_way_is_no_progress(world: Any) -> None:
    entry = key_results.check_in(
        world.actor("member"), world.extra["child_key_result"], value=9, confidence=Confidence.OFF_TRACK
    )
    assert entry.progress == 0.0


def test_yes_no_takes_0_or_1(world: Any) -> None:
    kr = key_results.create_key_result(
        world.actor("member"), world.extra["objective"], title="Launch the app", metric=Metric.YES_NO
    )
    with pytest.raises(ValidationFailed) as error:
        key_results.check_in(world.actor("member"), kr, value=2, confidence=Confidence.ON_TRACK)
    assert "value" in error.value.errors
    assert key_results.check_in(world.actor("member"), kr, value=1, confidence=Confidence.ON_TRACK).progress == 100


def test_milestones_take_how_many_are_reached(world: Any) -> None:
    kr = key_results.create_key_result(
        world.actor("member"),
        world.extra["objective"],
        title="Beta programme",
        metric=Metric.MILESTONE,
        milestones=["Recruit", "Onboard", "Survey"],
    )
    for bad in (4, -1, "1.5"):
        with pytest.raises(ValidationFailed):
            key_results.check_in(world.actor("member"), kr, value=bad, confidence=Confidence.ON_TRACK)
    entry = key_results.check_in(world.actor("member"), kr, value=2, confidence=Confidence.ON_TRACK)
    assert entry.progress == pytest.approx(200 / 3)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"value": None}, "value"),
        ({"value": "lots"}, "value"),
        ({"value": "Infinity"}, "value"),
        ({"confidence": "great"}, "confidence"),
        ({"note": "x" * 5001}, "note"),
    ],
)
def test_bad_check_ins_are_refused_by_field_and_leave_nothing(world: Any, fields: dict[str, Any], field: str) -> None:
    kr = world.extra["key_result"]
    values = {"value": 160, "confidence": Confidence.ON_TRACK, **fields}
    with pytest.raises(ValidationFailed) as error:
        key_results.check_in(world.actor("member"), kr, **values)
    assert field in error.value.errors
    assert CheckIn.objects.filter(key_result=kr).count() == 1
    assert fresh(kr).current_value == 150


def test_a_result_fed_by_work_checks_in_without_a_value(world: Any) -> None:
    kr = world.extra["key_result"]
    key_results.update_key_result(world.actor("member"), kr, version=kr.version, source=ProgressSource.WORK_COUNT)
    entry = key_results.check_in(world.actor("member"), fresh(kr), confidence=Confidence.AT_RISK, note="Blocked")
    assert entry.value == 150 and entry.progress == 0.0
    assert fresh(kr).confidence == Confidence.AT_RISK


def test_guests_and_closed_cycles_take_no_check_in(world: Any) -> None:
    kr = world.extra["key_result"]
    with pytest.raises(PermissionDenied):
        key_results.check_in(world.actor("guest"), kr, value=160, confidence=Confidence.ON_TRACK)
    kr.objective.cycle.status = CycleStatus.CLOSED
    with pytest.raises(ValidationFailed) as error:
        key_results.check_in(world.actor("member"), kr, value=160, confidence=Confidence.ON_TRACK)
    assert "cycle" in error.value.errors
    assert CheckIn.objects.filter(key_result=kr).count() == 1


def test_the_chart_places_each_check_in_over_the_cycle(world: Any) -> None:
    kr, cycle = world.extra["key_result"], world.extra["cycle"]
    key_results.check_in(world.actor("member"), kr, value=200, confidence=Confidence.ON_TRACK)
    history = list(CheckIn.objects.filter(key_result=kr).order_by("created_at", "id"))
    chart = chart_of(kr, history, cycle.start_date, cycle.end_date)
    (line,) = chart.lines
    assert len(line["dots"]) == 2 and len(chart.table_rows) == 2
    assert [row[1] for row in chart.table_rows] == ["50", "100"]
    (x1, y1), (x2, y2) = [tuple(map(float, p.split(","))) for p in line["points"].split()]
    assert y2 < y1  # higher progress is drawn higher
    assert x1 <= x2
    assert chart.marker_x is not None  # the cycle runs today
    assert chart.unit == "%" and [t["label"] for t in chart.y_ticks][-1] == "100"
    assert kr.title in chart.title


# --- The API --------------------------------------------------------------------------------------


def test_the_api_records_a_check_in_and_lists_the_history_newest_first(world: Any) -> None:
    kr = world.extra["child_key_result"]
    client = world.client("member")
    url = API + f"/key-results/{kr.pk}/check-ins"
    created = client.post(url, {"value": 6.5, "confidence": "at_risk", "note": "Slow"}, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["progress"] == 50.0
    assert created.json()["author"]["id"] == world.users["member"].pk
    client.post(url, {"value": "5", "confidence": "on_track"}, content_type="application/json")
    listed = client.get(url).json()["items"]
    assert [Decimal(i["value"]) for i in listed] == [5, Decimal("6.5")]
    assert fresh(world.extra["objective"]).rolled_up == pytest.approx(75.0)


@pytest.mark.parametrize(
    "body",
    [
        {"value": 1, "confidence": "great"},
        {"value": True, "confidence": "on_track"},
        {"value": "1e15", "confidence": "on_track"},
        {"value": 1},
        {"value": 1, "confidence": "on_track", "author_id": 1},
        {"value": 1, "confidence": "on_track", "note": "\x00"},
    ],
)
def test_the_api_refuses_bad_check_ins(world: Any, body: dict[str, Any]) -> None:
    kr = world.extra["key_result"]
    response = world.client("member").post(
        API + f"/key-results/{kr.pk}/check-ins", body, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert CheckIn.objects.filter(key_result=kr).count() == 1


def test_a_value_is_required_for_a_result_fed_by_check_ins(world: Any) -> None:
    kr = world.extra["key_result"]
    response = world.client("member").post(
        API + f"/key-results/{kr.pk}/check-ins", {"confidence": "on_track"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "value"
