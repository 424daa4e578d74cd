"""Projects in the browser: create one from the Scrum template, see its workflow, add a milestone,
override its health with a reason; and axe on every project page."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Cast, log_in
from tests.e2e.test_accessibility import severe_violations

pytestmark = pytest.mark.browser


def test_create_from_scrum_add_milestone_and_override_health(page: Page, cast: Cast) -> None:
    slug = cast.workspace.slug
    log_in(page, cast.owner)
    page.goto(f"/w/{slug}/projects/")
    page.get_by_role("link", name="New project").click()
    expect(page.locator("h1")).to_have_text("New project")
    problems = severe_violations(page)

    page.fill("#id_name", "Launch")
    page.fill("#id_key", "LAUNCH")
    page.get_by_label("Scrum").check()
    page.fill("#id_start_date", "2030-01-06")
    page.fill("#id_target_date", "2030-06-30")
    page.fill("#id_goals", "Double the sign-ups.")
    page.fill("#id_success_criteria", "Conversion above 5%")
    page.get_by_role("button", name="Create project").click()
    expect(page.locator("h1")).to_have_text("Launch")
    expect(page.locator(".messages")).to_contain_text("The project was created.")
    expect(page.locator("#charter-heading + dl, section:has(#charter-heading)")).to_contain_text("Double the sign-ups.")
    project_url = page.url
    problems += severe_violations(page)

    # The Scrum template's workflows and their states.
    page.get_by_role("navigation", name="Project").get_by_role("link", name="Workflows").click()
    expect(page.get_by_role("heading", name="Workflow: Scrum")).to_be_visible()
    expect(page.get_by_role("heading", name="Workflow: Bug")).to_be_visible()
    scrum = page.locator("section", has=page.get_by_role("heading", name="Workflow: Scrum"))
    for state in ("To do", "In progress", "In review", "Done"):
        expect(scrum.locator("tbody tr td:first-child", has_text=state).first).to_be_visible()
    problems += severe_violations(page)

    # A milestone.
    page.goto(project_url)
    page.fill("#id_milestone-name", "Beta")
    page.fill("#id_milestone-due_date", "2030-03-01")
    page.get_by_role("button", name="Add milestone").click()
    expect(page.locator(".messages")).to_contain_text("The milestone was added.")
    row = page.locator("#milestones tbody tr", has_text="Beta")
    expect(row).to_be_visible()
    expect(row.get_by_label("Due date of Beta")).to_have_value("2030-03-01")

    # Health: an override needs a reason.
    health = page.locator("#health")
    expect(health.locator(".badge").first).to_have_text("On track")
    page.select_option("#id_health-health", label="At risk")
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        page.get_by_role("button", name="Override").click()
    assert response.value.status == 422
    expect(page.locator("#health .errorlist")).to_contain_text("This field is required.")
    page.select_option("#id_health-health", label="At risk")
    page.fill("#id_health-reason", "The vendor is late.")
    page.get_by_role("button", name="Override").click()
    expect(page.locator(".messages")).to_contain_text("The health was overridden.")
    expect(health.locator(".badge").first).to_contain_text("At risk")
    expect(health.locator(".badge").first).to_contain_text("set by hand")
    expect(health).to_contain_text("The vendor is late.")
    problems += severe_violations(page)
    page.screenshot(path="/tmp/cadence-project.png", full_page=True)

    for path in ("settings", "members", "allocation", "fields", "workflows"):
        page.goto(f"{project_url}{path}/")
        problems += severe_violations(page)
        page.screenshot(path=f"/tmp/cadence-project-{path}.png", full_page=True)
    page.goto(f"/w/{slug}/projects/")
    expect(page.locator("tr", has_text="Launch")).to_contain_text("At risk")
    problems += severe_violations(page)
    assert not problems, "\n".join(problems)
