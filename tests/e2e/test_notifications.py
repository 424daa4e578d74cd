"""Notifications in the browser: alice assigns an item to carol and mentions her; carol sees the
unread count in the header, finds both in her inbox, opens one (read, the count goes down); and the
email reaches a real SMTP server. axe runs on every notification page."""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from accounts import services as accounts
from accounts.queries import membership_for
from notify import delivery
from notify.models import Delivery, Notification, WebhookEndpoint
from projects import services as projects
from projects.models import ProjectRole
from projects.services import items
from tests.e2e.conftest import Cast, log_in
from tests.e2e.picking import pick
from tests.e2e.test_accessibility import severe_violations

pytestmark = pytest.mark.browser


def test_assign_and_mention_reach_the_inbox_and_the_mailbox(
    new_page: Any, cast: Cast, smtp_server: Any, settings: Any
) -> None:
    owner = membership_for(cast.owner, cast.workspace.slug)
    project = projects.create_project(owner, name="Website", key="WEB")
    projects.add_project_member(owner, project, user_id=cast.member.pk, role=ProjectRole.MEMBER)
    item = items.create_item(owner, project, title="Checkout flow")
    carol: Any = cast.member
    accounts.update_profile(carol, version=carol.version, language="en")
    slug = cast.workspace.slug

    # alice assigns the item to carol, then mentions her in a comment.
    alice = new_page()
    log_in(alice, cast.owner)
    alice.goto(f"/w/{slug}/items/{item.key}/#tab-edit")
    edit = alice.locator("#edit-item")
    pick(edit, "Owner", "carol", str(carol))
    with alice.expect_navigation():
        edit.get_by_role("button", name="Save").click()
    expect(alice.locator(".facts")).to_contain_text(str(carol))
    alice.locator("#tab-discussion-tab").click()
    alice.locator("#comments textarea[name=body]").fill("@carol please review")
    alice.get_by_role("button", name="Add comment").click()
    expect(alice.locator("#comments .comment")).to_contain_text("please review")
    # alice is told nothing of her own doing.
    expect(alice.locator("#notification-bell")).to_have_attribute("aria-label", "Notifications, none unread")

    # carol, in a browser of her own, sees two unread in the header.
    page: Page = new_page()
    log_in(page, carol)
    page.goto(f"/w/{slug}/")
    bell = page.locator("#notification-bell")
    expect(bell).to_have_attribute("aria-label", "Notifications, 2 unread")
    expect(bell.locator(".bell-count")).to_have_text("2")
    with page.expect_navigation():
        bell.click()
    expect(page.locator("h1")).to_have_text("Notifications")
    entries = page.locator(".notification")
    expect(entries).to_have_count(2)
    expect(entries.nth(0)).to_contain_text(f"Alice mentioned you on {item.key} Checkout flow")
    expect(entries.nth(0)).to_contain_text("please review")
    expect(entries.nth(1)).to_contain_text(f"Alice assigned {item.key} Checkout flow to you")
    expect(page.locator(".notification.unread")).to_have_count(2)
    page.screenshot(path="/tmp/notify-inbox.png", full_page=True)

    # Opening one marks it read and goes to the item; the count goes down.
    with page.expect_navigation():
        entries.nth(1).locator(".notification-title").click()
    expect(page.locator("h1")).to_contain_text("Checkout flow")
    expect(page.locator("#notification-bell")).to_have_attribute("aria-label", "Notifications, 1 unread")
    assigned = Notification.objects.get(recipient=carol, event="work_item.assigned")
    assert assigned.read_at is not None

    # Mark the other read from the inbox, by keyboard (htmx swaps the row and the bell).
    page.goto(f"/w/{slug}/notifications/")
    mark = page.get_by_role("button", name="Mark read")
    expect(mark).to_have_count(1)
    mark.focus()
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        page.keyboard.press("Enter")
    assert response.value.status == 200
    expect(page.locator(".notification.unread")).to_have_count(0)
    expect(page.locator("#notification-bell")).to_have_attribute("aria-label", "Notifications, none unread")
    expect(page.get_by_role("button", name="Mark unread").first).to_be_focused()

    # axe on every notification page: carol's, and the settings of alice (with a webhook, and a
    # delivery to it that failed).
    endpoint = WebhookEndpoint.objects.create(
        workspace=cast.workspace, name="Product chat", kind="feishu", url="https://open.feishu.cn/x", team=cast.team
    )
    Delivery.objects.create(
        workspace=cast.workspace,
        channel="webhook",
        key="hook:e2e",
        endpoint=endpoint,
        payload={"event": "comment.mentioned"},
        status="dead",
        attempts=8,
        last_error="status 503",
    )
    problems = []
    for path in [
        f"/w/{slug}/notifications/",
        f"/w/{slug}/notifications/?unread=on",
        f"/w/{slug}/notifications/preferences/",
    ]:
        page.goto(path)
        problems += severe_violations(page)
        page.screenshot(path=f"/tmp/notify-carol-{path.strip('/').split('/')[-1]}.png", full_page=True)
    for path in [
        f"/w/{slug}/settings/",
        f"/w/{slug}/settings/integrations/",
        f"/w/{slug}/settings/integrations/{endpoint.pk}/",
        f"/w/{slug}/settings/deliveries/",
        f"/w/{slug}/settings/reminders/",
    ]:
        alice.goto(path)
        problems += severe_violations(alice)
        alice.screenshot(path=f"/tmp/notify-{path.strip('/').replace('/', '-')}.png", full_page=True)
    assert not problems, "\n".join(problems)

    # The worker sends the emails to a real SMTP server.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_server.host, smtp_server.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    assert delivery.deliver_due() >= 2
    messages = smtp_server.wait_for(2)
    to_carol = [m for m in messages if m["To"] == carol.email]
    assert len(to_carol) == 2
    assigned_mail = next(m for m in to_carol if "assigned" in m["Subject"])
    assert item.key in assigned_mail["Subject"]
    assert {part.get_content_type() for part in assigned_mail.walk()} >= {"text/plain", "text/html"}
    unsubscribe = " ".join(assigned_mail["List-Unsubscribe"].split())  # unfolded
    assert unsubscribe.startswith("<http") and "/notifications/unsubscribe/" in unsubscribe
    assert assigned_mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
