"""Scores and assessments at the end of a cycle: who may give which, the steps, the objective's
score following its key results', versions, closed cycles; and the API."""

from decimal import Decimal
from typing import Any

import pytest

from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.models import Activity
from goals import progress
from goals.models import CycleStatus, KeyResult, Objective
from goals.services import scoring

API = "/api/v1/workspaces/acme/goals"


def fresh_kr(world: Any, name: str = "key_result") -> KeyResult:
    return KeyResult.objects.select_related("objective__cycle").get(pk=world.extra[name].pk)


def fresh_objective(world: Any, name: str = "objective") -> Objective:
    return Objective.objects.select_related("cycle").get(pk=world.extra[name].pk)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (0, Decimal("0.00")),
        ("0.7", Decimal("0.70")),
        (Decimal("0.75"), Decimal("0.75")),
        (1, Decimal("1.00")),
        ("", None),
        (None, None),
    ],
)
def test_clean_score(raw: Any, expected: Decimal | None) -> None:
    assert scoring.clean_score("self_score", raw) == expected


@pytest.mark.parametrize("raw", ["0.33", "1.05", "-0.1", "abc", "NaN", "Infinity", True, 2])
def test_clean_score_refuses(raw: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        scoring.clean_score("self_score", raw)
    assert set(caught.value.errors) == {"self_score"}


def test_owner_gives_the_self_score_and_the_objective_score_follows(world: Any) -> None:
    kr = fresh_kr(world)  # owned by the member; the objective's only key result
    scoring.score_key_result(world.actor("member"), kr, version=kr.version, self_score="0.6")
    kr.refresh_from_db()
    assert kr.self_score == Decimal("0.60")
    assert Objective.objects.get(pk=kr.objective_id).score == Decimal("0.60")
    activity = Activity.objects.filter(verb="scored", target_id=kr.pk).get()
    assert activity.changes == {"self_score": [None, "0.60"]}


def test_reviewer_score_counts_over_the_self_score(world: Any) -> None:
    kr = fresh_kr(world)
    scoring.score_key_result(world.actor("member"), kr, version=kr.version, self_score="0.6")
    kr = fresh_kr(world)
    scoring.score_key_result(world.actor("extra"), kr, version=kr.version, review_score="0.8")
    kr.refresh_from_db()
    assert (kr.self_score, kr.review_score, progress.key_result_score(kr)) == (
        Decimal("0.60"),
        Decimal("0.80"),
        Decimal("0.80"),
    )
    assert Objective.objects.get(pk=kr.objective_id).score == Decimal("0.80")


def test_nobody_reviews_their_own_key_result(world: Any) -> None:
    kr = fresh_kr(world)
    with pytest.raises(PermissionDenied):
        scoring.score_key_result(world.actor("member"), kr, version=kr.version, review_score="0.9")
    assert fresh_kr(world).review_score is None


def test_only_the_owner_or_staff_give_the_self_score(world: Any) -> None:
    kr = fresh_kr(world)
    with pytest.raises(PermissionDenied):
        scoring.score_key_result(world.actor("extra"), kr, version=kr.version, self_score="0.5")
    scoring.score_key_result(world.actor("admin"), kr, version=kr.version, self_score="0.5")
    assert fresh_kr(world).self_score == Decimal("0.50")


def test_guests_give_no_scores(world: Any) -> None:
    kr = fresh_kr(world)
    with pytest.raises(PermissionDenied):
        scoring.score_key_result(world.actor("guest"), kr, version=kr.version, review_score="0.5")


def test_unchanged_scores_need_no_right_and_record_nothing(world: Any) -> None:
    kr = fresh_kr(world)
    scoring.score_key_result(world.actor("extra"), kr, version=kr.version, self_score=None)
    assert not Activity.objects.filter(verb="scored").exists()
    assert fresh_kr(world).version == kr.version


def test_a_stale_version_is_a_conflict(world: Any) -> None:
    kr = fresh_kr(world)
    scoring.score_key_result(world.actor("member"), kr, version=kr.version, self_score="0.6")
    stale = fresh_kr(world)
    with pytest.raises(Conflict):
        scoring.score_key_result(world.actor("extra"), stale, version=stale.version - 1, review_score="0.7")


def test_a_score_can_be_taken_back(world: Any) -> None:
    kr = fresh_kr(world)
    scoring.score_key_result(world.actor("extra"), kr, version=kr.version, review_score="0.9")
    kr = fresh_kr(world)
    scoring.score_key_result(world.actor("extra"), kr, version=kr.version, review_score=None)
    kr = fresh_kr(world)
    assert kr.review_score is None
    # Back to the suggested score: progress 50 % → 0.5.
    assert Objective.objects.get(pk=kr.objective_id).score == Decimal("0.50")


def test_closed_cycles_are_read_only(world: Any) -> None:
    world.extra["cycle"].__class__.objects.filter(pk=world.extra["cycle"].pk).update(status=CycleStatus.CLOSED)
    kr = fresh_kr(world)
    with pytest.raises(ValidationFailed) as caught:
        scoring.score_key_result(world.actor("member"), kr, version=kr.version, self_score="0.6")
    assert "cycle" in caught.value.errors
    objective = fresh_objective(world)
    with pytest.raises(ValidationFailed):
        scoring.assess_objective(world.actor("owner"), objective, version=objective.version, self_assessment="x")


def test_objective_assessments(world: Any) -> None:
    objective = fresh_objective(world)  # owned by the owner
    scoring.assess_objective(world.actor("owner"), objective, version=objective.version, self_assessment="We got far.")
    objective = fresh_objective(world)
    with pytest.raises(PermissionDenied):
        scoring.assess_objective(world.actor("owner"), objective, version=objective.version, review_note="Great")
    with pytest.raises(PermissionDenied):
        scoring.assess_objective(world.actor("member"), objective, version=objective.version, self_assessment="x")
    scoring.assess_objective(world.actor("member"), objective, version=objective.version, review_note=" Solid. ")
    objective = fresh_objective(world)
    assert (objective.self_assessment, objective.review_note, objective.reviewer_id) == (
        "We got far.",
        "Solid.",
        world.users["member"].pk,
    )
    assert Activity.objects.filter(verb="assessed", target_id=objective.pk).count() == 2
    scoring.assess_objective(world.actor("member"), objective, version=objective.version, review_note="")
    assert fresh_objective(world).reviewer_id is None


def test_assessment_fields_are_checked(world: Any) -> None:
    objective = fresh_objective(world)
    with pytest.raises(ValidationFailed) as caught:
        scoring.assess_objective(world.actor("owner"), objective, version=objective.version, self_assessment="x" * 5001)
    assert set(caught.value.errors) == {"self_assessment"}
    with pytest.raises(ValidationFailed) as caught:
        scoring.assess_objective(world.actor("owner"), objective, version=objective.version, score="1")
    assert set(caught.value.errors) == {"score"}


# --- The API -------------------------------------------------------------------------------------


def test_api_scores(world: Any) -> None:
    kr = world.extra["key_result"]
    url = f"{API}/key-results/{kr.pk}/score"
    member = world.client("member")
    response = member.patch(url, {"version": kr.version, "self_score": 0.7}, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["self_score"], body["score"], body["objective_score"]) == ("0.70", "0.70", "0.70")
    assert body["suggested_score"] == "0.5"
    version = body["version"]
    assert (
        member.patch(url, {"version": version, "review_score": 0.9}, content_type="application/json").status_code == 403
    )
    response = world.client("admin").patch(
        url, {"version": version, "review_score": "0.9"}, content_type="application/json"
    )
    assert response.json()["score"] == "0.90"
    for bad in (
        {"version": version, "review_score": 0.33},
        {"version": version, "review_score": True},
        {"review_score": 1},
    ):
        assert world.client("admin").patch(url, bad, content_type="application/json").status_code == 422
    stale = world.client("admin").patch(url, {"version": version, "review_score": 1}, content_type="application/json")
    assert stale.status_code == 409


def test_api_assessment(world: Any) -> None:
    objective = world.extra["objective"]
    url = f"{API}/objectives/{objective.pk}/assessment"
    response = world.client("admin").patch(
        url, {"version": objective.version, "review_note": "Well done"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["review_note"] == "Well done" and body["reviewer"]["username"] == "bob"
    response = world.client("owner").patch(
        url, {"version": body["version"], "self_assessment": None}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["self_assessment"] == ""
    foreign = f"/api/v1/workspaces/acme/goals/objectives/{world.extra['other_objective'].pk}/assessment"
    assert world.client("owner").patch(foreign, {"version": 1}, content_type="application/json").status_code == 404
