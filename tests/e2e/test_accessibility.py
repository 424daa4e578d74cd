"""axe-core on every main page, in both languages: no serious or critical violation."""

from collections.abc import Callable
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from accounts import services as accounts
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
    page.emulate_media(color_scheme=theme)  # the login page follows the system's theme
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
