"""A card dropped on the board lands where it was released: between the card above and the card
below it, at the top or at the bottom of a column, in its own column or another; a refused move
(a transition the workflow forbids, a neighbour of another project) changes nothing."""

from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from core.errors import PermissionDenied, ValidationFailed
from projects import queries
from projects.models import ItemType, State, WorkItem
from projects.queries.board import board_for
from projects.services import board, items

BOARD = "/w/acme/projects/WEB/board/"


def client_for(world: Any, role: str = "owner") -> Client:
    User.objects.filter(pk=world.users[role].pk).update(language="en")
    client = Client()
    client.force_login(world.users[role])
    return client


def make(world: Any, n: int, **fields: Any) -> list[WorkItem]:
    return [
        items.create_item(world.actor("owner"), world.extra["project"], title=f"Card {i}", **fields) for i in range(n)
    ]


def load(world: Any, pk: int, role: str = "owner") -> WorkItem:
    """As a page loads it: through the query that sets the caller's access to its project."""
    return queries.get_item_by_id(world.actor(role), pk)


def column(world: Any, name: str) -> list[int]:
    for found in board_for(world.actor("owner"), world.extra["project"]).columns:
        if found.name == name:
            return [card.id for card in found.cards]
    raise AssertionError(name)


def state(world: Any, name: str) -> State:
    return State.objects.get(workflow__project=world.extra["project"], workflow__name="Scrum", name=name)


def test_a_card_lands_between_the_two_cards_it_was_dropped_between(world: Any) -> None:
    make(world, 3)
    todo = column(world, "To do")
    first, second, third = todo[0], todo[1], todo[2]
    last = todo[-1]
    moved = load(world, last, "member")
    board.move_card(
        world.actor("member"), moved, by="status", value=state(world, "To do").pk, after=first, before=second
    )
    assert column(world, "To do")[:3] == [first, last, second]
    # To the top, and to the bottom, of its own column.
    board.move_card(
        world.actor("member"), load(world, third, "member"), by="status", value=moved.state_id, before=first
    )
    assert column(world, "To do")[0] == third
    bottom = column(world, "To do")[-1]
    board.move_card(
        world.actor("member"), load(world, first, "member"), by="status", value=moved.state_id, after=bottom
    )
    assert column(world, "To do")[-1] == first
    # Placing is an order, not content: the version stays, and the history says it was reordered.
    assert WorkItem.objects.get(pk=first).version == 1


def test_a_card_dropped_low_in_another_column_lands_at_its_bottom(world: Any) -> None:
    make(world, 4)
    todo = column(world, "To do")
    doing = state(world, "In progress")
    for pk in todo[:2]:
        items.transition(world.actor("owner"), load(world, pk), state_id=doing.pk)
    in_progress = column(world, "In progress")
    assert len(in_progress) == 2
    card = load(world, todo[-1], "member")
    board.move_card(world.actor("member"), card, by="status", value=doing.pk, after=in_progress[-1])
    assert column(world, "In progress") == [*in_progress, card.pk]
    # And one dropped between the two lands between them.
    other = load(world, todo[-2], "member")
    board.move_card(
        world.actor("member"), other, by="status", value=doing.pk, after=in_progress[0], before=in_progress[1]
    )
    assert column(world, "In progress") == [in_progress[0], other.pk, in_progress[1], card.pk]


def test_many_drops_in_one_gap_renumber_and_keep_the_order(world: Any) -> None:
    make(world, 3)
    for _drop in range(14):  # more halvings of one gap than the step leaves room for
        shown = column(world, "To do")
        top, below, last = shown[0], shown[1], shown[-1]
        board.place_card(world.actor("owner"), load(world, last), after=top, before=below)
        assert column(world, "To do")[:3] == [top, last, below]


def test_the_owner_board_places_cards_too(world: Any) -> None:
    mine = make(world, 2, owner_id=world.users["member"].pk)
    item = load(world, world.extra["item"].pk)
    member = world.users["member"].pk
    board.move_card(world.actor("owner"), item, by="owner", value=member, after=mine[0].pk, before=mine[1].pk)
    owners = board_for(world.actor("owner"), world.extra["project"], by="owner").columns
    cards = next(c for c in owners if c.id == member).cards
    ids = [c.id for c in cards]
    assert ids.index(mine[0].pk) + 1 == ids.index(item.pk) == ids.index(mine[1].pk) - 1
    assert WorkItem.objects.get(pk=item.pk).owner_id == member


def snapshot() -> list[tuple[Any, ...]]:
    return list(WorkItem.objects.order_by("id").values_list("id", "state_id", "owner_id", "board_rank", "version"))


def test_refused_moves_change_nothing(world: Any) -> None:
    make(world, 2)
    todo = column(world, "To do")
    card = load(world, todo[0])
    ops_item = items.create_item(world.actor("owner"), world.extra["ops"], title="Ops work")
    bug = items.create_item(world.actor("owner"), world.extra["project"], title="Crash", type=ItemType.BUG)
    fixing = State.objects.get(workflow=bug.state.workflow, name="Fixing")
    before = snapshot()
    # A neighbour of another project: the transition that came with it is undone too.
    with pytest.raises(ValidationFailed) as refused:
        board.move_card(
            world.actor("owner"), card, by="status", value=state(world, "In progress").pk, after=ops_item.pk
        )
    assert "after" in refused.value.errors
    assert snapshot() == before
    # The card itself as its neighbour; neighbours in the wrong order (a renumbering is undone too).
    with pytest.raises(ValidationFailed):
        board.place_card(world.actor("owner"), load(world, todo[0], "owner"), after=todo[0])
    with pytest.raises(ValidationFailed):
        board.place_card(world.actor("owner"), load(world, todo[1], "owner"), after=todo[-1], before=todo[0])
    assert snapshot() == before
    # A transition the workflow does not allow, with a valid place.
    with pytest.raises(ValidationFailed):
        board.move_card(world.actor("owner"), load(world, bug.pk), by="status", value=fixing.pk, after=todo[0])
    assert snapshot() == before
    # A viewer may not place a card at all.
    with pytest.raises(PermissionDenied):
        board.place_card(world.actor("guest"), load(world, todo[1], "guest"), before=todo[0])
    assert snapshot() == before


def test_the_move_endpoint_takes_the_neighbours(world: Any) -> None:
    make(world, 2)
    todo = column(world, "To do")
    client = client_for(world, "member")
    data = {"item": todo[-1], "value": state(world, "To do").pk, "by": "status"}
    response = client.post(BOARD + "move/", {**data, "after": todo[0], "before": todo[1]}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "was placed" in response.content.decode()
    assert column(world, "To do")[:3] == [todo[0], todo[-1], todo[1]]
    refused = client.post(BOARD + "move/", {**data, "after": "nine"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 422 and "Enter a whole number." in refused.content.decode()
    stranger = items.create_item(world.actor("owner"), world.extra["ops"], title="Ops work")
    refused = client.post(BOARD + "move/", {**data, "before": stranger.pk}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 422 and "Choose another card of this board." in refused.content.decode()
    assert column(world, "To do")[:3] == [todo[0], todo[-1], todo[1]]
