"""Every sprint operation: reads need the project's VIEW level (guests who view it read), writes
need WORK (project members and staff; the guest, a viewer, is refused)."""

from tests.matrix import Case, in_workspace, members_only

W = "/workspaces/{workspace}"
SPRINT = W + "/sprints/{sprint_id}"
NOTE = W + "/retro/{note_id}"


def _sprint(w, r):
    return {"sprint_id": w.extra["sprint"].pk}


def _foreign_sprint(w):
    return {"sprint_id": w.extra["other_sprint"].pk}


def _note(w, r):
    return {"note_id": w.extra["note"].pk}


def _foreign_note(w):
    return {"note_id": w.extra["other_note"].pk}


CASES = [
    Case("GET", W + "/projects/{project}/sprints", in_workspace(200), params=lambda w, r: {"project": "MOB"}),
    Case(
        "POST",
        W + "/projects/{project}/sprints",
        members_only(201),
        params=lambda w, r: {"project": "MOB"},
        body=lambda w, r: {"name": "Sprint 3", "start_date": "2030-04-01", "end_date": "2030-04-14"},
    ),
    Case("GET", SPRINT, in_workspace(200), params=_sprint, foreign=_foreign_sprint),
    Case(
        "PATCH",
        SPRINT,
        members_only(200),
        params=_sprint,
        body=lambda w, r: {"version": w.extra["sprint"].version, "goal": "Ship offline mode"},
        foreign=_foreign_sprint,
    ),
    Case(
        "DELETE",
        SPRINT,
        members_only(204),
        params=lambda w, r: {"sprint_id": w.extra["next_sprint"].pk},
        foreign=_foreign_sprint,
    ),
    Case(
        "POST",
        SPRINT + "/start",
        members_only(200),
        params=lambda w, r: {"sprint_id": w.extra["startable_sprint"].pk},
        foreign=_foreign_sprint,
    ),
    Case(
        "POST",
        SPRINT + "/close",
        members_only(200),
        params=_sprint,
        body=lambda w, r: {"carry_over_to": w.extra["next_sprint"].pk},
        foreign=_foreign_sprint,
    ),
    Case("GET", SPRINT + "/planning", in_workspace(200), params=_sprint, foreign=_foreign_sprint),
    # A user id from elsewhere is a field error (422), tested in sprints/tests/test_api.py.
    Case(
        "PUT",
        SPRINT + "/capacity/{user_id}",
        members_only(200),
        params=lambda w, r: {**_sprint(w, r), "user_id": w.users["member"].pk},
        body=lambda w, r: {"days": 8, "focus": 0.75},
        foreign=lambda w: {**_foreign_sprint(w), "user_id": w.users["member"].pk},
    ),
    Case("GET", SPRINT + "/charts", in_workspace(200), params=_sprint, foreign=_foreign_sprint),
    Case("GET", W + "/projects/{project}/velocity", in_workspace(200), params=lambda w, r: {"project": "MOB"}),
    Case("GET", SPRINT + "/retro", in_workspace(200), params=_sprint, foreign=_foreign_sprint),
    Case(
        "POST",
        SPRINT + "/retro",
        members_only(201),
        params=_sprint,
        body=lambda w, r: {"column": "went_well", "text": "Fast reviews"},
        foreign=_foreign_sprint,
    ),
    Case(
        "PATCH",
        NOTE,
        members_only(200),
        params=_note,
        body=lambda w, r: {"version": w.extra["note"].version, "text": "Pair on every review"},
        foreign=_foreign_note,
    ),
    Case("DELETE", NOTE, members_only(204), params=_note, foreign=_foreign_note),
    Case("POST", NOTE + "/work-item", members_only(201), params=_note, foreign=_foreign_note),
]
