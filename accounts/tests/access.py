from conftest import PASSWORD
from tests.matrix import Case, in_workspace, members_only, signed_in, staff_only

W = "/workspaces/{workspace}"


def _own_spare_token(w, role):
    return {"token_id": w.spare_tokens.get(role, w.spare_tokens["owner"]).pk}


def _me_version(w, role):
    user = w.users.get(role, w.users["owner"])
    return {"version": user.version, "display_name": "Renamed"}


CASES = [
    Case("GET", "/me", signed_in(200)),
    Case("PATCH", "/me", signed_in(200), body=_me_version),
    Case(
        "POST",
        "/me/password",
        signed_in(204),
        body=lambda w, r: {"current_password": PASSWORD, "new_password": "Another-long-passphrase-2"},
    ),
    Case("GET", "/me/tokens", signed_in(200)),
    Case("POST", "/me/tokens", signed_in(201), body=lambda w, r: {"name": "ci"}),
    Case("DELETE", "/me/tokens/{token_id}", signed_in(204), params=_own_spare_token),
    Case("GET", "/workspaces", signed_in(200)),
    Case("POST", "/workspaces", signed_in(201), body=lambda w, r: {"name": "New", "slug": "new-ws"}),
    Case("GET", W, in_workspace(200)),
    Case("PATCH", W, staff_only(200), body=lambda w, r: {"version": w.acme.version, "name": "Renamed"}),
    Case("GET", W + "/members", members_only(200)),
    Case(
        "PATCH",
        W + "/members/{member_id}",
        staff_only(200),
        params=lambda w, r: {"member_id": w.members["extra"].pk},
        body=lambda w, r: {"version": w.members["extra"].version, "title": "Lead"},
        foreign=lambda w: {"member_id": w.members["outsider"].pk},
    ),
    Case(
        "DELETE",
        W + "/members/{member_id}",
        staff_only(204),
        params=lambda w, r: {"member_id": w.members["extra"].pk},
        foreign=lambda w: {"member_id": w.members["outsider"].pk},
    ),
    Case("GET", W + "/invitations", staff_only(200)),
    Case(
        "POST", W + "/invitations", staff_only(201), body=lambda w, r: {"email": "new@example.test", "role": "member"}
    ),
    Case(
        "DELETE",
        W + "/invitations/{invitation_id}",
        staff_only(204),
        params=lambda w, r: {"invitation_id": w.invitation.pk},
        foreign=lambda w: {"invitation_id": w.other_invitation.pk},
    ),
    # Anyone may try a token; only the invited address may use it (a new person signs up).
    Case(
        "POST",
        "/invitations/accept",
        (200, 403, 403, 403, 403, 403, 403, 403),
        body=lambda w, r: {"token": w.invitation_token, "username": "newbie", "password": "Newbie-passphrase-42"},
    ),
    Case("GET", W + "/departments", members_only(200)),
    Case("POST", W + "/departments", staff_only(201), body=lambda w, r: {"name": "Design"}),
    Case(
        "GET",
        W + "/departments/{department_id}",
        members_only(200),
        params=lambda w, r: {"department_id": w.department.pk},
        foreign=lambda w: {"department_id": w.other_department.pk},
    ),
    Case(
        "PATCH",
        W + "/departments/{department_id}",
        staff_only(200),
        params=lambda w, r: {"department_id": w.department.pk},
        body=lambda w, r: {"version": w.department.version, "name": "Product & Design"},
        foreign=lambda w: {"department_id": w.other_department.pk},
    ),
    Case(
        "DELETE",
        W + "/departments/{department_id}",
        staff_only(204),
        params=lambda w, r: {"department_id": w.leaf_department.pk},
        foreign=lambda w: {"department_id": w.other_department.pk},
    ),
    Case("GET", W + "/teams", members_only(200)),
    Case("POST", W + "/teams", staff_only(201), body=lambda w, r: {"name": "Growth", "kind": "work_group"}),
    Case(
        "GET",
        W + "/teams/{team_id}",
        members_only(200),
        params=lambda w, r: {"team_id": w.team.pk},
        foreign=lambda w: {"team_id": w.other_team.pk},
    ),
    Case(
        "PATCH",
        W + "/teams/{team_id}",
        staff_only(200),
        params=lambda w, r: {"team_id": w.team.pk},
        body=lambda w, r: {"version": w.team.version, "description": "Mobile app"},
        foreign=lambda w: {"team_id": w.other_team.pk},
    ),
    Case(
        "DELETE",
        W + "/teams/{team_id}",
        staff_only(204),
        params=lambda w, r: {"team_id": w.team.pk},
        foreign=lambda w: {"team_id": w.other_team.pk},
    ),
]
