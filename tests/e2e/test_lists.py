"""Lists in the browser: a filter chip applies at once (the list region is swapped, no page load,
the URL keeps the filter, and a chip's clear button takes it off); the column chooser is remembered
after a reload; the feedback inbox opens on new feedback, and triage moves on to the next row."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.queries import membership_for
from product.models import Feedback
from product.services import feedback, products
from projects import services
from projects.models import ItemType
from projects.services import items
from tests.e2e.conftest import Cast, log_in

pytestmark = pytest.mark.browser


def test_chips_apply_at_once_and_columns_are_remembered(page: Page, cast: Cast) -> None:
    owner = membership_for(cast.owner, cast.workspace.slug)
    project = services.create_project(owner, name="Website", key="WEB")
    items.create_item(owner, project, title="Broken login", type=ItemType.BUG)
    items.create_item(owner, project, title="Write the guide")
    log_in(page, cast.owner)
    page.goto(f"/w/{cast.workspace.slug}/projects/WEB/items/")
    expect(page.locator("[data-chips-apply]")).to_be_hidden()  # live chips need no Apply
    page.evaluate("window.__stayed = true")  # gone if the page were loaded again
    rows = page.locator("#items-table tbody tr")
    chips = page.get_by_role("search", name="Filter items")
    expect(rows).to_have_count(2)
    with page.expect_response(lambda r: "type=bug" in r.url):
        chips.get_by_label("Type", exact=True).select_option("bug")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Broken login")
    assert page.url.endswith("/items/?type=bug")
    assert page.evaluate("window.__stayed") is True
    # The search chip applies after a pause; a reload of the URL shows the same list.
    chips.get_by_label("Search", exact=True).fill("login")
    expect(page).to_have_url(re.compile(r"/items/\?q=login&type=bug$"))
    page.reload()
    expect(rows).to_have_count(1)
    expect(chips.get_by_label("Type", exact=True)).to_have_value("bug")
    # A chip's clear button takes only its filter off, still without a page load.
    page.evaluate("window.__stayed = true")
    page.get_by_role("link", name="Clear Type").click()
    expect(page).to_have_url(re.compile(r"/items/\?q=login$"))
    assert page.evaluate("window.__stayed") is True

    # The column chooser: hide Owner, and it stays hidden after a reload.
    page.goto(f"/w/{cast.workspace.slug}/projects/WEB/items/")
    owner_header = page.locator('#items-table th[data-col="owner"]')
    expect(owner_header).to_be_visible()
    page.locator(".column-chooser summary").click()
    page.locator(".column-chooser").get_by_label("Owner").uncheck()
    expect(owner_header).to_be_hidden()
    page.reload()
    expect(page.locator('#items-table th[data-col="owner"]')).to_be_hidden()
    expect(page.locator('#items-table th[data-col="type"]')).to_be_visible()


def test_inbox_opens_on_new_and_triage_moves_on(page: Page, cast: Cast) -> None:
    owner = membership_for(cast.owner, cast.workspace.slug)
    product = products.create_product(owner, name="Cadence App")
    made = [
        feedback.create_feedback(owner, product_id=product.pk, content=text, channel="survey")
        for text in ("First note", "Second note", "Third note")
    ]
    done = feedback.create_feedback(owner, product_id=product.pk, content="Old answered note", channel="survey")
    Feedback.objects.filter(pk=done.pk).update(status="closed")
    log_in(page, cast.owner)
    page.goto(f"/w/{cast.workspace.slug}/feedback/")
    rows = page.locator("table[data-rows] tbody tr")
    expect(rows).to_have_count(3)  # new feedback only
    expect(page.get_by_label("Status", exact=True).first).to_have_value("new")
    # Triage by keyboard: j to the first row (the newest), s to the status, set "Triaged".
    page.locator("body").press("j")
    expect(page.locator("tr.row-focus")).to_contain_text("Third note")
    page.keyboard.press("s")
    page.keyboard.press("Escape")  # back to the row: the action acts on it when nothing is checked
    page.keyboard.press("s")
    page.locator("[data-bulk-status]").select_option("triaged")
    with page.expect_navigation():
        page.locator('[data-triage-bar] button[value="set_status"]').click()
    # The triaged one left the inbox; the next one has the focus, ready for the next action.
    expect(rows).to_have_count(2)
    focused = page.locator(f"#feedback-{made[1].pk}")
    expect(focused).to_be_focused()
    page.keyboard.press("x")
    expect(focused.locator("input[type=checkbox]")).to_be_checked()
    assert Feedback.objects.get(pk=made[2].pk).status == "triaged"
    # The status chip shows every status.
    with page.expect_response(lambda r: "status=any" in r.url):
        page.get_by_label("Status", exact=True).first.select_option("any")
    expect(rows).to_have_count(4)
