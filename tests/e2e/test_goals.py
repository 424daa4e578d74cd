"""Loop 3 of PRODUCT.md in the browser: an objective aligned to the company's, with two key
results; the SMART check complains while typing and is satisfied once the wording is fixed; two
check-ins draw the history chart and move the roll-up of the parent objective."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from accounts.queries import membership_for
from goals.models import CheckIn, KeyResult, Objective
from goals.services import cycles, key_results, objectives
from tests.e2e.conftest import Cast, log_in
from tests.e2e.picking import pick

pytestmark = pytest.mark.browser


def submit(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def smart(page: Page) -> Any:
    return page.locator(".smart-check")


def test_an_objective_with_two_key_results_is_checked_checked_in_and_rolled_up(new_page: Any, cast: Cast) -> None:
    owner = membership_for(cast.owner, cast.workspace.slug)
    today = timezone.localdate()
    cycle = cycles.create_cycle(
        owner,
        kind="quarter",
        start_date=today - datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=60),
    )
    cycles.activate_cycle(owner, cycle, version=cycle.version)
    company = objectives.create_objective(
        owner,
        cycle,
        title="Reach 10,000 paying teams by the end of the quarter",
        level="company",
        owner_id=owner.user_id,
    )
    key_results.create_key_result(
        owner,
        company,
        title="Paying teams from 8,000 to 10,000",
        start_value=Decimal(8000),
        target_value=Decimal(10000),
        current_value=Decimal(9000),
        owner_id=cast.owner.pk,
        due_date=cycle.end_date,
    )
    company.refresh_from_db()
    assert company.rolled_up == 50.0
    slug = cast.workspace.slug
    page = new_page()
    log_in(page, cast.owner)

    # A vague objective: the check complains while the title is typed.
    page.goto(f"/w/{slug}/goals/objectives/new/")
    page.get_by_label("Title").fill("Improve customer satisfaction")
    expect(smart(page).locator("[data-smart=specific]")).to_be_visible()
    expect(smart(page)).to_contain_text("improve")
    page.get_by_label("Title").fill("Raise the customer satisfaction score to 4.5 by the end of the quarter")
    expect(smart(page).locator("[data-smart=ok]")).to_be_visible()
    expect(smart(page).locator("[data-smart=specific]")).to_have_count(0)
    page.get_by_label("Team", exact=True).select_option(label="App")
    pick(page, "Aligned to", company.title[:4], company.title)
    submit(page, "Create objective")
    objective = Objective.objects.get(title__startswith="Raise the customer satisfaction")
    assert (objective.parent_id, objective.owner_id, objective.level, objective.team_id) == (
        company.pk,
        cast.owner.pk,
        "team",
        cast.team.pk,
    )

    # Two key results; the first is missing its due date until the check says so.
    page.get_by_role("link", name="Add a key result").click()
    page.get_by_label("Title").fill("Customer satisfaction score from 4.1 to 4.5")
    page.get_by_label("Start value").fill("4.1")
    page.get_by_label("Target value").fill("4.5")
    page.get_by_label("Due date").fill("")
    expect(smart(page).locator("[data-smart=time_bound]")).to_be_visible()
    page.get_by_label("Due date").fill(cycle.end_date.isoformat())
    expect(smart(page).locator("[data-smart=ok]")).to_be_visible()
    submit(page, "Add key result")
    page.get_by_role("link", name="Add a key result").click()
    page.get_by_label("Title").fill("Tickets answered within an hour from 60% to 90%")
    page.get_by_label("Metric").select_option("percentage")
    page.get_by_label("Start value").fill("60")
    page.get_by_label("Target value").fill("90")
    page.get_by_label("Due date").fill(cycle.end_date.isoformat())
    submit(page, "Add key result")
    score, tickets = KeyResult.objects.filter(objective=objective).order_by("pk")
    assert (score.target_value, tickets.metric, tickets.target_value) == (Decimal("4.5"), "percentage", Decimal(90))

    # Two check-ins of the score: 4.2, then 4.3 (half way), the second at risk.
    for value, confidence, note in (
        ("4.2", "On track", "First survey back."),
        ("4.3", "At risk", "Slower than hoped."),
    ):
        page.locator(f"#kr-{score.pk}").get_by_role("link", name="Check in").click()
        page.get_by_label("Current value").fill(value)
        page.get_by_label(confidence).check()
        page.get_by_label("Note").fill(note)
        submit(page, "Check in")
    assert list(CheckIn.objects.filter(key_result=score).values_list("value", flat=True).order_by("pk")) == [
        Decimal("4.2"),
        Decimal("4.3"),
    ]
    page.goto(f"/w/{slug}/goals/objectives/{objective.pk}/")
    card = page.locator(f"#kr-{score.pk}")
    expect(card.locator("svg.chart-svg circle")).to_have_count(2)
    expect(card).to_contain_text("Slower than hoped.")
    expect(card).to_contain_text("At risk")
    # The score is half way (weight 1), the tickets at 0 (weight 1): the objective is at 25 %.
    expect(page.locator("main")).to_contain_text("25 %")

    # The parent's roll-up now counts all three key results: (50 + 50 + 0) / 3.
    page.goto(f"/w/{slug}/goals/objectives/{company.pk}/")
    expect(page.locator("main")).to_contain_text("33 %")
    page.goto(f"/w/{slug}/goals/")
    tree = page.locator("main")
    expect(tree).to_contain_text(objective.title)
    company.refresh_from_db()
    assert round(company.rolled_up or 0, 2) == 33.33 and company.progress == 50.0


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_goals_pages_have_no_serious_violations(new_page: Any, cast: Cast, language: str) -> None:
    from accounts import services as accounts
    from tests.e2e.test_accessibility import severe_violations

    user: Any = cast.owner
    accounts.update_profile(user, version=user.version, language=language)
    owner = membership_for(cast.owner, cast.workspace.slug)
    today = timezone.localdate()
    cycle = cycles.create_cycle(
        owner,
        kind="quarter",
        start_date=today - datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=60),
    )
    cycles.activate_cycle(owner, cycle, version=cycle.version)
    company = objectives.create_objective(owner, cycle, title="提升用户满意度", level="company", owner_id=cast.owner.pk)
    result = key_results.create_key_result(
        owner, company, title="满意度评分从 4.1 提高到 4.5 分", start_value=Decimal("4.1"), target_value=Decimal("4.5")
    )
    key_results.check_in(owner, result, value="4.3", confidence="at_risk", note="进展偏慢")
    page = new_page(language)
    log_in(page, cast.owner)
    slug = cast.workspace.slug
    found = []
    for path in (
        f"/w/{slug}/goals/",
        f"/w/{slug}/goals/cycles/",
        f"/w/{slug}/goals/cycles/{cycle.pk}/",
        f"/w/{slug}/goals/cycles/{cycle.pk}/report/",
        f"/w/{slug}/goals/objectives/new/",
        f"/w/{slug}/goals/objectives/{company.pk}/",
        f"/w/{slug}/goals/objectives/{company.pk}/review/",
        f"/w/{slug}/goals/objectives/{company.pk}/key-results/new/",
        f"/w/{slug}/goals/key-results/{result.pk}/check-in/",
        f"/w/{slug}/goals/key-results/{result.pk}/edit/",
    ):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        found += severe_violations(page)
    assert not found


def test_an_objective_edited_in_place_and_its_conflict(new_page: Any, cast: Cast) -> None:
    owner = membership_for(cast.owner, cast.workspace.slug)
    today = timezone.localdate()
    cycle = cycles.create_cycle(owner, kind="quarter", start_date=today, end_date=today + datetime.timedelta(days=80))
    objective = objectives.create_objective(
        owner, cycle, title="Ship the mobile app this quarter", level="company", owner_id=cast.owner.pk
    )
    User.objects.filter(pk=cast.admin.pk).update(language="en")
    url = f"/w/{cast.workspace.slug}/goals/objectives/{objective.pk}/"
    first, second = new_page(), new_page()
    log_in(first, cast.owner)
    log_in(second, cast.admin)
    first.goto(url)
    second.goto(url)

    # The first writes the description in place: Enter is a new line, Ctrl+Enter saves.
    description = first.locator("[data-inline-field=description]")
    description.get_by_role("button", name="Edit").click()
    editor = description.get_by_role("textbox")
    expect(editor).to_be_focused()
    editor.fill("For iOS and Android")
    editor.press("Control+Enter")
    expect(description).to_contain_text("For iOS and Android")
    objective.refresh_from_db()
    assert objective.description == "For iOS and Android"

    # The second, who read the page before, changes the title: the conflict shows the field as it
    # is now and writes nothing; overwriting saves theirs.
    title = second.locator("[data-inline-field=title]")
    title.locator(".inline-value").click()
    title.get_by_role("textbox").fill("Ship the mobile app by June")
    title.get_by_role("textbox").press("Enter")
    expect(title.get_by_role("alert")).to_contain_text("It is now: Ship the mobile app this quarter")
    objective.refresh_from_db()
    assert objective.title == "Ship the mobile app this quarter"
    title.get_by_role("button", name="Overwrite").click()
    expect(title.locator(".inline-value")).to_contain_text("Ship the mobile app by June")
    objective.refresh_from_db()
    assert (objective.title, objective.description) == ("Ship the mobile app by June", "For iOS and Android")
