"""The backlog's manual order in Chromium: drag a row between two others, move one with the
keyboard's buttons; and axe on the product and requirement pages, in both languages."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from accounts import services as accounts
from accounts.queries import membership_for
from product.models import Requirement
from product.services import products, requirements
from tests.e2e.conftest import Cast, log_in
from tests.e2e.test_accessibility import severe_violations

pytestmark = pytest.mark.browser


def backlog_of(cast: Cast) -> tuple[Any, list[Requirement]]:
    owner = membership_for(cast.owner, cast.workspace.slug)
    product = products.create_product(owner, name="Cadence App", vision="Plan less")
    made = [
        requirements.create_requirement(
            owner,
            product,
            title="Sign in with WeCom",
            reach=1000,
            impact=Decimal("2"),
            confidence=80,
            effort=Decimal("4"),
        ),
        requirements.create_requirement(owner, product, title="Dark mode"),
        requirements.create_requirement(
            owner, product, title="Offline mode", reach=300, impact=Decimal("3"), confidence=100, effort=Decimal("0.5")
        ),
        requirements.create_requirement(owner, product, title="Export", description="# Goal\n\nExport."),
    ]
    current = Requirement.objects.get(pk=made[3].pk)
    requirements.update_requirement(owner, current, version=current.version, description="# Goal\n\nExport **all**.")
    return product, made


def order(page: Page) -> list[str]:
    return page.locator("#backlog tbody tr[data-number]").evaluate_all("rows => rows.map(r => r.dataset.number)")


def test_drag_and_keyboard_reorder(new_page: Callable[..., Page], cast: Cast) -> None:
    backlog_of(cast)
    page = new_page("en")
    log_in(page, cast.owner)
    page.goto(f"/w/{cast.workspace.slug}/requirements/?sort=rank")
    assert order(page) == ["1", "2", "3", "4"]
    expect(page.locator("[data-disagrees]")).to_have_count(1)
    # Drag REQ-4 onto the upper half of REQ-2: it lands between REQ-1 and REQ-2.
    source = page.locator('#backlog tr[data-number="4"]')
    target = page.locator('#backlog tr[data-number="2"]')
    box = target.bounding_box()
    assert box
    source.drag_to(target, target_position={"x": 20, "y": 3})
    page.wait_for_function("() => document.querySelectorAll('#backlog tr[data-number]')[1].dataset.number === '4'")
    page.wait_for_load_state("networkidle")
    assert order(page) == ["1", "4", "2", "3"]
    assert list(Requirement.objects.order_by("rank").values_list("number", flat=True)) == [1, 4, 2, 3]
    # The keyboard: REQ-3's move-up button.
    up = page.get_by_role("button", name="Move REQ-3 up")
    up.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('#backlog tr[data-number]')[2].dataset.number === '3'")
    assert order(page) == ["1", "4", "3", "2"]
    # The focus stays on the moved row's button.
    page.wait_for_function(
        "() => (document.activeElement.textContent || '').trim().endsWith('Move REQ-3 up')", timeout=3000
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_product_pages_have_no_serious_violations(new_page: Callable[..., Page], cast: Cast, language: str) -> None:
    user: Any = cast.owner
    accounts.update_profile(user, version=user.version, language=language)
    product, _made = backlog_of(cast)
    slug = cast.workspace.slug
    page = new_page(language)
    log_in(page, user)
    problems: list[str] = []
    for path in (
        f"/w/{slug}/products/",
        f"/w/{slug}/products/new/",
        f"/w/{slug}/products/{product.pk}/",
        f"/w/{slug}/products/{product.pk}/edit/",
        f"/w/{slug}/settings/product/",
        f"/w/{slug}/requirements/",
        f"/w/{slug}/requirements/?sort=rank",
        f"/w/{slug}/requirements/new/",
        f"/w/{slug}/requirements/1/",
        f"/w/{slug}/requirements/4/",
        f"/w/{slug}/requirements/1/edit/",
        f"/w/{slug}/requirements/4/compare/",
    ):
        page.goto(path)
        problems += severe_violations(page)
    if language == "en":
        page.goto(f"/w/{slug}/requirements/?sort=rank")
        page.screenshot(path="/tmp/reqhelper/backlog.png", full_page=True)
        page.goto(f"/w/{slug}/requirements/4/compare/")
        page.screenshot(path="/tmp/reqhelper/compare.png", full_page=True)
        page.goto(f"/w/{slug}/requirements/1/")
        page.screenshot(path="/tmp/reqhelper/requirement.png", full_page=True)
    assert not problems, "\n".join(problems)
