from typing import Any

from projects.models import Project, ProjectMember, State, WorkItem
from tests.matrix import Case, in_workspace, members_only, staff_only

W = "/workspaces/{workspace}"
P = W + "/projects/{project}"
I = W + "/items/{key}"  # noqa: E741
# Project managers and workspace staff manage; project members work; viewers (the guest) read.
manage = staff_only
READ = in_workspace(200)


def work(ok: int) -> tuple[int, ...]:
    return (401, 404, 404, 404, 403, ok, ok, ok)


def web(w: Any, r: str) -> dict[str, Any]:
    return {"project": "WEB"}


def sec(w: Any) -> dict[str, Any]:
    return {"project": "SEC"}


def item(w: Any, r: str) -> dict[str, Any]:
    return {"key": "WEB-1"}


def foreign_item(w: Any) -> dict[str, Any]:
    return {"key": "SEC-1"}


def version_of(model: Any, pk: int) -> int:
    return model.objects.get(pk=pk).version


def state(w: Any, name: str) -> State:
    return State.objects.get(workflow__project=w.extra["project"], workflow__name="Scrum", name=name)


def member_of(w: Any, role: str) -> ProjectMember:
    return ProjectMember.objects.get(project=w.extra["project"], user=w.users[role])


def foreign_ids(w: Any) -> dict[str, Any]:
    """Every nested id of a work item, taken from the other workspace."""
    return {
        "owner_id": w.users["outsider"].pk,
        "parent_id": w.extra["other_item"].pk,
        "milestone_id": w.extra["other_milestone"].pk,
        "sprint_id": w.extra["other_sprint"].pk,  # from sprints/tests/world.py
        "collaborator_ids": [w.users["outsider_owner"].pk],
    }


def workflow_id(w: Any, r: str) -> dict[str, Any]:
    return {"workflow_id": state(w, "To do").workflow_id}


CASES = [
    Case("GET", W + "/projects", READ),
    Case("POST", W + "/projects", members_only(201), body=lambda w, r: {"name": "Mobile", "key": "APP"}),
    Case("GET", P, READ, params=web, foreign=sec),
    Case(
        "PATCH",
        P,
        manage(200),
        params=web,
        body=lambda w, r: {"version": version_of(Project, w.extra["project"].pk), "name": "Site"},
        foreign=sec,
    ),
    Case("DELETE", P, manage(204), params=web, foreign=sec),
    Case(
        "PUT", P + "/health", manage(200), params=web, body=lambda w, r: {"health": "at_risk", "reason": "Vendor late"}
    ),
    Case("GET", P + "/members", READ, params=web, foreign=sec),
    Case(
        "POST",
        P + "/members",
        manage(201),
        params=web,
        body=lambda w, r: {"user": w.users["admin"].pk},
        foreign_body=lambda w: {"user": w.users["outsider"].pk},
    ),
    Case(
        "PATCH",
        P + "/members/{member_id}",
        manage(200),
        params=lambda w, r: {"project": "WEB", "member_id": member_of(w, "extra").pk},
        body=lambda w, r: {"version": member_of(w, "extra").version, "weekly_hours": 20},
    ),
    Case(
        "DELETE",
        P + "/members/{member_id}",
        manage(204),
        params=lambda w, r: {"project": "WEB", "member_id": member_of(w, "extra").pk},
    ),
    Case("GET", P + "/milestones", READ, params=web, foreign=sec),
    Case(
        "POST",
        P + "/milestones",
        manage(201),
        params=web,
        body=lambda w, r: {"name": "GA", "due_date": "2031-01-01"},
    ),
    Case(
        "PATCH",
        W + "/milestones/{milestone_id}",
        manage(200),
        params=lambda w, r: {"milestone_id": w.extra["milestone"].pk},
        body=lambda w, r: {"version": w.extra["milestone"].version, "done": True},
        foreign=lambda w: {"milestone_id": w.extra["other_milestone"].pk},
    ),
    Case(
        "DELETE",
        W + "/milestones/{milestone_id}",
        manage(204),
        params=lambda w, r: {"milestone_id": w.extra["milestone"].pk},
        foreign=lambda w: {"milestone_id": w.extra["other_milestone"].pk},
    ),
    Case("GET", P + "/workflows", READ, params=web, foreign=sec),
    Case(
        "POST",
        P + "/workflows",
        manage(201),
        params=web,
        body=lambda w, r: {"name": "Ideas", "item_types": []},
    ),
    Case(
        "PATCH",
        W + "/workflows/{workflow_id}",
        manage(200),
        params=workflow_id,
        body=lambda w, r: {"version": state(w, "To do").workflow.version, "name": "Delivery"},
    ),
    Case(
        "PUT",
        W + "/workflows/{workflow_id}/transitions",
        manage(200),
        params=workflow_id,
        body=lambda w, r: {"transitions": [[state(w, "To do").pk, state(w, "Done").pk]]},
    ),
    Case(
        "POST",
        W + "/workflows/{workflow_id}/states",
        manage(201),
        params=workflow_id,
        body=lambda w, r: {"name": "QA", "category": "in_progress", "required_fields": ["resolution"]},
    ),
    Case(
        "PATCH",
        W + "/states/{state_id}",
        manage(200),
        params=lambda w, r: {"state_id": state(w, "In progress").pk},
        body=lambda w, r: {"version": state(w, "In progress").version, "wip_limit": 3},
    ),
    Case(
        "DELETE",
        W + "/states/{state_id}",
        manage(204),
        params=lambda w, r: {"state_id": state(w, "In review").pk},
    ),
    Case("GET", P + "/fields", READ, params=web, foreign=sec),
    Case(
        "POST",
        P + "/fields",
        manage(201),
        params=web,
        body=lambda w, r: {"name": "Area", "kind": "multi_select", "options": ["API", "Web"]},
    ),
    Case(
        "PATCH",
        W + "/fields/{field_id}",
        manage(200),
        params=lambda w, r: {"field_id": w.extra["field"].pk},
        body=lambda w, r: {"version": w.extra["field"].version, "options": ["iOS", "Android", "HarmonyOS"]},
    ),
    Case("DELETE", W + "/fields/{field_id}", manage(204), params=lambda w, r: {"field_id": w.extra["field"].pk}),
    Case("GET", P + "/items", READ, params=web, foreign=sec),
    Case("GET", P + "/items/export", READ, params=web, foreign=sec),
    Case(
        "POST",
        P + "/items",
        work(201),
        params=web,
        body=lambda w, r: {"title": "Checkout", "type": "story"},
        foreign_body=foreign_ids,
    ),
    Case(
        "POST",
        P + "/items/bulk",
        work(200),
        params=web,
        body=lambda w, r: {"item_ids": [w.extra["item"].pk], "set": {"priority": "high"}},
        foreign_body=lambda w: {"item_ids": [w.extra["other_item"].pk]},
    ),
    Case("GET", W + "/my-work", READ),
    Case("GET", I, READ, params=item, foreign=foreign_item),
    Case(
        "PATCH",
        I,
        work(200),
        params=item,
        body=lambda w, r: {"version": version_of(WorkItem, w.extra["item"].pk), "priority": "urgent"},
        foreign=foreign_item,
        foreign_body=foreign_ids,
    ),
    Case("DELETE", I, work(204), params=item, foreign=foreign_item),
    Case(
        "POST",
        I + "/transition",
        work(200),
        params=item,
        body=lambda w, r: {"state_id": state(w, "In progress").pk},
        foreign=foreign_item,
        foreign_body=lambda w: {
            "state_id": State.objects.filter(workflow__project=w.extra["other_project"]).values_list("pk", flat=True)[0]
        },
    ),
    Case(
        "POST",
        I + "/move",
        work(200),
        params=item,
        body=lambda w, r: {"project": "OPS", "version": version_of(WorkItem, w.extra["item"].pk)},
        foreign=foreign_item,
    ),
    Case(
        "POST",
        I + "/dependencies",
        work(200),
        params=item,
        body=lambda w, r: {"blocked_by": "WEB-2"},
        foreign=foreign_item,
        foreign_body=lambda w: {"blocked_by": "SEC-1"},
    ),
    Case(
        "DELETE",
        I + "/dependencies/{other}",
        work(200),
        params=lambda w, r: {"key": "WEB-3", "other": "WEB-2"},
        foreign=lambda w: {"key": "SEC-1", "other": "WEB-2"},
    ),
    Case("GET", I + "/time", READ, params=item, foreign=foreign_item),
    Case("POST", I + "/time", work(201), params=item, body=lambda w, r: {"hours": 1.5, "note": "pairing"}),
    Case("GET", P + "/board", READ, params=web, foreign=sec),
    Case("GET", P + "/schedule", READ, params=web, foreign=sec),
    Case("GET", P + "/allocation", READ, params=web, foreign=sec),
    Case("GET", P + "/views", READ, params=web, foreign=sec),
    Case(
        "POST",
        P + "/views",
        in_workspace(201),
        params=web,
        body=lambda w, r: {"name": "Urgent", "query": {"priority": "urgent"}},
    ),
    Case(
        "PATCH",
        W + "/views/{view_id}",
        work(200),
        params=lambda w, r: {"view_id": w.extra["view"].pk},
        body=lambda w, r: {"version": w.extra["view"].version, "name": "Carol's"},
    ),
    Case("DELETE", W + "/views/{view_id}", work(204), params=lambda w, r: {"view_id": w.extra["view"].pk}),
]
