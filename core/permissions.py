"""Workspace roles and the named capabilities they grant: the one place roles are compared.

Apps declare their capabilities with `declare()`; services call `require(actor, capability)`.
"""

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.actors import Actor
from core.errors import PermissionDenied


class Role(models.TextChoices):
    OWNER = "owner", pgettext_lazy("workspace role", "Owner")
    ADMIN = "admin", _("Admin")
    MEMBER = "member", _("Member")
    GUEST = "guest", _("Guest")


RANK = {Role.GUEST: 0, Role.MEMBER: 1, Role.ADMIN: 2, Role.OWNER: 3}

EVERYONE = frozenset(Role)
STAFF = frozenset({Role.OWNER, Role.ADMIN})
MEMBERS = frozenset({Role.OWNER, Role.ADMIN, Role.MEMBER})

_capabilities: dict[str, frozenset[Role]] = {}


def declare(capability: str, roles: Iterable[Role]) -> None:
    _capabilities[capability] = frozenset(roles)


def can(actor: Actor, capability: str) -> bool:
    return Role(actor.role) in _capabilities[capability]


def require(actor: Actor, capability: str) -> None:
    if not can(actor, capability):
        raise PermissionDenied()


def outranks_or_equals(actor_role: str, other_role: str) -> bool:
    return RANK[Role(actor_role)] >= RANK[Role(other_role)]


def roles_grantable_by(actor_role: str) -> list[Role]:
    return [role for role in Role if outranks_or_equals(actor_role, role)]


declare("workspace.view", EVERYONE)
declare("workspace.edit", STAFF)
declare("member.view", MEMBERS)
declare("member.manage", STAFF)
declare("department.view", MEMBERS)
declare("department.edit", STAFF)
declare("team.view", MEMBERS)
declare("team.edit", STAFF)
declare("activity.view", MEMBERS)
declare("comment.create", MEMBERS)
declare("comment.moderate", STAFF)
declare("watch.use", MEMBERS)
declare("trash.view", MEMBERS)
declare("comment.view", MEMBERS)
