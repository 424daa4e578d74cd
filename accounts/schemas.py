from datetime import datetime
from typing import Annotated

from ninja import Schema
from pydantic import Field

from accounts.models import Language, TeamKind, Theme
from core.permissions import Role
from core.schemas import Flag, Id, In, Text, TimeZoneName, UserBrief, Version

Email = Annotated[str, Field(max_length=254, pattern=r"^[^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+$")]


class MeOut(Schema):
    id: int
    email: str
    username: str
    display_name: str
    language: Language
    time_zone: str
    theme: Theme
    version: int


class MePatch(In):
    version: Version
    display_name: Text(100) | None = None  # type: ignore[valid-type]
    language: Language | None = None
    time_zone: TimeZoneName | None = None
    theme: Theme | None = None


class PasswordChangeIn(In):
    current_password: Text(256, 1)  # type: ignore[valid-type]
    new_password: Text(256, 1)  # type: ignore[valid-type]
    keep_tokens: Flag = Field(False, description="Keep every API token working (by default all are revoked).")


class TokenIn(In):
    name: Text(100, 1)  # type: ignore[valid-type]
    expires_in_days: Annotated[int, Field(ge=1, le=3650)] | None = None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The token itself. It is shown only this once.")


class WorkspaceOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    version: int
    created_at: datetime


class MyWorkspaceOut(Schema):
    workspace: WorkspaceOut
    role: Role


class WorkspaceIn(In):
    name: Text(100, 1)  # type: ignore[valid-type]
    slug: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9\-]{0,49}$")]


class WorkspacePatch(In):
    version: Version
    name: Text(100, 1) | None = None  # type: ignore[valid-type]
    description: Text(2000) | None = None  # type: ignore[valid-type]


class MemberOut(Schema):
    id: int
    user: UserBrief
    email: str
    role: Role
    department_id: int | None
    title: str
    version: int
    created_at: datetime

    @staticmethod
    def resolve_email(obj: object) -> str:
        return obj.user.email  # type: ignore[attr-defined]


class MemberPatch(In):
    version: Version
    role: Role | None = None
    department_id: Id | None = None
    title: Text(100) | None = None  # type: ignore[valid-type]


class InvitationIn(In):
    email: Email
    role: Role = Role.MEMBER
    department_id: Id | None = None


class InvitationOut(Schema):
    id: int
    email: str
    role: Role
    department_id: int | None
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None


class AcceptIn(In):
    token: Text(100, 10)  # type: ignore[valid-type]
    username: Text(30) = ""  # type: ignore[valid-type]
    display_name: Text(100) = ""  # type: ignore[valid-type]
    password: Text(256) = ""  # type: ignore[valid-type]


class DepartmentOut(Schema):
    id: int
    name: str
    parent_id: int | None
    head: UserBrief | None
    description: str
    member_count: int = 0
    version: int
    created_at: datetime
    updated_at: datetime


class DepartmentIn(In):
    name: Text(100, 1)  # type: ignore[valid-type]
    parent_id: Id | None = None
    head_id: Id | None = None
    description: Text(2000) = ""  # type: ignore[valid-type]


class DepartmentPatch(In):
    version: Version
    name: Text(100, 1) | None = None  # type: ignore[valid-type]
    parent_id: Id | None = None
    head_id: Id | None = None
    description: Text(2000) | None = None  # type: ignore[valid-type]


class TeamOut(Schema):
    id: int
    name: str
    kind: TeamKind
    description: str
    lead: UserBrief | None
    member_ids: list[int] = []
    member_count: int = 0
    version: int
    created_at: datetime
    updated_at: datetime


class TeamIn(In):
    name: Text(100, 1)  # type: ignore[valid-type]
    kind: TeamKind = TeamKind.TEAM
    description: Text(2000) = ""  # type: ignore[valid-type]
    lead_id: Id | None = None
    member_ids: Annotated[list[Id], Field(max_length=500)] = []


class TeamPatch(In):
    version: Version
    name: Text(100, 1) | None = None  # type: ignore[valid-type]
    kind: TeamKind | None = None
    description: Text(2000) | None = None  # type: ignore[valid-type]
    lead_id: Id | None = None
    member_ids: Annotated[list[Id], Field(max_length=500)] | None = None
