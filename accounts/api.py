"""People and organisation over HTTP: thin handlers that parse, call a service or query, render."""

from typing import Annotated, Any

from django.contrib.auth import update_session_auth_hash
from ninja import Query, Router, Status

from accounts import queries, services
from accounts.schemas import (
    AcceptIn,
    DepartmentIn,
    DepartmentOut,
    DepartmentPatch,
    InvitationIn,
    InvitationOut,
    MemberOut,
    MemberPatch,
    MeOut,
    MePatch,
    MyWorkspaceOut,
    PasswordChangeIn,
    TeamIn,
    TeamOut,
    TeamPatch,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
    WorkspaceIn,
    WorkspaceOut,
    WorkspacePatch,
)
from cadence.api_auth import SIGNED_IN_OR_ANONYMOUS, ApiRequest
from core.api import ERRORS, Cursor, Limit, WorkspaceSlug, changes
from core.pagination import paginate
from core.permissions import Role
from core.schemas import PathId, page_of
from core.web import client_ip

router = Router(tags=["people and organisation"])


# --- Me ------------------------------------------------------------------------------------------


@router.get("/me", response={200: MeOut, **ERRORS}, operation_id="getMe")
def get_me(request: ApiRequest) -> Any:
    return request.auth


@router.patch("/me", response={200: MeOut, **ERRORS}, operation_id="updateMe")
def update_me(request: ApiRequest, payload: MePatch) -> Any:
    return services.update_profile(request.auth, version=payload.version, **changes(payload))


@router.post("/me/password", response={204: None, **ERRORS}, operation_id="changePassword")
def change_password(request: ApiRequest, payload: PasswordChangeIn) -> Any:
    """Every other session of the user ends, and every API token (this one too) unless `keep_tokens`."""
    user = request.auth
    services.change_password(
        user,
        ip=client_ip(request),
        current_password=payload.current_password,
        new_password=payload.new_password,
        keep_tokens=payload.keep_tokens,
    )
    if request.user.is_authenticated:  # signed in by session: keep this one
        update_session_auth_hash(request, user)
    services.end_sessions(user, keep=request.session.session_key)
    return Status(204, None)


@router.get("/me/tokens", response={200: page_of(TokenOut), **ERRORS}, operation_id="listApiTokens")
def list_tokens(request: ApiRequest, cursor: Cursor = None, limit: Limit = None) -> Any:
    return paginate(queries.tokens_for(request.auth), cursor=cursor, limit=limit)


@router.post("/me/tokens", response={201: TokenCreatedOut, **ERRORS}, operation_id="createApiToken")
def create_token(request: ApiRequest, payload: TokenIn) -> Any:
    token, plain = services.create_token(request.auth, name=payload.name, expires_in_days=payload.expires_in_days)
    token.token = plain  # type: ignore[attr-defined]
    return Status(201, token)


@router.delete("/me/tokens/{token_id}", response={204: None, **ERRORS}, operation_id="revokeApiToken")
def revoke_token(request: ApiRequest, token_id: PathId) -> Any:
    services.revoke_token(request.auth, token_id)
    return Status(204, None)


# --- Workspaces ----------------------------------------------------------------------------------


@router.get("/workspaces", response={200: page_of(MyWorkspaceOut), **ERRORS}, operation_id="listWorkspaces")
def list_workspaces(request: ApiRequest, cursor: Cursor = None, limit: Limit = None) -> Any:
    """The workspaces the caller belongs to, with the caller's role in each."""
    return paginate(queries.workspaces_for(request.auth), cursor=cursor, limit=limit, order="id")


@router.post("/workspaces", response={201: WorkspaceOut, **ERRORS}, operation_id="createWorkspace")
def create_workspace(request: ApiRequest, payload: WorkspaceIn) -> Any:
    return Status(201, services.create_workspace(request.auth, name=payload.name, slug=payload.slug))


@router.get("/workspaces/{workspace}", response={200: WorkspaceOut, **ERRORS}, operation_id="getWorkspace")
def get_workspace(request: ApiRequest, workspace: WorkspaceSlug) -> Any:
    return queries.membership_for(request.auth, workspace).workspace


@router.patch("/workspaces/{workspace}", response={200: WorkspaceOut, **ERRORS}, operation_id="updateWorkspace")
def update_workspace(request: ApiRequest, workspace: WorkspaceSlug, payload: WorkspacePatch) -> Any:
    actor = queries.membership_for(request.auth, workspace)
    return services.update_workspace(actor, version=payload.version, **changes(payload))


# --- Members and invitations --------------------------------------------------------------------


@router.get("/workspaces/{workspace}/members", response={200: page_of(MemberOut), **ERRORS}, operation_id="listMembers")
def list_members(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    cursor: Cursor = None,
    limit: Limit = None,
    department_id: Annotated[int | None, Query(None, ge=1, le=2**53)] = None,
    role: Role | None = None,
    q: Annotated[str | None, Query(None, max_length=100, pattern=r"^[^\x00]*$")] = None,
) -> Any:
    """Only people of this workspace: the mention and owner pickers use this list."""
    actor = queries.membership_for(request.auth, workspace)
    qs = queries.members_for(actor, department_id=department_id, role=role, q=q)
    return paginate(qs, cursor=cursor, limit=limit, order="id")


@router.patch(
    "/workspaces/{workspace}/members/{member_id}", response={200: MemberOut, **ERRORS}, operation_id="updateMember"
)
def change_member(request: ApiRequest, workspace: WorkspaceSlug, member_id: PathId, payload: MemberPatch) -> Any:
    actor = queries.membership_for(request.auth, workspace)
    member = queries.get_member(actor, member_id)
    values = changes(payload, nullable=frozenset({"department_id"}))
    return services.change_member(actor, member, version=payload.version, **values)


@router.delete(
    "/workspaces/{workspace}/members/{member_id}", response={204: None, **ERRORS}, operation_id="removeMember"
)
def remove_member(request: ApiRequest, workspace: WorkspaceSlug, member_id: PathId) -> Any:
    actor = queries.membership_for(request.auth, workspace)
    services.remove_member(actor, queries.get_member(actor, member_id))
    return Status(204, None)


@router.get(
    "/workspaces/{workspace}/invitations",
    response={200: page_of(InvitationOut), **ERRORS},
    operation_id="listInvitations",
)
def list_invitations(request: ApiRequest, workspace: WorkspaceSlug, cursor: Cursor = None, limit: Limit = None) -> Any:
    actor = queries.membership_for(request.auth, workspace)
    return paginate(queries.invitations_for(actor), cursor=cursor, limit=limit)


@router.post(
    "/workspaces/{workspace}/invitations", response={201: InvitationOut, **ERRORS}, operation_id="createInvitation"
)
def invite(request: ApiRequest, workspace: WorkspaceSlug, payload: InvitationIn) -> Any:
    """The link goes by email to the invited address only; it is never in a response."""
    actor = queries.membership_for(request.auth, workspace)
    return Status(
        201, services.invite(actor, email=payload.email, role=payload.role, department_id=payload.department_id)
    )


@router.delete(
    "/workspaces/{workspace}/invitations/{invitation_id}",
    response={204: None, **ERRORS},
    operation_id="revokeInvitation",
)
def revoke_invitation(request: ApiRequest, workspace: WorkspaceSlug, invitation_id: PathId) -> Any:
    actor = queries.membership_for(request.auth, workspace)
    services.revoke_invitation(actor, queries.get_invitation(actor, invitation_id))
    return Status(204, None)


@router.post(
    "/invitations/accept",
    response={200: MyWorkspaceOut, **ERRORS},
    auth=SIGNED_IN_OR_ANONYMOUS,
    operation_id="acceptInvitation",
)
def accept_invitation(request: ApiRequest, payload: AcceptIn) -> Any:
    """Signed in: join with this account (its email must be the invited one). Not signed in: sign up."""
    user = request.auth if request.auth.is_authenticated else None
    return services.accept_invitation(
        payload.token,
        ip=client_ip(request),
        user=user,
        username=payload.username,
        password=payload.password,
        display_name=payload.display_name,
    )


# --- Departments ---------------------------------------------------------------------------------

NAME_SORTS = {"name": "name", "-name": "-name", "created": "id", "-created": "-id"}
SortName = Annotated[str, Query("name", pattern=r"^-?(name|created)$")]


@router.get(
    "/workspaces/{workspace}/departments",
    response={200: page_of(DepartmentOut), **ERRORS},
    operation_id="listDepartments",
)
def list_departments(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    cursor: Cursor = None,
    limit: Limit = None,
    parent_id: Annotated[int | None, Query(None, ge=1, le=2**53)] = None,
    sort: SortName = "name",
) -> Any:
    actor = queries.membership_for(request.auth, workspace)
    return paginate(
        queries.departments_for(actor, parent_id=parent_id), cursor=cursor, limit=limit, order=NAME_SORTS[sort]
    )


@router.post(
    "/workspaces/{workspace}/departments", response={201: DepartmentOut, **ERRORS}, operation_id="createDepartment"
)
def create_department(request: ApiRequest, workspace: WorkspaceSlug, payload: DepartmentIn) -> Any:
    actor = queries.membership_for(request.auth, workspace)
    department = services.create_department(actor, **payload.model_dump())
    return Status(201, queries.get_department(actor, department.pk))


@router.get(
    "/workspaces/{workspace}/departments/{department_id}",
    response={200: DepartmentOut, **ERRORS},
    operation_id="getDepartment",
)
def get_department(request: ApiRequest, workspace: WorkspaceSlug, department_id: PathId) -> Any:
    actor = queries.membership_for(request.auth, workspace)
    return queries.get_department(actor, department_id)


@router.patch(
    "/workspaces/{workspace}/departments/{department_id}",
    response={200: DepartmentOut, **ERRORS},
    operation_id="updateDepartment",
)
def update_department(
    request: ApiRequest, workspace: WorkspaceSlug, department_id: PathId, payload: DepartmentPatch
) -> Any:
    actor = queries.membership_for(request.auth, workspace)
    department = queries.get_department(actor, department_id)
    values = changes(payload, nullable=frozenset({"parent_id", "head_id"}))
    services.update_department(actor, department, version=payload.version, **values)
    return queries.get_department(actor, department_id)


@router.delete(
    "/workspaces/{workspace}/departments/{department_id}",
    response={204: None, **ERRORS},
    operation_id="deleteDepartment",
)
def delete_department(request: ApiRequest, workspace: WorkspaceSlug, department_id: PathId) -> Any:
    """Moves the department to the trash, from where it can be restored."""
    actor = queries.membership_for(request.auth, workspace)
    services.delete_department(actor, queries.get_department(actor, department_id))
    return Status(204, None)


# --- Teams and work groups ----------------------------------------------------------------------


def _with_members(teams: list[Any]) -> list[Any]:
    members = queries.team_member_ids(teams)
    for team in teams:
        team.member_ids = members[team.pk]
    return teams


@router.get("/workspaces/{workspace}/teams", response={200: page_of(TeamOut), **ERRORS}, operation_id="listTeams")
def list_teams(
    request: ApiRequest,
    workspace: WorkspaceSlug,
    cursor: Cursor = None,
    limit: Limit = None,
    kind: Annotated[str | None, Query(None, pattern=r"^(team|work_group)$")] = None,
    sort: SortName = "name",
) -> Any:
    actor = queries.membership_for(request.auth, workspace)
    page = paginate(queries.teams_for(actor, kind=kind), cursor=cursor, limit=limit, order=NAME_SORTS[sort])
    _with_members(page.items)
    return page


@router.post("/workspaces/{workspace}/teams", response={201: TeamOut, **ERRORS}, operation_id="createTeam")
def create_team(request: ApiRequest, workspace: WorkspaceSlug, payload: TeamIn) -> Any:
    actor = queries.membership_for(request.auth, workspace)
    team = services.create_team(actor, **payload.model_dump())
    return Status(201, _with_members([queries.get_team(actor, team.pk)])[0])


@router.get("/workspaces/{workspace}/teams/{team_id}", response={200: TeamOut, **ERRORS}, operation_id="getTeam")
def get_team(request: ApiRequest, workspace: WorkspaceSlug, team_id: PathId) -> Any:
    actor = queries.membership_for(request.auth, workspace)
    return _with_members([queries.get_team(actor, team_id)])[0]


@router.patch("/workspaces/{workspace}/teams/{team_id}", response={200: TeamOut, **ERRORS}, operation_id="updateTeam")
def update_team(request: ApiRequest, workspace: WorkspaceSlug, team_id: PathId, payload: TeamPatch) -> Any:
    actor = queries.membership_for(request.auth, workspace)
    team = queries.get_team(actor, team_id)
    services.update_team(actor, team, version=payload.version, **changes(payload, nullable=frozenset({"lead_id"})))
    return _with_members([queries.get_team(actor, team_id)])[0]


@router.delete("/workspaces/{workspace}/teams/{team_id}", response={204: None, **ERRORS}, operation_id="deleteTeam")
def delete_team(request: ApiRequest, workspace: WorkspaceSlug, team_id: PathId) -> Any:
    actor = queries.membership_for(request.auth, workspace)
    services.delete_team(actor, queries.get_team(actor, team_id))
    return Status(204, None)
