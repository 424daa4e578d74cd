"""Every page of the demo workspace, crawled as its user: at 1,440 px and 390 px, in both languages and
both themes. A page fails the crawl if it does not answer 200, scrolls sideways at 390 px, has a
serious or critical axe violation, or shows raw code or an English string of the catalogue in Chinese.

The crawl follows the links of the pages themselves from the home page, so a new page is crawled as
soon as something links to it; one page stands for each URL pattern (an item page for all items)."""

import re
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import Resolver404, resolve
from django.utils.translation import trans_real
from playwright.sync_api import Page

from accounts import services as accounts
from accounts.models import User
from core.demo_workspace import DEMO_EMAIL, DEMO_PASSWORD, DEMO_SLUG, build_demo

pytestmark = pytest.mark.browser

SEVERE = {"serious", "critical"}
WIDTHS = {"wide": 1440, "phone": 390}
# Links that act or download rather than show a page.
SKIPPED = re.compile(r"/(export|download|logout|ical|feed)\b|\.(csv|xlsx|ics|json|pdf|png|zip)$")
# What a template shows when it renders a variable it should not: a tag, a Python value, a code.
RAW = re.compile(
    r"\{\{|\}\}|\{%|%\}|^None$|^undefined$|^NaN$|\[object Object\]|Traceback|^[a-z]+(_[a-z]+)+$|^[a-z_]+\.[a-z_]+$"
)
# The text of every element without element children, and of buttons and options, as shown.
# Elements in another language (the language switch's "English") are what they say.
LEAF_TEXTS = """() => Array.from(document.querySelectorAll("body *"))
  .filter((e) => e.children.length === 0 && e.offsetParent !== null)
  .filter((e) => !e.closest("script, style, pre, code, .markdown, [lang]:not(html)"))
  .map((e) => e.textContent.trim()).filter((t) => t)"""


def english_strings() -> set[str]:
    """The catalogue's English words that have a Chinese translation unlike themselves: shown as such
    in a Chinese page, they are untranslated."""
    catalogue = trans_real.translation("zh-hans")._catalog  # type: ignore[attr-defined]
    return {
        msgid
        for msgid, msgstr in catalogue.items()
        if isinstance(msgid, str) and msgstr != msgid and re.search(r"[A-Za-z]{3}", msgid) and "%" not in msgid
    }


def pattern_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route


def crawl(page: Page, check: Callable[[str], None]) -> list[str]:
    """Each URL pattern's first page reachable from the home page by links, in the order found; each
    is checked as it is reached."""
    start = f"/w/{DEMO_SLUG}/"
    queue, seen_patterns, pages = deque([start, "/account/"]), set(), []
    while queue:
        path = queue.popleft()
        pattern = pattern_of(path)
        if pattern is None or pattern in seen_patterns:
            continue
        seen_patterns.add(pattern)
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
        pages.append(path)
        check(path)
        for href in page.eval_on_selector_all("a[href]", "links => links.map((a) => a.getAttribute('href'))"):
            parts = urlsplit(href)
            if parts.netloc or not parts.path.startswith(("/w/", "/account/")) or SKIPPED.search(parts.path):
                continue
            queue.append(parts.path)
    return pages


@pytest.fixture
def demo_user(transactional_db: Any) -> Iterator[User]:
    build_demo()
    yield User.objects.get(email=DEMO_EMAIL)


def log_in_demo(page: Page) -> None:
    page.goto("/login/")
    page.fill("input[name=email]", DEMO_EMAIL)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def problems_of(page: Page, path: str, *, width: str, language: str, english: set[str]) -> list[str]:
    where = f"{path} [{width}, {language}]"
    problems = []
    if width == "phone":
        scroll, client = page.evaluate("[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]")
        if scroll > client:
            problems.append(f"{where}: scrolls sideways ({scroll} px in {client} px)")
    for violation in Axe().run(page).response["violations"]:
        if violation["impact"] in SEVERE:
            targets = [n["target"] for n in violation["nodes"]][:5]
            problems.append(f"{where}: axe {violation['id']} ({violation['impact']}) {targets}")
    for text in page.evaluate(LEAF_TEXTS):
        if RAW.search(text):
            problems.append(f"{where}: raw code {text!r}")
        elif language == "zh-hans" and text in english:
            problems.append(f"{where}: untranslated {text!r}")
    return problems


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_demo_page_reads_well_on_a_phone_and_a_wide_screen(
    new_page: Callable[..., Page], demo_user: User, language: str, theme: str
) -> None:
    accounts.update_profile(demo_user, version=demo_user.version, language=language)
    page = new_page(language)
    page.emulate_media(color_scheme="dark" if theme == "dark" else "light")
    page.set_viewport_size({"width": WIDTHS["wide"], "height": 900})
    log_in_demo(page)
    english = english_strings()
    problems: list[str] = []

    def check(path: str, width: str = "wide") -> None:
        problems.extend(problems_of(page, path, width=width, language=language, english=english))

    paths = crawl(page, check)
    assert len(paths) > 50, paths  # the crawl reached the modules, not only the shell
    page.set_viewport_size({"width": WIDTHS["phone"], "height": 844})
    for path in paths:
        page.goto(path)
        check(path, "phone")
    assert not problems, f"{len(problems)} problems in {len(paths)} pages:\n" + "\n".join(problems)
