"""Every SMART-check, scoring, review and report operation: owners, admins and members; guests are
refused, other workspaces see nothing, and ids of another workspace's objects in a body are 422."""

from typing import Any

from goals.models import KeyResult, Objective
from tests.matrix import Case, members_only

G = "/workspaces/{workspace}/goals"


def version_of(model: Any, pk: int) -> int:
    return int(model.all_objects.get(pk=pk).version)


def key_result(w: Any, r: str) -> dict[str, Any]:
    return {"key_result_id": w.extra["key_result"].pk}


def objective(w: Any, r: str) -> dict[str, Any]:
    return {"objective_id": w.extra["objective"].pk}


def cycle(w: Any, r: str) -> dict[str, Any]:
    return {"cycle_id": w.extra["cycle"].pk}


def smart_body(w: Any, r: str) -> dict[str, Any]:
    return {
        "kind": "key_result",
        "title": "提升用户满意度",
        "metric": "number",
        "start_value": "4.1",
        "target_value": 4.5,
        "due_date": w.extra["cycle"].end_date.isoformat(),
        "owner_id": w.users["member"].pk,
        "objective_id": w.extra["objective"].pk,
    }


def score_body(w: Any, r: str) -> dict[str, Any]:
    # The member owns the key result; owners and admins may give its self-score too.
    return {"version": version_of(KeyResult, w.extra["key_result"].pk), "self_score": 0.75}


def assessment_body(w: Any, r: str) -> dict[str, Any]:
    # The owner owns the objective: they assess it themselves, anyone else reviews it.
    field = "self_assessment" if r == "owner" else "review_note"
    return {"version": version_of(Objective, w.extra["objective"].pk), field: "Most of the way"}


def review_body(w: Any, r: str) -> dict[str, Any]:
    kr = w.extra["child_key_result"]
    return {"entries": [{"key_result_id": kr.pk, "value": "6.5", "confidence": "at_risk", "note": "Slow month"}]}


CASES = [
    Case(
        "POST",
        G + "/smart-check",
        members_only(200),
        body=smart_body,
        foreign_body=lambda w: {
            "objective_id": w.extra["other_objective"].pk,
            "cycle_id": w.extra["other_cycle"].pk,
            "key_result_id": w.extra["other_key_result"].pk,
            "owner_id": w.users["outsider"].pk,
        },
    ),
    Case(
        "PATCH",
        G + "/key-results/{key_result_id}/score",
        members_only(200),
        params=key_result,
        body=score_body,
        foreign=lambda w: {"key_result_id": w.extra["other_key_result"].pk},
    ),
    Case(
        "PATCH",
        G + "/objectives/{objective_id}/assessment",
        members_only(200),
        params=objective,
        body=assessment_body,
        foreign=lambda w: {"objective_id": w.extra["other_objective"].pk},
    ),
    Case(
        "GET",
        G + "/objectives/{objective_id}/review",
        members_only(200),
        params=objective,
        foreign=lambda w: {"objective_id": w.extra["other_objective"].pk},
    ),
    Case(
        "POST",
        G + "/objectives/{objective_id}/review",
        members_only(200),
        params=objective,
        body=review_body,
        foreign=lambda w: {"objective_id": w.extra["other_objective"].pk},
        foreign_body=lambda w: {
            "entries": [{"key_result_id": w.extra["other_key_result"].pk, "value": 1, "confidence": "on_track"}]
        },
    ),
    Case(
        "GET",
        G + "/cycles/{cycle_id}/report",
        members_only(200),
        params=cycle,
        foreign=lambda w: {"cycle_id": w.extra["other_cycle"].pk},
    ),
    Case(
        "GET",
        G + "/cycles/{cycle_id}/report/export",
        members_only(200),
        params=cycle,
        foreign=lambda w: {"cycle_id": w.extra["other_cycle"].pk},
    ),
]
