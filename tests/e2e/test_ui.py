"""The layout and the design system in the browser: the theme is remembered, a phone's screen never
scrolls sideways and still reaches every menu, and the sidebar marks the section of every page."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.queries import membership_for
from projects import services
from projects.services import items
from tests.e2e.conftest import Cast, log_in

pytestmark = pytest.mark.browser


def _item(cast: Cast) -> str:
    owner = membership_for(cast.owner, cast.workspace.slug)
    project = services.create_project(owner, name="Website with a rather long name for a phone", key="WEB")
    for n in range(3):
        item = items.create_item(owner, project, title=f"Responsibilities of the 负责人 column, number {n}")
    return item.key


def test_dark_mode_persists_across_reloads_and_pages(new_page: Callable[..., Page], cast: Cast) -> None:
    page = new_page("en")
    log_in(page, cast.owner)
    html = page.locator("html")
    expect(html).to_have_attribute("data-theme", "system")

    page.locator("summary", has_text=str(cast.owner)).click()
    with page.expect_response("**/theme/") as saved:  # applied at once, saved by a fetch
        page.get_by_role("group", name="Theme").get_by_role("button", name="Dark").click()
    expect(html).to_have_attribute("data-theme", "dark")
    assert saved.value.status == 204
    assert User.objects.get(pk=cast.owner.pk).theme == "dark"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(13, 17, 23)"

    page.reload()
    expect(html).to_have_attribute("data-theme", "dark")
    page.goto(f"/w/{cast.workspace.slug}/people/")
    expect(html).to_have_attribute("data-theme", "dark")

    # Another script (the command palette) switches it by an event.
    with page.expect_response("**/theme/"):
        page.evaluate("document.dispatchEvent(new CustomEvent('cadence:set-theme', {detail: {theme: 'light'}}))")
    expect(html).to_have_attribute("data-theme", "light")
    page.reload()
    expect(html).to_have_attribute("data-theme", "light")


def test_system_theme_follows_the_color_scheme(new_page: Callable[..., Page], cast: Cast) -> None:
    page = new_page("en")
    page.emulate_media(color_scheme="dark")
    log_in(page, cast.owner)
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(13, 17, 23)"
    page.emulate_media(color_scheme="light")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(245, 246, 248)"


def _no_sideways_scroll(page: Page) -> None:
    widths = page.evaluate("[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]")
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]} px wide in {widths[1]} px"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_phone_never_scrolls_sideways_and_reaches_every_menu(
    new_page: Callable[..., Page], cast: Cast, language: str
) -> None:
    key = _item(cast)
    slug = cast.workspace.slug
    user = cast.owner if language == "en" else cast.admin
    page = new_page(language)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, user)
    for path in (f"/w/{slug}/", f"/w/{slug}/projects/WEB/items/", f"/w/{slug}/items/{key}/", f"/w/{slug}/people/"):
        page.goto(path)
        _no_sideways_scroll(page)

    sidebar = page.locator("#sidebar")
    expect(sidebar).to_be_hidden()
    page.locator("[data-nav-toggle]").click()
    expect(sidebar).to_be_visible()
    expect(sidebar.locator("a[aria-current=page]")).to_be_in_viewport()
    page.keyboard.press("Escape")
    expect(sidebar).to_be_hidden()

    page.locator(".account-menu > summary").click()
    sign_out = page.locator("[data-sign-out]")
    expect(sign_out).to_be_visible()
    expect(sign_out).to_be_in_viewport(ratio=1)
    expect(page.get_by_role("group", name="Theme" if language == "en" else "主题")).to_be_in_viewport(ratio=1)
    page.keyboard.press("Escape")
    page.locator(".topbar .menu:not(.account-menu) > summary").click()
    expect(page.locator(".topbar .menu[open] .menu-panel")).to_be_in_viewport(ratio=1)
    expect(page.locator("#notification-bell")).to_be_in_viewport(ratio=1)
    _no_sideways_scroll(page)


def test_the_sidebar_marks_the_section_of_the_page(page: Page, cast: Cast) -> None:
    key = _item(cast)
    slug = cast.workspace.slug
    log_in(page, cast.owner)
    current = page.locator("#sidebar a[aria-current=page]")
    expect(current).to_have_count(1)
    expect(current).to_have_attribute("href", f"/w/{slug}/")  # Home, on the home page only

    page.goto(f"/w/{slug}/items/{key}/")
    expect(current).to_have_count(1)
    expect(current).to_have_attribute("href", f"/w/{slug}/projects/")
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_be_visible()

    # Collapsed to its icons, and remembered on the next page.
    page.locator("[data-sidebar-collapse]").click()
    expect(page.locator("html")).to_have_class("sidebar-collapsed")
    page.goto(f"/w/{slug}/people/")
    expect(page.locator("html")).to_have_class("sidebar-collapsed")
    expect(current).to_have_attribute("href", f"/w/{slug}/people/")
