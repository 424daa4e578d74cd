"""Writes of the board: a card dropped on a column, at the place it was released. The column
change is the item's own write (a transition on a status board, a new owner on an owner board);
the place is the item's board rank, between the card above it and the card below it."""

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from core.activity import record
from core.errors import ValidationFailed
from projects.access import Level, require_level
from projects.models import WorkItem
from projects.services import items

if TYPE_CHECKING:
    from accounts.models import Membership

# The distance between two ranks after a renumbering: room for ten halvings between neighbours.
RANK_STEP = 1024
BOARD_KINDS = ("status", "owner")


def move_card(
    actor: "Membership",
    item: WorkItem,
    *,
    by: str,
    value: int,
    after: int | None = None,
    before: int | None = None,
) -> tuple[WorkItem, list[str]]:
    """Drop `item` in the column `value` (a state's id on a status board, a person's id on an owner
    board), below the card `after` and above the card `before` (work item ids; either or both may
    be left out: an empty column, the top or the bottom). Returns the item and any warnings (a WIP
    limit). All or nothing: a refused transition, owner or place changes nothing."""
    require_level(actor, item.project, Level.WORK)
    if by not in BOARD_KINDS:
        raise ValidationFailed({"by": _("Choose one of: %(choices)s.") % {"choices": ", ".join(BOARD_KINDS)}})
    warnings: list[str] = []
    with transaction.atomic():
        if by == "owner":
            if value != item.owner_id:
                item = items.update_item(actor, item, version=item.version, owner_id=value)
        else:
            item, warnings = items.transition(actor, item, state_id=value)
        if after is not None or before is not None:
            place_card(actor, item, after=after, before=before)
    return item, warnings


def _rank_of(item: WorkItem, pk: int | None, field: str) -> int | None:
    if pk is None:
        return None
    rank = (
        WorkItem.objects.filter(project_id=item.project_id, pk=pk)
        .exclude(pk=item.pk)
        .values_list("board_rank", flat=True)
        .first()
    )
    if rank is None:
        raise ValidationFailed({field: _("Choose another card of this board.")})
    return rank


def _between(low: int | None, high: int | None) -> int | None:
    """A rank strictly between the neighbours' ranks, or None when they leave no room."""
    if low is None and high is None:
        return None
    if low is None:
        return high - RANK_STEP  # type: ignore[operator]
    if high is None:
        return low + RANK_STEP
    return (low + high) // 2 if high - low >= 2 else None


def renumber_board(project_id: int) -> None:
    """Spread the ranks of a project's items RANK_STEP apart, in the board's order (rank, then
    priority, then id), so that every card shows where it did and there is room between any two."""
    ids = list(
        WorkItem.objects.filter(project_id=project_id)
        .order_by("board_rank", "priority_rank", "id")
        .values_list("id", flat=True)
    )
    rows = [WorkItem(pk=pk, board_rank=(i + 1) * RANK_STEP) for i, pk in enumerate(ids)]
    WorkItem.objects.bulk_update(rows, ["board_rank"], batch_size=1000)


def place_card(actor: "Membership", item: WorkItem, *, after: int | None = None, before: int | None = None) -> None:
    """Place `item` on the board directly below the card `after` and above the card `before` (ids of
    items of its project). When the two leave no room between them, the project's ranks are spread
    out first, in the same transaction. The rank is an order, not content: `version` stays."""
    require_level(actor, item.project, Level.WORK)
    if after is None and before is None:
        raise ValidationFailed({"before": _("Name the card to place this one before or after.")})
    with transaction.atomic():
        low, high = _rank_of(item, after, "after"), _rank_of(item, before, "before")
        rank = _between(low, high)
        if rank is None:
            renumber_board(item.project_id)
            low, high = _rank_of(item, after, "after"), _rank_of(item, before, "before")
            rank = _between(low, high)
        if rank is None:
            raise ValidationFailed({"after": _("The card above must come before the card below; reload the board.")})
        old = WorkItem.objects.filter(pk=item.pk).values_list("board_rank", flat=True).get()
        item.board_rank = rank
        WorkItem.objects.filter(pk=item.pk).update(board_rank=rank)
        record(actor, "reranked", item, {"rank": [old, rank]})
