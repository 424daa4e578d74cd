"""Work items in the browser: create with the full form, search with `/`, move through rows with j
and Enter, drag a card across the board (htmx), and axe on every item page."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from accounts.queries import membership_for
from projects import queries, services
from projects.models import WorkItem
from projects.services import items
from tests.e2e.conftest import Cast, log_in
from tests.e2e.test_accessibility import severe_violations

pytestmark = pytest.mark.browser


def test_keys_board_drag_and_accessibility(page: Page, cast: Cast) -> None:
    owner = membership_for(cast.owner, cast.workspace.slug)
    project = services.create_project(owner, name="Website", key="WEB")
    today = datetime.date.today()
    blocker = items.create_item(owner, project, title="Design tokens", start_date=today, due_date=today)
    slug = cast.workspace.slug
    log_in(page, cast.owner)

    # The "New item" button opens the full create form (`c` opens the quick dialog: test_quick_create.py).
    page.goto(f"/w/{slug}/projects/WEB/items/")
    with page.expect_navigation():
        page.locator("[data-shortcut-create]").click()
    expect(page.locator("h1")).to_have_text("New item")
    page.fill("#id_title", "Sign-up page")
    page.fill("#id_due_date", (today + datetime.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Create item").click()
    expect(page.locator("h1")).to_contain_text("Sign-up page")
    created = WorkItem.objects.get(project=project, title="Sign-up page")
    assert created.owner_id == cast.owner.pk
    items.link(owner, queries.get_item(owner, created.key), blocked_by=blocker.key)

    # `/` focuses the search box, whose query string reproduces the view; typing `c` there is text.
    page.goto(f"/w/{slug}/projects/WEB/items/")
    page.keyboard.press("/")
    search = page.locator("[data-shortcut-search]")
    expect(search).to_be_focused()
    page.keyboard.type("sign c")
    expect(search).to_have_value("sign c")
    search.fill("sign-up")
    page.keyboard.press("Enter")  # a filter chip: applied in place, and the URL keeps it
    expect(page.locator("tr[data-row]")).to_have_count(1)
    assert "q=sign-up" in page.url

    # j moves a visible focus through the rows; Enter opens the focused one.
    page.goto(f"/w/{slug}/projects/WEB/items/?sort=oldest")
    page.locator("h1").click()
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(page.locator("tr.row-focus")).to_contain_text("Sign-up page")
    page.keyboard.press("k")
    expect(page.locator("tr.row-focus")).to_contain_text("Design tokens")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("Design tokens")

    # Drag the card to "In progress": htmx posts the transition and swaps the board.
    page.goto(f"/w/{slug}/projects/WEB/board/")
    card = page.locator(".board-card", has_text="Sign-up page")
    target = page.locator(".board-column", has=page.get_by_role("heading", name="In progress"))
    with page.expect_response(lambda r: "/board/move/" in r.url) as response:
        card.drag_to(target)
    assert response.value.status == 200
    expect(target.locator(".board-card", has_text="Sign-up page")).to_be_visible()
    expect(page.locator("#board")).to_contain_text("moved to “In progress”")
    created.refresh_from_db()
    assert created.state.name == "In progress"
    page.reload()
    expect(page.locator(".board-column", has=page.get_by_role("heading", name="In progress"))).to_contain_text(
        "Sign-up page"
    )

    problems = []
    for path in [
        f"/w/{slug}/projects/WEB/items/",
        f"/w/{slug}/projects/WEB/items/?group=state",
        f"/w/{slug}/projects/WEB/items/new/",
        f"/w/{slug}/items/{created.key}/",
        f"/w/{slug}/projects/WEB/board/",
        f"/w/{slug}/projects/WEB/board/?by=owner",
        f"/w/{slug}/projects/WEB/timeline/",
        f"/w/{slug}/projects/WEB/calendar/",
        f"/w/{slug}/my-work/",
    ]:
        page.goto(path)
        problems += severe_violations(page)
    assert not problems, "\n".join(problems)
    page.goto(f"/w/{slug}/projects/WEB/timeline/")
    expect(page.locator("svg.gantt .gantt-arrow")).to_have_count(1)
    page.screenshot(path="/tmp/items-agent/timeline.png", full_page=True)
    page.goto(f"/w/{slug}/projects/WEB/board/")
    page.screenshot(path="/tmp/items-agent/board.png", full_page=True)
