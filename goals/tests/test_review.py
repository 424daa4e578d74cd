"""The OKR review in one pass: check-ins, scores and assessments of a whole subtree, all or nothing,
every error naming its row; and its API, in a constant number of queries."""

import datetime
from decimal import Decimal
from typing import Any

import pytest

from core.errors import Conflict, ValidationFailed
from core.models import Activity
from goals.models import CheckIn, Cycle, CycleStatus, KeyResult, Metric, Objective, ObjectiveLevel
from goals.queries.review import get_objective, review_of
from goals.services import review
from goals.services.tree import refresh_cycle

API = "/api/v1/workspaces/acme/goals"


def root(world: Any, name: str = "objective") -> Objective:
    return get_objective(world.actor("owner"), world.extra[name].pk)


def add_objectives(world: Any, count: int) -> None:
    """`count` more objectives aligned to the company objective, each with a key result."""
    parent = world.extra["objective"]
    cycle = world.extra["cycle"]
    for n in range(count):
        objective = Objective.objects.create(
            workspace=world.acme,
            cycle=cycle,
            title=f"Team objective {n}",
            level=ObjectiveLevel.TEAM,
            owner=world.users["member"],
            parent=parent,
        )
        KeyResult.objects.create(
            workspace=world.acme,
            objective=objective,
            title=f"Signups from 0 to {n + 10}",
            metric=Metric.NUMBER,
            start_value=Decimal(0),
            target_value=Decimal(n + 10),
            owner=world.users["extra"],
            due_date=cycle.end_date,
        )
    refresh_cycle(cycle.pk)


def test_review_of_lists_the_subtree_in_tree_order(world: Any) -> None:
    found = review_of(world.actor("member"), world.extra["objective"].pk)
    assert [(o.title, o.depth) for o in found["objectives"]] == [
        (world.extra["objective"].title, 0),
        (world.extra["child_objective"].title, 1),
    ]
    assert [kr.pk for kr in found["objectives"][1].results] == [world.extra["child_key_result"].pk]
    kr = found["objectives"][0].results[0]
    assert (kr.suggested_score, kr.effective_score) == (Decimal("0.5"), Decimal("0.5"))
    assert not kr.may_review and kr.may_self_score  # the member owns it
    # From the child objective down, the parent is not part of it.
    found = review_of(world.actor("member"), world.extra["child_objective"].pk)
    assert [o.pk for o in found["objectives"]] == [world.extra["child_objective"].pk]


def test_a_whole_review_in_one_pass(world: Any) -> None:
    kr, child_kr = world.extra["key_result"], world.extra["child_key_result"]
    objective, child = world.extra["objective"], world.extra["child_objective"]
    entries = [
        {"objective_id": objective.pk, "version": objective.version, "review_note": "On the way"},
        {"key_result_id": kr.pk, "version": kr.version, "value": "180", "confidence": "on_track", "note": "Good week"},
        {
            "key_result_id": child_kr.pk,
            "version": child_kr.version,
            "value": "6.5",
            "confidence": "at_risk",
            "self_score": "0.5",
        },
        {"objective_id": child.pk, "version": child.version, "self_assessment": "Halfway there"},
    ]
    counts = review.submit_review(world.actor("member"), root(world), entries=entries)
    assert counts == {"check_ins": 2, "scores": 1, "assessments": 2}
    kr.refresh_from_db()
    child_kr.refresh_from_db()
    assert (kr.current_value, kr.progress, kr.confidence) == (Decimal(180), 80.0, "on_track")
    assert (child_kr.current_value, child_kr.progress, child_kr.self_score) == (Decimal("6.5"), 50.0, Decimal("0.5"))
    objective.refresh_from_db()
    child.refresh_from_db()
    assert (objective.review_note, objective.reviewer_id) == ("On the way", world.users["member"].pk)
    assert child.self_assessment == "Halfway there"
    assert child.score == Decimal("0.50")
    assert objective.progress == 80.0 and objective.rolled_up == 65.0
    assert CheckIn.objects.filter(key_result=kr, note="Good week").exists()
    reviewed = Activity.objects.get(verb="reviewed", target_id=objective.pk)
    assert reviewed.changes == {"assessments": [None, 2], "check_ins": [None, 2], "scores": [None, 1]}


def test_one_bad_row_and_nothing_is_written_every_error_naming_its_row(world: Any) -> None:
    kr, child_kr = world.extra["key_result"], world.extra["child_key_result"]
    objective = world.extra["objective"]
    before = CheckIn.objects.count(), Activity.objects.count()
    entries = [
        {"key_result_id": kr.pk, "value": "190", "confidence": "on_track"},
        {"key_result_id": child_kr.pk, "value": "many", "confidence": "on_track"},
        {"key_result_id": world.extra["other_key_result"].pk, "confidence": "on_track", "value": 1},
        {"objective_id": objective.pk, "version": objective.version, "self_assessment": "Mine"},
        {"key_result_id": kr.pk, "version": kr.version, "review_score": "0.33"},
        {"key_result_id": child_kr.pk, "note": "no confidence"},
    ]
    with pytest.raises(ValidationFailed) as caught:
        review.submit_review(world.actor("member"), root(world), entries=entries)
    errors = caught.value.errors
    assert set(errors) == {
        "entries.1.value",
        "entries.2.key_result_id",
        "entries.3.self_assessment",  # the member does not own the company objective
        "entries.4.key_result_id",  # the same key result twice
        "entries.5.key_result_id",
    }
    assert (CheckIn.objects.count(), Activity.objects.count()) == before
    kr.refresh_from_db()
    assert kr.current_value == Decimal(150)


def test_row_errors_for_rights_values_and_shapes(world: Any) -> None:
    kr, child_kr = world.extra["key_result"], world.extra["child_key_result"]
    entries = [
        {"key_result_id": kr.pk, "version": kr.version, "review_score": "0.9"},  # the member owns it
        {"key_result_id": child_kr.pk, "value": "7"},  # a new value needs a confidence
        {"key_result_id": child_kr.pk, "objective_id": 1},
        {"objective_id": world.extra["child_objective"].pk, "self_assessment": "New", "confidence": "x"},
        "not a row",
    ]
    with pytest.raises(ValidationFailed) as caught:
        review.submit_review(world.actor("member"), root(world), entries=entries)
    assert set(caught.value.errors) == {
        "entries.0.review_score",
        "entries.1.confidence",
        "entries.2.key_result_id",
        "entries.3.confidence",
        "entries.4.key_result_id",
    }


def test_a_score_change_needs_the_version(world: Any) -> None:
    kr = world.extra["key_result"]
    with pytest.raises(ValidationFailed) as caught:
        review.submit_review(world.actor("admin"), root(world), entries=[{"key_result_id": kr.pk, "review_score": 1}])
    assert set(caught.value.errors) == {"entries.0.version"}


def test_a_stale_row_is_a_conflict_and_nothing_is_written(world: Any) -> None:
    kr, child = world.extra["key_result"], world.extra["child_objective"]
    entries = [
        {"key_result_id": kr.pk, "value": "170", "confidence": "on_track"},
        {"objective_id": child.pk, "version": child.version + 5, "review_note": "Late"},
    ]
    with pytest.raises(Conflict) as caught:
        review.submit_review(world.actor("admin"), root(world), entries=entries)
    assert "Row 2" in str(caught.value.detail)
    kr.refresh_from_db()
    assert kr.current_value == Decimal(150)


def test_unchanged_rows_change_nothing(world: Any) -> None:
    kr, objective = world.extra["key_result"], world.extra["objective"]
    entries = [
        {
            "key_result_id": kr.pk,
            "version": kr.version,
            "value": "150.0000",
            "confidence": "",
            "note": "",
            "self_score": "",
            "review_score": "",
        },
        {"objective_id": objective.pk, "version": objective.version, "self_assessment": "", "review_note": ""},
    ]
    counts = review.submit_review(world.actor("extra"), root(world), entries=entries)
    assert counts == {"check_ins": 0, "scores": 0, "assessments": 0}
    assert not Activity.objects.filter(verb="reviewed").exists()


def test_empty_closed_and_guest_reviews_are_refused(world: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        review.submit_review(world.actor("member"), root(world), entries=[])
    assert set(caught.value.errors) == {"entries"}
    Cycle.objects.filter(pk=world.extra["cycle"].pk).update(status=CycleStatus.CLOSED)
    with pytest.raises(ValidationFailed) as caught:
        review.submit_review(world.actor("member"), root(world), entries=[{"key_result_id": 1}])
    assert set(caught.value.errors) == {"cycle"}


# --- The API -------------------------------------------------------------------------------------


def test_api_get_and_submit(world: Any) -> None:
    objective, kr = world.extra["objective"], world.extra["key_result"]
    client = world.client("admin")
    response = client.get(f"{API}/objectives/{objective.pk}/review")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [o["depth"] for o in body["objectives"]] == [0, 1]
    row = body["objectives"][0]["key_results"][0]
    assert (row["id"], row["score"], row["suggested_score"], row["confidence"]) == (kr.pk, "0.5", "0.5", None)
    entries = [
        {"key_result_id": kr.pk, "version": kr.version, "value": 200, "confidence": "on_track", "review_score": 1},
        {"objective_id": objective.pk, "version": objective.version, "review_note": "Done"},
    ]
    response = client.post(
        f"{API}/objectives/{objective.pk}/review", {"entries": entries}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"check_ins": 1, "scores": 1, "assessments": 1}
    entries = [{"key_result_id": kr.pk, "value": "x", "confidence": "on_track"}]
    response = client.post(
        f"{API}/objectives/{objective.pk}/review", {"entries": entries}, content_type="application/json"
    )
    assert response.status_code == 422
    entries = [{"key_result_id": world.extra["other_key_result"].pk, "confidence": "on_track", "value": 1}]
    response = client.post(
        f"{API}/objectives/{objective.pk}/review", {"entries": entries}, content_type="application/json"
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["entries.0.key_result_id"]


@pytest.mark.parametrize("count", [3, 30])
def test_review_queries_do_not_grow(world: Any, count: int, django_assert_max_num_queries: Any) -> None:
    add_objectives(world, count)
    client = world.client("member")
    url = f"{API}/objectives/{world.extra['objective'].pk}/review"
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert len(response.json()["objectives"]) == count + 2


def test_due_dates_do_not_matter_to_the_review(world: Any) -> None:
    # A key result due after the cycle can still be checked in on and scored in the review.
    kr = world.extra["child_key_result"]
    KeyResult.objects.filter(pk=kr.pk).update(due_date=world.extra["cycle"].end_date + datetime.timedelta(days=9))
    counts = review.submit_review(
        world.actor("member"), root(world), entries=[{"key_result_id": kr.pk, "value": 5, "confidence": "on_track"}]
    )
    assert counts["check_ins"] == 1
