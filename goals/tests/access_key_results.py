"""Every key result, check-in and link operation: owners, admins and members; guests 403; another
workspace's key result 404, and its ids in bodies 422 naming the field."""

from typing import Any

from goals.models import KeyResult, KeyResultLink
from tests.matrix import Case, members_only

W = "/workspaces/{workspace}/goals"
KR = W + "/key-results/{key_result_id}"


def key_result(w: Any, r: str) -> dict[str, Any]:
    return {"key_result_id": w.extra["key_result"].pk}


def foreign_key_result(w: Any) -> dict[str, Any]:
    return {"key_result_id": w.extra["other_key_result"].pk}


def objective(w: Any, r: str) -> dict[str, Any]:
    return {"objective_id": w.extra["objective"].pk}


def foreign_objective(w: Any) -> dict[str, Any]:
    return {"objective_id": w.extra["other_objective"].pk}


def link(w: Any, r: str) -> dict[str, Any]:
    found = KeyResultLink.objects.get(key_result=w.extra["key_result"])
    return {"key_result_id": w.extra["key_result"].pk, "link_id": found.pk}


def foreign_link(w: Any) -> dict[str, Any]:
    return {"key_result_id": w.extra["other_key_result"].pk, "link_id": 1}


def new_key_result(w: Any, r: str) -> dict[str, Any]:
    return {
        "title": "Paying teams from 40 to 60 by the end of the quarter",
        "start_value": 40,
        "target_value": "60",
        "owner_id": w.users["member"].pk,
        "due_date": w.extra["cycle"].end_date.isoformat(),
        "weight": 2,
    }


def patch_key_result(w: Any, r: str) -> dict[str, Any]:
    version = KeyResult.all_objects.get(pk=w.extra["key_result"].pk).version
    return {"version": version, "title": "Weekly active teams from 100 to 250", "target_value": 250}


CASES = [
    Case(
        "GET",
        W + "/objectives/{objective_id}/key-results",
        members_only(200),
        params=objective,
        foreign=foreign_objective,
    ),
    Case(
        "POST",
        W + "/objectives/{objective_id}/key-results",
        members_only(201),
        params=objective,
        body=new_key_result,
        foreign=foreign_objective,
        foreign_body=lambda w: {"owner_id": w.users["outsider_owner"].pk},
    ),
    Case("GET", KR, members_only(200), params=key_result, foreign=foreign_key_result),
    Case(
        "PATCH",
        KR,
        members_only(200),
        params=key_result,
        body=patch_key_result,
        foreign=foreign_key_result,
        foreign_body=lambda w: {"owner_id": w.users["outsider"].pk},
    ),
    Case("DELETE", KR, members_only(204), params=key_result, foreign=foreign_key_result),
    Case("GET", KR + "/check-ins", members_only(200), params=key_result, foreign=foreign_key_result),
    Case(
        "POST",
        KR + "/check-ins",
        members_only(201),
        params=key_result,
        body=lambda w, r: {"value": "160.5", "confidence": "at_risk", "note": "Slower than planned"},
        foreign=foreign_key_result,
    ),
    Case("GET", KR + "/links", members_only(200), params=key_result, foreign=foreign_key_result),
    Case(
        "POST",
        KR + "/links",
        members_only(201),
        params=key_result,
        body=lambda w, r: {"project_id": w.extra["project"].pk},
        foreign=foreign_key_result,
        foreign_body=lambda w: {
            "project_id": w.extra["other_project"].pk,
            "requirement_id": w.extra["other_requirement"].pk,
            "work_item_id": w.extra["other_item"].pk,
        },
    ),
    Case("DELETE", KR + "/links/{link_id}", members_only(204), params=link, foreign=foreign_link),
]
