"""The feedback pages in Chromium: triage with the keyboard alone (j/k, x, the action bar), the
public form without an account, and axe on every feedback page in both languages."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Page, expect

from accounts import services as accounts
from accounts.queries import membership_for
from product.models import Feedback
from product.services import feedback, imports, products, requirements
from tests.e2e.conftest import Cast, log_in
from tests.e2e.test_accessibility import severe_violations

pytestmark = pytest.mark.browser


def setting(people: Cast) -> dict[str, Any]:
    owner = membership_for(people.owner, people.workspace.slug)
    product = products.create_product(owner, name="Cadence App", form_enabled=True)
    requirement = requirements.create_requirement(owner, product, title="Export to Excel")
    items = [
        feedback.create_feedback(
            owner,
            product_id=product.pk,
            content=f"Feedback {i}\n<script>alert({i})</script>",
            channel="survey",
            customer_name=f"Customer {i}",
            customer_segment="enterprise",
        )
        for i in range(3)
    ]
    feedback.link_requirement(owner, items[0], requirement)
    found = imports.upload_import(
        owner,
        product,
        file=SimpleUploadedFile("f.csv", "内容,渠道\n导出,工单\n,survey\n".encode("gbk")),
    )
    return {"product": product, "requirement": requirement, "items": items, "import": found}


def test_triage_with_the_keyboard_alone(new_page: Callable[..., Page], cast: Cast) -> None:
    data = setting(cast)
    page = new_page("en")
    log_in(page, cast.owner)
    page.goto(f"/w/{cast.workspace.slug}/feedback/?status=any")  # the inbox opens on new feedback
    rows = page.locator("[data-rows] [data-row]")
    expect(rows).to_have_count(3)
    # Newest first: j focuses the first row, x checks it, j moves on, x checks the second.
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")
    expect(page.locator("[data-triage-count]")).to_have_text("Checked: 2")
    page.keyboard.press("s")
    expect(page.locator("#bulk-status")).to_be_focused()
    page.select_option("#bulk-status", "triaged")  # the select has the focus; choosing is the keyboard's too
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("The status of 2 items was set.")
    newest = sorted(data["items"], key=lambda f: -f.pk)
    statuses = {f.pk: f.status for f in Feedback.objects.all()}
    assert [statuses[f.pk] for f in newest] == ["triaged", "triaged", "linked"]
    # Triage moved on: the third (oldest) row has the focus. Link it from the bar: l jumps to the
    # requirement field.
    expect(rows.nth(2)).to_be_focused()
    page.keyboard.press("x")
    page.keyboard.press("l")
    expect(page.locator("#bulk-requirement")).to_be_focused()
    page.keyboard.type("REQ-1")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("1 item was linked.")
    # Enter on a focused row opens it; the script tags were text all along.
    page.keyboard.press("j")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("Feedback #")
    expect(page.locator("main .prose")).to_contain_text("<script>alert(")


def test_the_public_form_without_an_account(new_page: Callable[..., Page], cast: Cast) -> None:
    data = setting(cast)
    page = new_page("en")
    page.goto(f"/feedback/{data['product'].form_token}/")
    expect(page.locator("h1")).to_contain_text("Cadence App")
    page.fill("#id_content", "Please add a dark mode.")
    page.fill("#id_email", "fan@example.test")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Thank you for your feedback")
    created = Feedback.objects.get(channel="public_form")
    assert created.content == "Please add a dark mode." and created.customer is not None


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_feedback_pages_have_no_serious_violations(
    new_page: Callable[..., Page],
    cast: Cast,
    language: str,
) -> None:
    data = setting(cast)
    user: Any = cast.owner
    accounts.update_profile(user, version=user.version, language=language)
    slug = cast.workspace.slug
    page = new_page(language)
    page.goto(f"/feedback/{data['product'].form_token}/")
    problems = severe_violations(page)
    page.click("main button[type=submit]")  # empty: the errors are shown
    problems += severe_violations(page)
    page.goto(f"/feedback/{data['product'].form_token}/thanks/")
    problems += severe_violations(page)
    log_in(page, user)
    for path in [
        f"/w/{slug}/feedback/",
        f"/w/{slug}/feedback/?status=linked",
        f"/w/{slug}/feedback/{data['items'][0].pk}/",
        f"/w/{slug}/feedback/new/",
        f"/w/{slug}/feedback/import/",
        f"/w/{slug}/feedback/imports/{data['import'].pk}/",
    ]:
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == language
        problems += severe_violations(page)
    assert not problems, "\n".join(problems)
