"""The hooks projects emits when work items change (core.hooks): apps above it (product, goals)
subscribe to follow the work, so that projects never imports them."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from core import hooks
from projects.models import Category

if TYPE_CHECKING:
    from accounts.models import Membership


@dataclass(frozen=True)
class WorkItemsChanged:
    actor: "Membership"
    item_ids: tuple[int, ...]
    # The projects the items left (work_item.moved); empty otherwise.
    from_project_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class StateMove:
    """One item's move to another state, by the workflow categories before and after."""

    item_id: int
    was: Category
    now: Category


@dataclass(frozen=True)
class WorkItemStatesChanged:
    actor: "Membership"
    moves: tuple[StateMove, ...]


hooks.declare("work_item.created", WorkItemsChanged, doc="A work item was created.")
hooks.declare("work_item.deleted", WorkItemsChanged, doc="A work item went to the trash.")
hooks.declare("work_item.restored", WorkItemsChanged, doc="A work item came back from the trash.")
hooks.declare("work_item.moved", WorkItemsChanged, doc="A work item moved to another project (from_project_ids).")
hooks.declare("work_item.estimate_changed", WorkItemsChanged, doc="A work item's points or estimated hours changed.")
hooks.declare(
    "work_item.state_changed",
    WorkItemStatesChanged,
    doc="Work items moved to another state (a transition or a bulk edit), with their categories before and after.",
)
