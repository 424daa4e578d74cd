"""Loop 1 of PRODUCT.md in the browser, end to end: a customer sends feedback through the public
form without an account → the product manager triages it and links it to a new requirement →
scores and approves the requirement → plans it into a release → links the work item, which is then
done → ships the release → the worker sends the customer's email, which reaches the test's SMTP
server."""

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.queries import membership_for
from notify import delivery
from product.models import Feedback, FeedbackStatus, Requirement, RequirementStatus
from product.services import products, releases
from projects import services as projects
from projects.services import items
from tests.e2e.conftest import Cast, log_in

pytestmark = pytest.mark.browser


def submit(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def test_feedback_from_the_public_form_comes_back_as_an_email_when_its_release_ships(
    new_page: Any, cast: Cast, smtp_server: Any, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_server.host, smtp_server.port
    owner = membership_for(cast.owner, cast.workspace.slug)
    product = products.create_product(owner, name="Cadence App", form_enabled=True)
    project = projects.create_project(owner, name="Website", key="WEB")
    work = items.create_item(owner, project, title="Build the Excel export")
    release = releases.create_release(
        owner, product, name="v1.0", theme="Reports", target_date=timezone.localdate() + datetime.timedelta(days=30)
    )
    slug = cast.workspace.slug

    # A customer, without an account, writes through the product's public form.
    customer = new_page()
    customer.goto(f"/feedback/{product.form_token}/")
    customer.get_by_label("Your feedback").fill("Please let us export the monthly report to Excel.")
    customer.get_by_label("Your name").fill("Li Lei")
    customer.get_by_label("Email").fill("li.lei@example.test")
    submit(customer, "Send")
    expect(customer.locator("main")).to_contain_text("Thank you")
    given = Feedback.objects.get(product=product)
    assert (given.channel, given.status, given.customer.email) == ("public_form", "new", "li.lei@example.test")

    # The product manager finds it in the triage inbox and triages it.
    pm = new_page()
    log_in(pm, cast.owner)
    pm.goto(f"/w/{slug}/feedback/")
    inbox = pm.locator("main")
    expect(inbox).to_contain_text("Please let us export the monthly report to Excel.")
    with pm.expect_navigation():
        inbox.get_by_role("link", name=f"#{given.pk}", exact=True).click()
    submit(pm, "Move to Triaged")

    # A requirement for it, linked from the feedback.
    pm.goto(f"/w/{slug}/requirements/new/")
    pm.get_by_label("Title").fill("Export reports to Excel")
    pm.get_by_label("Product").select_option(label="Cadence App")
    submit(pm, "Create requirement")
    requirement = Requirement.objects.get(product=product)
    expect(pm.locator("h1")).to_contain_text("REQ-1")
    pm.goto(f"/w/{slug}/feedback/{given.pk}/")
    pm.locator("#link").get_by_label("Requirement").fill("REQ-1")
    submit(pm, "Link")
    expect(pm.locator("main")).to_contain_text("Export reports to Excel")
    given.refresh_from_db()
    assert given.status == FeedbackStatus.LINKED

    # Scored (RICE: 500 people × impact 2 × 80 % ÷ 2 person-months = 400) and approved.
    pm.goto(f"/w/{slug}/requirements/{requirement.number}/edit/")
    pm.get_by_label("Reach (people a quarter)").fill("500")
    pm.get_by_label("Impact").select_option("2")
    pm.get_by_label("Confidence (%)").fill("80")
    pm.get_by_label("Effort (person-months)").fill("2")
    submit(pm, "Save")
    expect(pm.locator("main")).to_contain_text("400.00")
    expect(pm.locator("main")).to_contain_text("Linked feedback")
    submit(pm, "Move to In review")
    pm.locator("#transition").get_by_label("Reason").fill("Three customers asked for it this month.")
    submit(pm, "Move to Approved")
    requirement.refresh_from_db()
    assert (requirement.status, requirement.score, requirement.customer_count) == ("approved", 400.0, 1)

    # Planned into the release, and implemented by the work item.
    pm.goto(f"/w/{slug}/releases/{release.pk}/")
    pm.get_by_label("Requirement key").fill("REQ-1")
    submit(pm, "Add to release")
    pm.goto(f"/w/{slug}/requirements/{requirement.number}/")
    pm.locator("#tab-work-tab").click()  # the page's "Work and feedback" tab
    pm.get_by_label("Work item key").fill(work.key)
    submit(pm, "Link")
    requirement.refresh_from_db()
    assert requirement.status == RequirementStatus.PLANNED
    pm.goto(f"/w/{slug}/items/{work.key}/")
    submit(pm, "Move to Done")
    requirement.refresh_from_db()
    assert requirement.status == RequirementStatus.IN_PROGRESS

    # The release ships: the requirement is released and the feedback answered.
    pm.goto(f"/w/{slug}/releases/{release.pk}/")
    pm.once("dialog", lambda dialog: dialog.accept())
    submit(pm, "Ship this release")
    pm.goto(f"/w/{slug}/requirements/{requirement.number}/")
    expect(pm.locator("main")).to_contain_text("Released")
    expect(pm.locator("main")).to_contain_text("Shipped in v1.0")
    given.refresh_from_db()
    assert given.status == FeedbackStatus.ANSWERED

    # The worker sends the customer's email.
    delivery.deliver_due()
    [message] = [m for m in smtp_server.messages if m["To"] == "li.lei@example.test"]
    body = "".join(
        part.get_payload(decode=True).decode() for part in message.walk() if part.get_content_type() == "text/plain"
    )
    assert "Export reports to Excel" in body and "v1.0" in body
