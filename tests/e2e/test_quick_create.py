"""Quick create and inline editing in the browser: `c` on a project page, a title, Tab to the owner,
choose, Enter, in under 10 key presses; an inline edit of a title; and the conflict a second
browser's earlier edit gives, shown next to the field with the other's value."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.queries import membership_for
from projects import services
from projects.models import WorkItem
from projects.services import items
from tests.e2e.conftest import Cast, log_in

pytestmark = pytest.mark.browser


class Keys:
    """The keyboard, counting every key pressed."""

    def __init__(self, page: Page) -> None:
        self.page, self.count = page, 0

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.count += 1

    def type(self, text: str) -> None:
        for character in text:
            self.press(character)


def test_quick_create_by_keyboard(page: Page, cast: Cast) -> None:
    owner = membership_for(cast.owner, cast.workspace.slug)
    project = services.create_project(owner, name="Website", key="WEB")
    services.create_project(owner, name="Another", key="ANO")
    log_in(page, cast.owner)
    page.goto(f"/w/{cast.workspace.slug}/projects/WEB/")
    page.locator("h1").click()  # nothing focused that takes text

    page.keyboard.press("c")
    dialog = page.locator("#quick-create")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Title")).to_be_focused()
    expect(dialog.get_by_label("Project")).to_have_value("WEB")  # the page's project, not the first

    keys = Keys(page)
    keys.type("Fix")
    keys.press("Tab")
    expect(dialog.get_by_label("Owner")).to_be_focused()
    keys.press("ArrowDown")  # from alice (the actor) to the next person
    with page.expect_navigation():
        keys.press("Enter")
    assert keys.count < 10

    created = WorkItem.objects.get(project=project, title="Fix")
    assert created.owner_id != cast.owner.pk
    expect(page.locator("h1")).to_contain_text("Fix")
    expect(page.locator(".messages")).to_contain_text(f"{created.key} was created.")

    # "Create more" keeps the dialog open with the title cleared; Escape closes it.
    page.locator("h1").click()
    page.keyboard.press("c")
    expect(dialog.get_by_label("Title")).to_be_focused()
    dialog.get_by_label("Create more").check()
    dialog.get_by_label("Title").fill("Second")
    page.keyboard.press("Enter")
    expect(dialog.get_by_role("status")).to_contain_text("was created.")
    expect(dialog.get_by_label("Title")).to_have_value("")
    expect(dialog.get_by_label("Title")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert WorkItem.objects.filter(project=project, title="Second").exists()

    # The palette's event opens the dialog of the kind it names.
    event = "new CustomEvent('cadence:quick-create', {detail: {kind: 'work_item'}, cancelable: true})"
    assert page.evaluate(f"!document.dispatchEvent({event})")  # handled: the palette does nothing more
    expect(dialog.get_by_label("Title")).to_be_focused()


def test_inline_edit_and_its_conflict(new_page: Callable[..., Page], cast: Cast) -> None:
    owner = membership_for(cast.owner, cast.workspace.slug)
    project = services.create_project(owner, name="Website", key="WEB")
    item = items.create_item(owner, project, title="Old title")
    url = f"/w/{cast.workspace.slug}/items/{item.key}/"
    User.objects.filter(pk=cast.admin.pk).update(language="en")  # bob, in English here
    first, second = new_page(), new_page()
    log_in(first, cast.owner)
    log_in(second, cast.admin)
    first.goto(url)
    second.goto(url)

    # The first saves a title in place.
    field = first.locator("[data-inline-field=title]")
    field.locator(".inline-value").click()
    editor = field.get_by_role("textbox")
    expect(editor).to_be_focused()
    editor.fill("New title")
    editor.press("Enter")
    expect(field.locator(".inline-value")).to_contain_text("New title")
    item.refresh_from_db()
    assert item.title == "New title"

    # Escape cancels an edit.
    field.locator(".inline-value").click()
    field.get_by_role("textbox").fill("Not this")
    field.get_by_role("textbox").press("Escape")
    expect(field.locator(".inline-value")).to_contain_text("New title")

    # The second, who read the page before that, saves the priority: a conflict, shown by the
    # field with the current value; overwriting takes it.
    priority = second.locator("[data-inline-field=priority]")
    priority.locator(".inline-value").click()
    priority.get_by_role("combobox").select_option("urgent")
    priority.get_by_role("combobox").press("Enter")
    notice = priority.get_by_role("alert")
    expect(notice).to_contain_text("Someone else changed this")
    expect(notice).to_contain_text("It is now: Medium")
    item.refresh_from_db()
    assert item.priority == "medium"  # nothing was written

    # Then the first edits the title again; the second's title edit conflicts with it, showing it.
    title = second.locator("[data-inline-field=title]")
    title.locator(".inline-value").click()
    title.get_by_role("textbox").fill("Second's title")
    title.get_by_role("textbox").press("Enter")
    expect(title.get_by_role("alert")).to_contain_text("New title")
    item.refresh_from_db()
    assert item.title == "New title"
    title.get_by_role("button", name="Overwrite").click()
    expect(title.locator(".inline-value")).to_contain_text("Second's title")
    item.refresh_from_db()
    assert item.title == "Second's title"
