"""The board: columns by status or owner, counts and WIP limits, the first cards of each column in
a constant number of queries, and moves by drag and drop (htmx)."""

from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from projects.models import ItemType, Priority, State, WorkItem
from projects.queries.board import board_for
from projects.services import items

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


def test_status_columns_counts_and_wip(world: Any) -> None:
    project = world.extra["project"]
    make(world, 3)
    board = board_for(world.actor("guest"), project)
    names = [c.name for c in board.columns]
    assert names == ["To do", "In progress", "In review", "Done"]
    todo = board.columns[0]
    assert todo.count == 6 and len(todo.cards) == 6 and not todo.over_limit
    State.objects.filter(pk=todo.id).update(wip_limit=4)
    html = client_for(world).get(BOARD).content.decode()
    assert "6 / 4" in html and "over-limit" in html and "Over the WIP limit" in html
    # Several workflows: a select; the bug workflow's board shows its states.
    assert 'name="workflow"' in html
    bug_flow = board.workflows[1][0]
    make(world, 1, type=ItemType.BUG)
    bug_board = board_for(world.actor("owner"), project, workflow_id=bug_flow)
    assert next(c.name for c in bug_board.columns) == "Open" and bug_board.columns[0].count == 1


def test_columns_show_the_first_cards_by_priority_then_id(world: Any) -> None:
    project = world.extra["project"]
    low = make(world, 3, priority=Priority.LOW)
    urgent = make(world, 2, priority=Priority.URGENT)
    board = board_for(world.actor("owner"), project, per_column=3)
    todo = board.columns[0]
    assert [c.id for c in todo.cards] == [urgent[0].pk, urgent[1].pk, world.extra["item"].pk]
    assert todo.count == 8 and todo.more == 5
    assert low[0].pk not in [c.id for c in todo.cards]
    html = client_for(world).get(BOARD).content.decode()
    assert "and 3 more" not in html  # 50 a column on the page


def test_owner_board(world: Any) -> None:
    project = world.extra["project"]
    board = board_for(world.actor("owner"), project, by="owner")
    columns = {c.name: c for c in board.columns}
    assert set(columns) >= {"Alice", "Carol", "Erin"} and "Gina" not in columns  # viewers own nothing here
    assert columns["Carol"].count == 1 and columns["Alice"].count == 2
    assert client_for(world).get(BOARD, {"by": "owner"}).status_code == 200


def test_sprint_filter(world: Any) -> None:
    import datetime

    from sprints.models import Sprint

    project = world.extra["project"]
    sprint = Sprint.objects.create(
        workspace=world.acme,
        project=project,
        name="S1",
        start_date=datetime.date(2030, 1, 1),
        end_date=datetime.date(2030, 1, 14),
    )
    item = world.extra["item"]
    items.update_item(world.actor("owner"), item, version=item.version, sprint_id=sprint.pk)
    board = board_for(world.actor("owner"), project, sprint_id=sprint.pk)
    assert [c.key for col in board.columns for c in col.cards] == [item.key]
    page = client_for(world).get(BOARD, {"sprint": sprint.pk})
    assert page.context["board"].sprint_id == sprint.pk


def test_board_queries_are_constant(world: Any, django_assert_num_queries: Any) -> None:
    project, actor = world.extra["project"], world.actor("owner")
    make(world, 3)
    with django_assert_num_queries(4) as small:
        board_for(actor, project)
    make(world, 60, priority=Priority.HIGH)
    with django_assert_num_queries(len(small.captured_queries)):
        board = board_for(actor, project)
    assert board.columns[0].count == 66 and len(board.columns[0].cards) == 50
    with django_assert_num_queries(4):
        board_for(actor, project, by="owner")


def test_drop_on_a_status_column_transitions_the_item(world: Any) -> None:
    item = world.extra["item"]
    doing = State.objects.get(workflow=item.state.workflow, name="In progress")
    client = client_for(world, "member")
    response = client.post(
        BOARD + "move/", {"item": item.pk, "value": doing.pk, "by": "status"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="board"') and "moved to “In progress”" in html
    item.refresh_from_db()
    assert item.state_id == doing.pk


def test_a_refused_drop_shows_the_reason_and_the_card_stays(world: Any) -> None:
    owner = world.actor("owner")
    bug = items.create_item(owner, world.extra["project"], title="Crash", type=ItemType.BUG)
    workflow = bug.state.workflow
    closed = State.objects.get(workflow=workflow, name="Closed")
    fixing = State.objects.get(workflow=workflow, name="Fixing")
    client = client_for(world)
    data = {"item": bug.pk, "by": "status", "workflow": workflow.pk}
    response = client.post(BOARD + "move/", {**data, "value": closed.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "Required to enter “Closed”." in response.content.decode()
    not_allowed = client.post(BOARD + "move/", {**data, "value": fixing.pk}, HTTP_HX_REQUEST="true")
    assert not_allowed.status_code == 422 and "does not allow" in not_allowed.content.decode()
    bug.refresh_from_db()
    assert bug.state.name == "Open"
    open_column = not_allowed.content.decode().split('<section class="board-column')[1]
    assert "Open" in open_column and f'data-item="{bug.pk}"' in open_column
    # Without htmx: back to the board, with the reason as a message.
    plain = client.post(BOARD + "move/", {**data, "value": closed.pk}, follow=True)
    assert "Required to enter" in plain.content.decode()


def test_drop_on_an_owner_column_changes_the_owner(world: Any) -> None:
    item = world.extra["item"]
    response = client_for(world).post(
        BOARD + "move/", {"item": item.pk, "value": world.users["extra"].pk, "by": "owner"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.owner_id == world.users["extra"].pk


@pytest.mark.parametrize("role,status", [("guest", 403), ("outsider", 404)])
def test_viewers_and_outsiders_cannot_move(world: Any, role: str, status: int) -> None:
    item = world.extra["item"]
    doing = State.objects.get(workflow=item.state.workflow, name="In progress")
    response = client_for(world, role).post(
        BOARD + "move/", {"item": item.pk, "value": doing.pk}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == status
    item.refresh_from_db()
    assert item.state_id != doing.pk


def test_an_item_of_another_project_cannot_be_moved_here(world: Any) -> None:
    ops = world.extra["ops"]
    other = items.create_item(world.actor("owner"), ops, title="Ops work")
    state = State.objects.filter(workflow__project=world.extra["project"]).earliest("id")
    response = client_for(world).post(BOARD + "move/", {"item": other.pk, "value": state.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 404


def test_a_card_moves_without_a_mouse(world: Any) -> None:
    """Each card has a Move form (a select of the columns) that works without JavaScript."""
    done = State.objects.get(workflow__project=world.extra["project"], workflow__name="Scrum", name="Done")
    carol = client_for(world, "member")
    page = carol.get("/w/acme/projects/WEB/board/").content.decode()
    assert f'id="move-{world.extra["item"].pk}"' in page
    response = carol.post(
        "/w/acme/projects/WEB/board/move/", {"item": world.extra["item"].pk, "value": done.pk, "by": "status"}
    )
    assert response.status_code == 302
    assert WorkItem.objects.get(pk=world.extra["item"].pk).state_id == done.pk
    assert (
        'class="board-card-move"' not in client_for(world, "guest").get("/w/acme/projects/WEB/board/").content.decode()
    )
