"""axe-core on the pages before signing in, in both languages and both themes: no serious or
critical violation. The pages behind the login are checked by the crawl of the demo (test_crawl.py),
which reaches every one of them in both languages and both themes."""

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

SEVERE = {"serious", "critical"}
PATHS = ["/login/", "/password-reset/", "/password-reset/sent/"]


def severe_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{page.url} {v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in SEVERE
    ]


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_pages_before_signing_in_have_no_serious_violations(
    new_page: Callable[..., Page], transactional_db: None, language: str, theme: str
) -> None:
    page = new_page(language)
    page.emulate_media(color_scheme="dark" if theme == "dark" else "light")  # they follow the system
    problems = []
    for path in PATHS:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert page.locator("html").get_attribute("lang") == language
        problems += severe_violations(page)
    assert not problems, "\n".join(problems)
