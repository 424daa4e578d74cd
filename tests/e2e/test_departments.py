"""Departments in the browser: create, edit, a conflict between two editors, trash and restore,
and the discussion panel (Markdown, mentions, inert payloads)."""

import pytest
from playwright.sync_api import Dialog, Page, expect

from tests.e2e.conftest import Cast, log_in
from tests.e2e.picking import pick

pytestmark = pytest.mark.browser


def save(page: Page) -> int:
    """Submit the edit form; the status of the answer to the POST."""
    with page.expect_navigation(), page.expect_response(lambda r: r.request.method == "POST") as response:
        page.locator("form:has(#id_version)").get_by_role("button", name="Save").click()
    return response.value.status


def test_edit_conflict_trash_and_restore(page: Page, cast: Cast) -> None:
    log_in(page, cast.owner)
    page.goto(f"/w/{cast.workspace.slug}/departments/")
    page.fill("#id_name", "Research")
    pick(page, "Parent department", "Prod", "Product")
    page.get_by_role("button", name="Create department").click()
    expect(page.locator("h1")).to_have_text("Research")
    url = page.url

    page.fill("#id_name", "Research and development")
    assert save(page) == 302
    expect(page.locator("h1")).to_have_text("Research and development")

    # Two editors read the same version; the second to save is told, and shown the current state.
    other = page.context.new_page()
    other.goto(url)
    page.fill("#id_name", "R&D")
    page.fill("#id_description", "Ideas first.")
    assert save(page) == 302
    expect(page.locator("h1")).to_have_text("R&D")

    other.fill("#id_name", "Research lab")
    assert save(other) == 409
    notice = other.locator("#conflict")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("R&D")
    expect(notice).to_contain_text("Ideas first.")
    expect(notice).to_contain_text("version (3)")
    expect(other.locator("#id_name")).to_have_value("Research lab")
    # Saving again applies the change over the current version.
    assert save(other) == 302
    expect(other.locator("h1")).to_have_text("Research lab")
    other.close()

    page.goto(url)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Move to trash").click()
    expect(page.locator(".messages")).to_contain_text("moved to the trash")
    expect(page.get_by_role("link", name="Research lab")).to_have_count(0)

    page.goto(f"/w/{cast.workspace.slug}/trash/")
    row = page.locator("tr", has_text="Research lab")
    expect(row).to_contain_text("Department")
    row.get_by_role("button", name="Restore").click()
    expect(page.locator(".messages")).to_contain_text("restored")
    expect(page.locator("tr", has_text="Research lab")).to_have_count(0)
    page.goto(f"/w/{cast.workspace.slug}/departments/")
    expect(page.get_by_role("link", name="Research lab")).to_be_visible()


PAYLOAD = """**Bold move**, thanks @carol!

<script>window.parent.alert("script")</script>
<img src=x onerror="alert('img')">
[click me](javascript:alert('link')) and [also](JaVaScRiPt:alert('link2'))
"""


def test_comments_render_markdown_and_mentions_and_keep_payloads_inert(page: Page, cast: Cast) -> None:
    dialogs: list[str] = []

    def record(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    log_in(page, cast.owner)
    page.goto(f"/w/{cast.workspace.slug}/departments/{cast.department.pk}/")
    page.fill("#id_body", PAYLOAD)
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        page.get_by_role("button", name="Add comment").click()
    assert response.value.status == 200

    comment = page.locator(".comment").last
    expect(comment.locator(".comment-body strong")).to_have_text("Bold move")
    mention = comment.locator(".comment-body a.mention")  # a link to Carol's page in the workspace
    expect(mention).to_have_text("@carol")
    expect(mention).to_have_attribute("href", f"/w/{cast.workspace.slug}/people/{cast.carol.pk}/")
    expect(page.locator("#id_body")).to_have_value("")  # a fresh form after htmx swapped the list

    page.reload()
    comment = page.locator(".comment").last
    expect(comment.locator(".comment-body")).to_contain_text("@carol")
    assert comment.locator(".comment-body script, .comment-body img[onerror]").count() == 0
    assert page.locator("a[href^='javascript:' i]").count() == 0
    page.wait_for_timeout(300)
    assert dialogs == []
