"""The hooks product emits (core.hooks): apps above it (goals) subscribe to follow requirements,
so that product never imports them."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from core import hooks

if TYPE_CHECKING:
    from accounts.models import Membership


@dataclass(frozen=True)
class RequirementItemsChanged:
    actor: "Membership"
    requirement_id: int
    item_ids: tuple[int, ...]


hooks.declare(
    "requirement.items_changed",
    RequirementItemsChanged,
    doc="Work items were linked to or unlinked from a requirement.",
)
