"""Sprints in the browser: plan over capacity and see the warning, watch the burndown move when an
item is done, close the sprint carrying the unfinished work over."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.queries import membership_for
from projects import services as projects
from projects.models import Category, ProjectRole, WorkItem
from projects.services import items
from sprints import services as sprints
from sprints.models import Sprint, SprintStatus
from tests.e2e.conftest import Cast, log_in

pytestmark = pytest.mark.browser


def test_plan_over_capacity_watch_the_burndown_and_close_with_carry_over(page: Page, cast: Cast) -> None:
    owner = membership_for(cast.owner, cast.workspace.slug)
    project = projects.create_project(owner, name="Mobile", key="MOB")
    projects.add_project_member(owner, project, user_id=cast.member.pk, role=ProjectRole.MEMBER)
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(cast.owner.time_zone))  # the day the pages show
    sprint = sprints.create_sprint(
        owner,
        project,
        name="Sprint 1",
        start_date=today - datetime.timedelta(days=3),
        end_date=today + datetime.timedelta(days=10),
    )
    sprints.start_sprint(owner, sprint)
    next_sprint = sprints.create_sprint(
        owner,
        project,
        name="Sprint 2",
        start_date=today + datetime.timedelta(days=11),
        end_date=today + datetime.timedelta(days=24),
    )
    login = items.create_item(owner, project, title="Login screen", sprint_id=sprint.pk, points=5, estimate_hours=4)
    items.create_item(owner, project, title="Offline sync", sprint_id=sprint.pk, points=3, estimate_hours=4)

    log_in(page, cast.owner)
    page.goto(f"/w/{cast.workspace.slug}/sprints/{sprint.pk}/")
    expect(page.locator("h1")).to_have_text("Sprint 1")
    expect(page.locator("#planning-warnings")).to_have_count(0)

    # Alice owns 8 hours of work; one day at half focus is 4 hours: a warning, and the plan is kept.
    row = page.locator(f"#plan-{cast.owner.pk}")
    row.locator("input[name=days]").fill("1")
    row.locator("input[name=focus]").fill("0.5")
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        row.get_by_role("button", name="Save").click()
    assert response.value.status == 200
    warning = page.get_by_role("alert").filter(has_text="over a capacity")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("8.0 hours, over a capacity of 4.0 hours")
    expect(page.locator(f"#plan-{cast.owner.pk}")).to_contain_text("Over capacity")

    # The burndown: nothing done yet, 8 points remain today.
    remaining = page.locator("#burndown .chart-remaining polyline")
    before = remaining.get_attribute("points")
    page.locator("#tab-progress-tab").click()  # the page's "Charts and review" tab, kept by the reload below
    page.get_by_text("The numbers, day by day").click()
    today_row = page.locator("#chart-table tr", has=page.locator(f"th:text-is('{today.isoformat()}')"))
    expect(today_row.locator("td").first).to_have_text("8.0")

    WorkItem.objects.filter(pk=login.pk).update(category=Category.DONE, done_at=timezone.now())
    page.reload()
    assert page.locator("#burndown .chart-remaining polyline").get_attribute("points") != before
    page.get_by_text("The numbers, day by day").click()
    expect(today_row.locator("td").first).to_have_text("3.0")
    expect(page.locator("#done-items")).to_contain_text("Login screen")
    expect(page.locator("#open-items")).to_contain_text("Offline sync")

    # Close, carrying the unfinished item over to Sprint 2.
    page.select_option("#id_carry_over_to", label="Sprint 2")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Close sprint").click()
    expect(page.locator(".messages")).to_contain_text("1 unfinished item moved to “Sprint 2”")
    expect(page.locator("#sprint-status")).to_have_text("Closed")
    expect(page.locator("#open-items")).to_contain_text("carried over")
    assert Sprint.objects.get(pk=sprint.pk).status == SprintStatus.CLOSED
    assert WorkItem.objects.get(title="Offline sync").sprint_id == next_sprint.pk

    page.goto(f"/w/{cast.workspace.slug}/sprints/{next_sprint.pk}/")
    expect(page.locator("#open-items")).to_contain_text("Offline sync")
