"""axe-core on every main page, in both languages: no serious or critical violation."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page

from accounts import services as accounts
from accounts.queries import membership_for
from goals.services import cycles, objectives
from product.services import feedback, products, releases, requirements
from projects import services as projects
from projects.services import items
from tests.e2e.conftest import Cast, log_in

pytestmark = pytest.mark.browser

SEVERE = {"serious", "critical"}


def severe_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{page.url} {v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in SEVERE
    ]


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_main_pages_have_no_serious_violations(
    new_page: Callable[..., Page], cast: Cast, language: str, theme: str
) -> None:
    user: Any = cast.owner
    accounts.update_profile(user, version=user.version, language=language, theme=theme)
    slug = cast.workspace.slug
    paths = [
        f"/w/{slug}/",
        f"/w/{slug}/people/",
        f"/w/{slug}/people/{cast.carol.pk}/",
        f"/w/{slug}/departments/",
        f"/w/{slug}/departments/{cast.department.pk}/",
        f"/w/{slug}/teams/",
        f"/w/{slug}/teams/{cast.team.pk}/",
        f"/w/{slug}/activity/",
        f"/w/{slug}/trash/",
        f"/w/{slug}/settings/",
        "/account/",
        "/account/password/",
        "/account/tokens/",
    ]
    page = new_page(language)
    page.emulate_media(color_scheme="dark" if theme == "dark" else "light")  # the login page follows the system
    page.goto("/login/")
    assert page.locator("html").get_attribute("lang") == language
    problems = severe_violations(page)
    log_in(page, user)
    for path in paths:
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("html").get_attribute("data-theme") == theme
        problems += severe_violations(page)
    assert not problems, "\n".join(problems)

    if language == "en":
        page.goto(f"/w/{slug}/")
        page.screenshot(path=f"/tmp/cadence-home-{theme}.png", full_page=True)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_work_pages_have_no_serious_violations_in_either_theme(
    new_page: Callable[..., Page], cast: Cast, theme: str
) -> None:
    """The pages of projects, product and goals, with something on each (colours of states, badges,
    charts), in both themes."""
    user: Any = cast.owner
    accounts.update_profile(user, version=user.version, theme=theme)
    owner = membership_for(user, cast.workspace.slug)
    today = timezone.localdate()
    project = projects.create_project(owner, name="Website", key="WEB")
    item = items.create_item(owner, project, title="Sign-up page", start_date=today, due_date=today)
    items.create_item(owner, project, title="Design tokens", priority="urgent")
    product = products.create_product(owner, name="Cadence App")
    requirement = requirements.create_requirement(owner, product, title="Export to Excel")
    note = feedback.create_feedback(owner, product_id=product.pk, content="Excel, please.", channel="survey")
    release = releases.create_release(owner, product, name="v1.0", target_date=today + datetime.timedelta(days=20))
    cycle = cycles.create_cycle(
        owner, kind="quarter", start_date=today - datetime.timedelta(10), end_date=today + datetime.timedelta(80)
    )
    cycles.activate_cycle(owner, cycle, version=cycle.version)
    objective = objectives.create_objective(owner, cycle, title="Happier teams", level="company", owner_id=user.pk)
    slug = cast.workspace.slug
    paths = [
        reverse("projects:list", args=[slug]),
        reverse("projects:project", args=[slug, "WEB"]),
        reverse("projects:items", args=[slug, "WEB"]),
        reverse("projects:item", args=[slug, item.key]),
        reverse("projects:board", args=[slug, "WEB"]),
        reverse("projects:timeline", args=[slug, "WEB"]),
        reverse("projects:calendar", args=[slug, "WEB"]),
        reverse("projects:my_work", args=[slug]),
        reverse("sprints:list", args=[slug, "WEB"]),
        reverse("product:backlog", args=[slug]),
        reverse("product:requirement", args=[slug, requirement.number]),
        reverse("product:products", args=[slug]),
        reverse("product:product", args=[slug, product.pk]),
        reverse("product:feedback-inbox", args=[slug]),
        reverse("product:feedback", args=[slug, note.pk]),
        reverse("product:releases", args=[slug]),
        reverse("product:release", args=[slug, release.pk]),
        reverse("product:roadmap", args=[slug]),
        reverse("goals:tree", args=[slug]),
        reverse("goals:objective", args=[slug, objective.pk]),
        reverse("notify:inbox", args=[slug]),
    ]
    page = new_page("en")
    log_in(page, user)
    problems: list[str] = []
    for path in paths:
        page.goto(path)
        assert page.locator("html").get_attribute("data-theme") == theme
        problems += severe_violations(page)
    assert not problems, "\n".join(problems)
