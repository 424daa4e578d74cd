"""Every cycle, objective and tree operation: members (owners, admins, members) read and write
objectives; owners and admins run the cycles; guests are refused, other workspaces find nothing.

Activating needs a planned cycle while none is active: the body builder (which runs before the
matrix takes its fingerprint) closes the world's active cycle and adds a planned one."""

import datetime
from typing import Any

from goals.models import Cycle, CycleStatus, Objective
from tests.matrix import Case, members_only, staff_only

G = "/workspaces/{workspace}/goals"
CYCLE = G + "/cycles/{cycle_id}"
OBJECTIVE = G + "/objectives/{objective_id}"


def version_of(model: Any, pk: int) -> int:
    return model.all_objects.get(pk=pk).version


def cycle(w: Any, r: str) -> dict[str, Any]:
    return {"cycle_id": w.extra["cycle"].pk}


def closed_cycle(w: Any, r: str) -> dict[str, Any]:
    return {"cycle_id": w.extra["closed_cycle"].pk}


def foreign_cycle(w: Any) -> dict[str, Any]:
    return {"cycle_id": w.extra["other_cycle"].pk}


def child(w: Any, r: str) -> dict[str, Any]:
    return {"objective_id": w.extra["child_objective"].pk}


def foreign_objective(w: Any) -> dict[str, Any]:
    return {"objective_id": w.extra["other_objective"].pk}


def planned_cycle(w: Any) -> Cycle:
    """A planned cycle, with no active one left (set up once per test, before the fingerprint)."""
    if "planned_cycle" not in w.extra:
        Cycle.objects.filter(workspace=w.acme, status=CycleStatus.ACTIVE).update(status=CycleStatus.CLOSED)
        w.extra["planned_cycle"] = Cycle.objects.create(
            workspace=w.acme,
            name="Next year",
            kind="year",
            start_date=datetime.date(2031, 1, 1),
            end_date=datetime.date(2031, 12, 31),
        )
    return w.extra["planned_cycle"]


def activate_body(w: Any, r: str) -> dict[str, Any]:
    return {"version": version_of(Cycle, planned_cycle(w).pk)}


def new_objective(w: Any, r: str) -> dict[str, Any]:
    return {
        "cycle_id": w.extra["cycle"].pk,
        "title": "Ship the mobile app to 5,000 teams by the end of the quarter",
        "level": "team",
        "team_id": w.team.pk,
        "owner_id": w.users["member"].pk,
        "parent_id": w.extra["objective"].pk,
    }


def foreign_objective_fields(w: Any) -> dict[str, Any]:
    return {
        "cycle_id": w.extra["other_cycle"].pk,
        "team_id": w.other_team.pk,
        "owner_id": w.users["outsider"].pk,
        "parent_id": w.extra["other_objective"].pk,
    }


CASES = [
    Case("GET", G + "/cycles", members_only(200)),
    Case(
        "POST",
        G + "/cycles",
        staff_only(201),
        body=lambda w, r: {"kind": "quarter", "start_date": "2031-01-01", "end_date": "2031-03-31"},
    ),
    Case("GET", CYCLE, members_only(200), params=cycle, foreign=foreign_cycle),
    Case(
        "PATCH",
        CYCLE,
        staff_only(200),
        params=cycle,
        body=lambda w, r: {"version": version_of(Cycle, w.extra["cycle"].pk), "name": "Q-now"},
        foreign=foreign_cycle,
    ),
    Case("DELETE", CYCLE, staff_only(204), params=closed_cycle, foreign=foreign_cycle),
    Case(
        "POST",
        CYCLE + "/activate",
        staff_only(200),
        params=lambda w, r: {"cycle_id": w.extra["planned_cycle"].pk},
        body=activate_body,
        foreign=foreign_cycle,
    ),
    Case(
        "POST",
        CYCLE + "/close",
        staff_only(200),
        params=cycle,
        body=lambda w, r: {"version": version_of(Cycle, w.extra["cycle"].pk)},
        foreign=foreign_cycle,
    ),
    Case(
        "POST",
        CYCLE + "/reopen",
        staff_only(200),
        params=closed_cycle,
        body=lambda w, r: {"version": version_of(Cycle, w.extra["closed_cycle"].pk), "reason": "A score was wrong"},
        foreign=foreign_cycle,
    ),
    Case("GET", G + "/objectives", members_only(200)),
    Case("POST", G + "/objectives", members_only(201), body=new_objective, foreign_body=foreign_objective_fields),
    Case("GET", OBJECTIVE, members_only(200), params=child, foreign=foreign_objective),
    Case(
        "PATCH",
        OBJECTIVE,
        members_only(200),
        params=child,
        body=lambda w, r: {
            "version": version_of(Objective, w.extra["child_objective"].pk),
            "title": "Cut monthly churn to 5% by the end of the quarter",
        },
        foreign=foreign_objective,
        foreign_body=lambda w: {
            "cycle_id": w.extra["other_cycle"].pk,
            "team_id": w.other_team.pk,
            "owner_id": w.users["outsider"].pk,
            "parent_id": w.extra["other_objective"].pk,
        },
    ),
    Case("DELETE", OBJECTIVE, members_only(204), params=child, foreign=foreign_objective),
    Case("GET", G + "/tree", members_only(200)),
]
