"""Forgot your password? In Chromium: ask for a link, read it from a real SMTP server, set a new
password, sign in with it. Every page of the way passes axe."""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Cast
from tests.e2e.test_accessibility import severe_violations

pytestmark = pytest.mark.browser

NEW_PASSWORD = "A-brand-new-passphrase-9"


def test_a_forgotten_password_is_reset_through_the_mailed_link(
    page: Page, cast: Cast, live_server: Any, smtp_server: Any, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_server.host, smtp_server.port
    settings.SITE_URL = live_server.url
    user = cast.owner  # English
    problems: list[str] = []

    page.goto("/login/")
    with page.expect_navigation():
        page.click("a[href='/password-reset/']")
    problems += severe_violations(page)
    page.fill("input[name=email]", user.email.upper())
    with page.expect_navigation():
        page.click("main button[type=submit]")
    expect(page).to_have_url(re.compile(r"/password-reset/sent/$"))
    expect(page.locator("main")).to_contain_text("If an account uses this address")
    problems += severe_violations(page)

    message = smtp_server.wait_for(1)[0]
    assert message["To"] == user.email
    link = re.search(r"https?://\S+/password-reset/[A-Za-z0-9_\-]+/", message.get_payload(decode=True).decode())
    assert link, message
    token = link.group(0).rstrip("/").rsplit("/", 1)[1]
    requests: list[Any] = []
    page.on("request", lambda request: requests.append(request))
    response = page.goto(link.group(0))
    assert response is not None and response.status == 200
    assert response.headers["referrer-policy"] == "strict-origin"
    problems += severe_violations(page)
    page.fill("input[name=new_password]", NEW_PASSWORD)
    page.fill("input[name=new_password_again]", NEW_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.locator(".messages")).to_contain_text("Sign in with the new password")
    # Its style sheet, script and form went out with no token in a Referer.
    sent_from_the_page = [r for r in requests if r.url != link.group(0) or r.method == "POST"]
    assert sent_from_the_page
    assert not [r.url for r in sent_from_the_page if token in (r.all_headers().get("referer") or "")]

    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", NEW_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    expect(page).to_have_url(re.compile(rf"/w/{cast.workspace.slug}/$"))

    # The link was used up: opening it again explains why and offers a new one.
    response = page.goto(link.group(0))
    assert response is not None and response.status == 404
    expect(page.locator("main a[href='/password-reset/']")).to_be_visible()
    problems += severe_violations(page)
    assert not problems, "\n".join(problems)
