"""The board in the browser: columns as tall as the board, so a card dragged to the bottom of a
short column lands at its bottom; a card dropped between two cards lands between them; many
columns scroll sideways inside the board, not the page; and the keyboard move stays."""

from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from accounts.queries import membership_for
from projects import queries, services
from projects.models import State
from projects.services import items
from tests.e2e.conftest import Cast, log_in

pytestmark = pytest.mark.browser


def column(page: Page, name: str) -> Locator:
    return page.locator(".board-column", has=page.get_by_role("heading", name=name))


def titles(column: Locator) -> list[str]:
    return [t.strip() for t in column.locator(".board-card-title").all_inner_texts()]


def drop_at(page: Page, card: Locator, x: float, y: float) -> None:
    """A mouse drag of `card` released at (x, y) of the page, posting the move."""
    box = card.bounding_box()
    assert box is not None
    with page.expect_response(lambda r: "/board/move/" in r.url) as response:
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 10)
        page.mouse.down()
        page.mouse.move(x, y, steps=8)
        page.mouse.move(x, y + 1)
        page.mouse.up()
    assert response.value.status == 200


def test_drops_land_where_released(page: Page, cast: Cast) -> None:
    owner = membership_for(cast.owner, cast.workspace.slug)
    project = services.create_project(owner, name="Website", key="WEB")
    made = {title: items.create_item(owner, project, title=title) for title in ("Alpha", "Bravo", "Charlie", "Delta")}
    project = queries.get_project(owner, "WEB")
    doing = State.objects.get(workflow__project=project, workflow__name="Scrum", name="In progress")
    for title in ("Charlie", "Delta"):
        items.transition(owner, queries.get_item(owner, made[title].key), state_id=doing.pk)
    log_in(page, cast.owner)
    page.set_viewport_size({"width": 900, "height": 800})
    page.goto(f"/w/{cast.workspace.slug}/projects/WEB/board/")

    # The short column is as tall as the board: its bottom, far below its two cards, takes the drop.
    in_progress = column(page, "In progress")
    area = page.locator(".board-columns").bounding_box()
    box = in_progress.bounding_box()
    assert area is not None and box is not None
    assert box["height"] > area["height"] * 0.9
    assert titles(in_progress) == ["Charlie", "Delta"]
    drop_at(
        page,
        column(page, "To do").locator(".board-card", has_text="Alpha"),
        box["x"] + box["width"] / 2,
        box["y"] + box["height"] - 20,
    )
    expect(in_progress.locator(".board-card")).to_have_count(3)
    assert titles(in_progress) == ["Charlie", "Delta", "Alpha"]

    # Released on the line between Charlie and Delta: it lands between them.
    upper = in_progress.locator(".board-card", has_text="Charlie").bounding_box()
    lower = in_progress.locator(".board-card", has_text="Delta").bounding_box()
    assert upper is not None and lower is not None
    between = (upper["y"] + upper["height"] + lower["y"]) / 2
    drop_at(
        page, column(page, "To do").locator(".board-card", has_text="Bravo"), upper["x"] + upper["width"] / 2, between
    )
    expect(in_progress.locator(".board-card")).to_have_count(4)
    assert titles(in_progress) == ["Charlie", "Bravo", "Delta", "Alpha"]
    page.reload()
    assert titles(column(page, "In progress")) == ["Charlie", "Bravo", "Delta", "Alpha"]

    # Four columns of 17rem do not fit 900 px: the board scrolls sideways, the page does not.
    widths: Any = page.evaluate(
        "() => { const b = document.querySelector('.board-columns');"
        " return [b.scrollWidth, b.clientWidth, document.documentElement.scrollWidth, window.innerWidth]; }"
    )
    assert widths[0] > widths[1]
    assert widths[2] <= widths[3]

    # The keyboard move stays: open a card's Move, choose a column, press its button.
    page.locator(".board-card", has_text="Bravo").locator("summary").focus()
    page.keyboard.press("Enter")
    move = page.locator(".board-card", has_text="Bravo").get_by_label("Move WEB-2 to")
    move.select_option(label="Done")
    move.focus()
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert titles(column(page, "Done")) == ["Bravo"]
