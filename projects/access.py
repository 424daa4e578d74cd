"""Who may do what in a project: the workspace role sets the floor, the project role adds to it.

- workspace owners and admins manage every project;
- a project's managers manage it, its members work in it (items, sprints, retro), its viewers read;
- other workspace members read every project; guests see only the projects they belong to.
"""

import enum
from typing import TYPE_CHECKING

from core.errors import NotFound, PermissionDenied
from core.permissions import EVERYONE, MEMBERS, STAFF, Role, declare

if TYPE_CHECKING:
    from accounts.models import Membership
    from projects.models import Project

declare("project.view", EVERYONE)
declare("project.create", MEMBERS)


class Level(enum.IntEnum):
    NONE = 0
    VIEW = 1
    WORK = 2
    MANAGE = 3


_BY_PROJECT_ROLE = {"manager": Level.MANAGE, "member": Level.WORK, "viewer": Level.VIEW}


def level_of(actor: "Membership", project_role: str | None) -> Level:
    return level_for(actor.role, project_role)


def level_for(workspace_role: str, project_role: str | None) -> Level:
    if workspace_role in STAFF:
        return Level.MANAGE
    granted = _BY_PROJECT_ROLE.get(project_role or "", Level.NONE)
    floor = Level.NONE if workspace_role == Role.GUEST else Level.VIEW
    return max(granted, floor)


def require_level(actor: "Membership", project: "Project", needed: Level) -> None:
    """`project.access` is set by the query that loaded the project (queries.get_project)."""
    have: Level = getattr(project, "access", Level.NONE)
    if have < Level.VIEW:
        raise NotFound()
    if have < needed:
        raise PermissionDenied()
