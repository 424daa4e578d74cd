import pytest
from playwright.sync_api import Page, expect
from accounts import services as accounts
from accounts.queries import membership_for
from conftest import PASSWORD
from core.permissions import Role
from projects import services
from projects.services import items
from tests.e2e.conftest import Cast, log_in

pytestmark = pytest.mark.browser

def test_shots(page: Page, cast: Cast) -> None:
    owner = membership_for(cast.owner, cast.workspace.slug)
    lin = accounts.create_user(email="lin@example.test", username="lin", password=PASSWORD, display_name="林悦", check_password=False)
    accounts.add_member(owner, user=lin, role=Role.MEMBER)
    project = services.create_project(owner, name="Website", key="WEB")
    import datetime
    services.create_milestone(owner, project, name="Beta", due_date=datetime.date(2030, 1, 1))
    services.create_milestone(owner, project, name="GA", due_date=datetime.date(2030, 2, 1))
    item = items.create_item(owner, project, title="Checkout flow", collaborator_ids=[cast.member.pk])
    items.create_item(owner, project, title="重做登录页面")
    page.set_viewport_size({"width": 1200, "height": 1100})
    log_in(page, cast.owner)
    page.goto(f"/w/{cast.workspace.slug}/items/{item.key}/")
    box = page.get_by_role("combobox", name="Owner", exact=True)
    box.fill("l")
    expect(page.locator(".picker-option").first).to_be_visible()
    page.locator("#edit-item").screenshot(path="/tmp/picker_owner.png")
    box.press("Escape")
    m = page.get_by_role("combobox", name="Milestone", exact=True)
    m.click()
    expect(page.locator(".picker-option").first).to_be_visible()
    page.locator("#edit-item").screenshot(path="/tmp/picker_milestone.png")
    m.press("Escape")
    p = page.get_by_role("combobox", name="Parent item", exact=True)
    p.fill("登录")
    expect(page.locator(".picker-option").first).to_be_visible()
    page.locator("#edit-item").screenshot(path="/tmp/picker_parent.png")
    page.goto(f"/w/{cast.workspace.slug}/items/{item.key}/")
    t = page.locator("#links input[name=target]")
    t.fill("web")
    expect(page.locator(".picker-option").first).to_be_visible()
    page.locator("#links").screenshot(path="/tmp/picker_links.png")
