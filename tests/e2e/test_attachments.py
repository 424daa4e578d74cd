"""Attachments in the browser: upload a file on a department page, download it, and see that an
HTML file is only ever a download; the uploader moves it to the trash."""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Dialog, FilePayload, Page, expect

from tests.e2e.conftest import Cast, log_in

pytestmark = pytest.mark.browser


def attach(page: Page, name: str, content: bytes, mime_type: str = "text/plain") -> None:
    """Choose a file in the panel's upload form and submit it (a plain form post)."""
    file: FilePayload = {"name": name, "mimeType": mime_type, "buffer": content}
    page.set_input_files("#attachments input[name=file]", files=[file])
    with page.expect_navigation():
        page.locator("#attachments").get_by_role("button", name="Upload").click()


def test_upload_download_and_delete_on_a_department(page: Page, cast: Cast, tmp_path: Path) -> None:
    dialogs: list[str] = []

    def accept(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    log_in(page, cast.owner)
    page.goto(f"/w/{cast.workspace.slug}/departments/{cast.department.pk}/")
    panel = page.locator("#attachments")
    expect(panel).to_contain_text("No attachments yet.")

    content = "Roadmap 路线图\n".encode()
    attach(page, "roadmap 路线图.txt", content)
    expect(page.locator(".messages")).to_contain_text("was attached")
    link = page.locator("#attachments").get_by_role("link", name="roadmap 路线图.txt")
    expect(link).to_be_visible()
    expect(page.locator("#attachments")).to_contain_text("Alice")

    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "roadmap 路线图.txt"
    saved = tmp_path / "downloaded.txt"
    download.save_as(saved)
    assert saved.read_bytes() == content

    # An HTML file with a script is stored and served as bytes: a download, never a page.
    attach(page, "evil.html", b"<script>alert('xss')</script>", "text/html")
    evil = page.locator("#attachments").get_by_role("link", name="evil.html")
    with page.expect_download() as evil_download:
        evil.click()
    assert evil_download.value.suggested_filename == "evil.html"
    response = page.request.get(evil.get_attribute("href") or "")
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-security-policy"] == "sandbox"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["x-content-type-options"] == "nosniff"

    page.locator("#attachments li", has_text="evil.html").get_by_role("button", name="Delete").click()
    expect(page.locator("#attachments").get_by_role("link", name="evil.html")).to_have_count(0)
    assert dialogs == ["Move this attachment to the trash?"]
    page.reload()
    expect(page.locator("#attachments").get_by_role("link", name="roadmap 路线图.txt")).to_be_visible()
    expect(page.locator("#attachments").get_by_role("link", name="evil.html")).to_have_count(0)


def test_a_member_downloads_but_cannot_upload(new_page: Any, cast: Cast) -> None:
    owner = new_page()
    log_in(owner, cast.owner)
    owner.goto(f"/w/{cast.workspace.slug}/departments/{cast.department.pk}/")
    attach(owner, "plan.txt", b"plan")

    member = new_page()
    log_in(member, cast.member)
    member.goto(f"/w/{cast.workspace.slug}/departments/{cast.department.pk}/")
    expect(member.locator("#attachments input[name=file]")).to_have_count(0)
    expect(member.locator("#attachments").get_by_role("button")).to_have_count(0)
    with member.expect_download() as download_info:
        member.locator("#attachments").get_by_role("link", name="plan.txt").click()
    assert download_info.value.suggested_filename == "plan.txt"
