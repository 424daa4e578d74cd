"""People in the browser: an admin invites and changes a member inline; a member cannot invite."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Cast, log_in

pytestmark = pytest.mark.browser


def test_an_admin_invites_and_changes_a_member_inline(page: Page, cast: Cast) -> None:
    log_in(page, cast.admin)
    page.goto(f"/w/{cast.workspace.slug}/people/")
    invite = page.locator("form:has(input[name=email])")
    invite.locator("input[name=email]").fill("newbie@example.test")
    invite.locator("select[name=role]").select_option("member")
    invite.locator("button[type=submit]").click()
    expect(page.locator("#invitations")).to_contain_text("newbie@example.test")

    row = page.locator(f"#member-{cast.carol.pk}")
    row.locator("select[name=department_id]").select_option(label="Sales")
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        row.locator("form button[type=submit]").first.click()
    assert response.value.status == 200
    expect(page.locator(f"#member-{cast.carol.pk} .saved")).to_be_visible()
    page.reload()
    expect(page.locator(f"#member-{cast.carol.pk} select[name=department_id] option:checked")).to_have_text("Sales")


def test_a_member_sees_no_invite_form(page: Page, cast: Cast) -> None:
    log_in(page, cast.member)
    page.goto(f"/w/{cast.workspace.slug}/people/")
    expect(page.locator(f"#member-{cast.carol.pk}")).to_be_visible()
    expect(page.locator("input[name=email]")).to_have_count(0)
    expect(page.locator("#invitations")).to_have_count(0)
    expect(page.locator("select")).to_have_count(0)
