"""Typeahead pickers in the browser: people found by pinyin initials, items by key and by a Chinese
title word, collaborators as chips, all from the keyboard or the mouse, and the form saves them."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from accounts import services as accounts
from accounts.queries import membership_for
from conftest import PASSWORD
from core.permissions import Role
from projects import services
from projects.models import Dependency, WorkItem
from projects.services import items
from tests.e2e.conftest import Cast, log_in
from tests.e2e.picking import pick
from tests.e2e.test_accessibility import severe_violations

pytestmark = pytest.mark.browser


def test_owner_parent_dependency_and_collaborator_pickers(page: Page, cast: Cast) -> None:
    owner = membership_for(cast.owner, cast.workspace.slug)
    lin = accounts.create_user(
        email="lin@example.test", username="lin", password=PASSWORD, display_name="林悦", check_password=False
    )
    accounts.add_member(owner, user=lin, role=Role.MEMBER)
    project = services.create_project(owner, name="Website", key="WEB")
    item = items.create_item(owner, project, title="Checkout flow")
    epic = items.create_item(owner, project, title="Payments epic")
    login = items.create_item(owner, project, title="重做登录页面")
    beta = services.create_milestone(owner, project, name="Beta", due_date=datetime.date(2030, 1, 1))
    log_in(page, cast.owner)
    page.goto(f"/w/{cast.workspace.slug}/items/{item.key}/#tab-edit")
    edit = page.locator("#edit-item")

    # The owner picker finds 林悦 by the initials of her name's pinyin; the option shows her avatar.
    box = edit.get_by_role("combobox", name="Owner", exact=True)
    expect(box).to_have_value(str(cast.owner))
    box.fill("ly")
    option = edit.get_by_role("option", name="林悦")
    expect(option).to_be_visible()
    expect(option.locator(".picker-avatar")).to_have_text("林悦")
    expect(box).to_have_attribute("aria-expanded", "true")
    assert not severe_violations(page)  # with the listbox open
    box.press("Enter")  # the first result is active
    expect(box).to_have_value("林悦")
    expect(box).to_have_attribute("aria-expanded", "false")

    # The parent picker finds an item by its key; Escape closes the list and keeps the text.
    parent = edit.get_by_role("combobox", name="Parent item", exact=True)
    parent.fill("pay")
    expect(edit.get_by_role("option", name=f"{epic.key} Payments epic")).to_be_visible()
    parent.press("Escape")
    expect(edit.get_by_role("listbox")).to_have_count(0)
    expect(parent).to_have_value("pay")
    pick(edit, "Parent item", epic.key.lower(), epic.key)
    expect(parent).to_have_value(epic.key)
    expect(edit.locator("[data-picker-current]")).to_have_text(f"{epic.key} Payments epic")

    # Collaborators are chips: chosen with the arrow keys, the last one removed with Backspace.
    helpers = edit.get_by_role("combobox", name="Collaborators", exact=True)
    helpers.fill("carol")
    expect(edit.get_by_role("option", name=str(cast.member))).to_be_visible()
    helpers.press("ArrowDown")
    helpers.press("ArrowUp")
    helpers.press("Enter")
    pick(edit, "Collaborators", "bob", str(cast.admin))
    chips = edit.locator(".picker-chip")
    expect(chips).to_have_count(2)
    helpers.press("Backspace")
    expect(chips).to_have_count(1)
    expect(chips).to_contain_text(str(cast.member))
    assert not severe_violations(page)

    # A project's milestones are filtered in the page: a click lists them all.
    edit.get_by_role("combobox", name="Milestone", exact=True).click()
    edit.get_by_role("option", name="Beta").click()

    with page.expect_navigation():
        edit.get_by_role("button", name="Save").click()
    saved = WorkItem.objects.get(pk=item.pk)
    assert (saved.owner_id, saved.parent_id, saved.milestone_id) == (lin.pk, epic.pk, beta.pk)
    assert [u.pk for u in saved.collaborators.all()] == [cast.member.pk]
    expect(page.locator(".facts")).to_contain_text("林悦")

    # The dependency picker finds an item by a word of its Chinese title.
    page.locator("#tab-work-tab").click()
    pick(page.locator("#dependency"), "Item key", "登录", login.key)
    expect(page.locator("#dependency input[name=item]")).to_have_value(login.key)
    with page.expect_navigation():
        page.get_by_role("button", name="Add dependency").click()
    assert Dependency.objects.filter(blocked=item, blocker=login).exists()
