"""The command palette (Ctrl-K) and the shortcut help (?) in the browser: an item found by its key
and by a Chinese word of its title and opened from the keyboard, recent objects, actions, and axe on
the open palette."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.queries import membership_for
from product.services import products
from projects import services
from projects.services import items
from tests.e2e.conftest import Cast, log_in
from tests.e2e.test_accessibility import severe_violations

pytestmark = pytest.mark.browser


def test_the_palette_finds_and_opens_items(page: Page, cast: Cast) -> None:
    owner = membership_for(cast.owner, cast.workspace.slug)
    project = services.create_project(owner, name="Website", key="WEB")
    items.create_item(owner, project, title="Sign-up page")
    login = items.create_item(owner, project, title="优化登录页面")
    slug = cast.workspace.slug
    log_in(page, cast.owner)
    page.goto(f"/w/{slug}/")

    # Ctrl-K opens the palette with the input focused; with nothing typed it offers the actions.
    page.keyboard.press("Control+k")
    palette = page.locator("#palette")
    field = page.get_by_role("combobox")
    expect(palette).to_be_visible()
    expect(field).to_be_focused()
    expect(palette.get_by_role("option", name="Go to My work")).to_be_visible()
    assert not severe_violations(page)

    # A key, then Enter, opens that item.
    field.fill("web-2")
    expect(palette.get_by_role("option").first).to_contain_text("WEB-2")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("优化登录页面")
    assert page.url.endswith(f"/w/{slug}/items/{login.key}/")

    # A Chinese word of the title lists the item, grouped under its type; arrows move, Enter opens.
    page.goto(f"/w/{slug}/")
    page.keyboard.press("Control+k")
    field.fill("登录")
    option = palette.get_by_role("option", name="优化登录页面")
    expect(option).to_be_visible()
    expect(palette.get_by_role("group", name="Work item")).to_be_visible()
    expect(option).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    expect(option).to_have_attribute("aria-selected", "true")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("优化登录页面")

    # Escape closes it; the visible button opens it again, showing what was opened recently.
    page.goto(f"/w/{slug}/")
    page.get_by_role("button", name="Search").click()
    recent = palette.get_by_role("group", name="Recent")
    expect(recent.get_by_role("option")).to_have_count(1)
    expect(recent.get_by_role("option").first).to_contain_text("WEB-2")
    page.keyboard.press("Escape")
    expect(palette).to_be_hidden()


def test_an_action_creates_through_quick_create_or_the_create_page(page: Page, cast: Cast) -> None:
    slug = cast.workspace.slug
    products.create_product(membership_for(cast.owner, slug), name="Cadence App")
    log_in(page, cast.owner)
    page.goto(f"/w/{slug}/")
    page.keyboard.press("Control+k")
    page.get_by_role("combobox").fill("requirement")
    page.get_by_role("option", name="Create a requirement").click()
    # Quick create takes it (its dialog opens on the requirement's form), and the page stays.
    dialog = page.locator("#quick-create")
    expect(dialog).to_be_visible()
    expect(dialog.locator("form")).to_have_attribute("hx-post", re.compile("requirement"))
    assert page.url.endswith(f"/w/{slug}/")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    # Where nothing takes the event, the action goes to the create page.
    page.evaluate(
        """() => document.addEventListener("cadence:quick-create", (e) => e.stopImmediatePropagation(), true)"""
    )
    page.keyboard.press("Control+k")
    page.get_by_role("combobox").fill("requirement")
    with page.expect_navigation():
        page.get_by_role("option", name="Create a requirement").click()
    assert page.url.endswith(f"/w/{slug}/requirements/new/")
    # A page that handles quick create keeps the user where they are.
    page.goto(f"/w/{slug}/")
    page.evaluate(
        """() => document.addEventListener("cadence:quick-create", (e) => {
            e.preventDefault(); document.body.dataset.quick = e.detail.kind; })"""
    )
    page.keyboard.press("Control+k")
    page.get_by_role("combobox").fill("feedback")
    page.get_by_role("option", name="Create feedback").click()
    expect(page.locator("body")).to_have_attribute("data-quick", "feedback")
    assert page.url.endswith(f"/w/{slug}/")


def test_question_mark_lists_the_shortcuts_of_the_page(page: Page, cast: Cast) -> None:
    owner = membership_for(cast.owner, cast.workspace.slug)
    project = services.create_project(owner, name="Website", key="WEB")
    items.create_item(owner, project, title="Sign-up page")
    log_in(page, cast.owner)
    page.goto(f"/w/{cast.workspace.slug}/projects/WEB/items/")
    page.keyboard.press("?")
    shortcuts = page.locator("#shortcuts")
    expect(shortcuts).to_be_visible()
    listed = ["Search and run commands", "Show the keyboard shortcuts", "Next / previous item", "Open the chosen item"]
    for text in listed:
        expect(shortcuts).to_contain_text(text)
    assert not severe_violations(page)
    page.keyboard.press("Escape")
    expect(shortcuts).to_be_hidden()
