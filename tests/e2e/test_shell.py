"""The shell speaks the user's language, and the user menu switches it for good."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Cast, log_in

pytestmark = pytest.mark.browser


def test_the_language_follows_the_profile_and_the_switch(page: Page, cast: Cast) -> None:
    log_in(page, cast.member)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("navigation", name="工作空间").get_by_role("link", name="部门")).to_be_visible()

    page.locator("summary", has_text=str(cast.member)).click()
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()

    nav = page.get_by_role("navigation", name="Workspace")
    expect(nav.get_by_role("link", name="Departments")).to_be_visible()
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(nav.get_by_role("link", name="Departments")).to_be_visible()
    expect(nav.get_by_role("link", name="部门")).to_have_count(0)
